// What `load` resolves to, as TypeScript sees it. The assertions are types: `npm run typecheck`
// fails on a wrong one (vitest runs the file too, and checks the Raster at run time once).
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  Data,
  Hillshade,
  load,
  memoryStore,
  Mosaic,
  Raster,
  Rasterizer,
  register,
  Reprojector,
  Slope,
  SpatialSpec,
  syntheticTerrain,
  withConfig,
  type Driver,
  type LoadResult,
} from '../../src/node.js';

class Elevation extends Data {
  override get processor() {
    return new Reprojector('data/elevation.tif');
  }
}
class Districts extends Data {
  override get processor() {
    return new Rasterizer('data/districts.geojson', { burn: 1 });
  }
}
/** Declares its output: `_process` writes a GeoTIFF the types cannot see. */
class Declared extends Data<Raster> {
  async _process(spec: SpatialSpec) {
    await syntheticTerrain({ size: 8, pixel: 30 }).write(this.ensureProcessedPath(spec));
  }
}
const wordsDriver: Driver<string[]> = { ext: 'txt', read: async (bytes) => new TextDecoder().decode(bytes).split(' ') };
class Words extends Data {
  override get driver() {
    return wordsDriver;
  }
  async _process() {
    return new TextEncoder().encode('one two');
  }
}
class Unsaid extends Data {
  override get ext() {
    return 'txt';
  }
  async _process() {
    return new TextEncoder().encode('?');
  }
}

describe('load() types', () => {
  it('infers a Raster from a Reprojector or Rasterizer processor, and from the terrain datasets', () => {
    expectTypeOf<LoadResult<Elevation>>().toEqualTypeOf<Raster>();
    expectTypeOf<LoadResult<Districts>>().toEqualTypeOf<Raster>();
    expectTypeOf<LoadResult<Slope>>().toEqualTypeOf<Raster>();
    expectTypeOf<LoadResult<Hillshade>>().toEqualTypeOf<Raster>();
    // Functions that would load, never called: only their types are looked at.
    expectTypeOf(() => load(new Slope(new Elevation()))).returns.resolves.toEqualTypeOf<Raster>();
  });

  it("gives a Mosaic's COG as a Raster and its VRT as the bytes load() returns for it", () => {
    const tile = new Slope(new Elevation());
    // A 'vrt' Mosaic was typed Raster, and a user's load() got the VRT's XML bytes.
    expectTypeOf(() => load(new Mosaic(tile, { rows: 2, cols: 2 }, 'vrt'))).returns.resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(() => load(new Mosaic(tile, { rows: 2, cols: 2 }, 'cog'))).returns.resolves.toEqualTypeOf<Raster>();
    expectTypeOf(() => load(new Mosaic(tile, { rows: 2, cols: 2 }))).returns.resolves.toEqualTypeOf<Raster>();
    const format = 'vrt' as 'cog' | 'vrt';
    expectTypeOf(() => load(new Mosaic(tile, { rows: 2, cols: 2 }, format))).returns.resolves.toEqualTypeOf<Raster | Uint8Array>();
  });

  it("takes the type a class declares, or its driver's", () => {
    expectTypeOf<LoadResult<Declared>>().toEqualTypeOf<Raster>();
    expectTypeOf<LoadResult<Words>>().toEqualTypeOf<string[]>();
  });

  it('gives unknown where the types tell nothing, and the type named when one is', () => {
    expectTypeOf(() => load(new Unsaid())).returns.resolves.toBeUnknown();
    expectTypeOf(() => load<Uint8Array>(new Unsaid())).returns.resolves.toEqualTypeOf<Uint8Array>();
  });

  it('reads what a driver-typed class declares at run time too', async () => {
    register(Words);
    const spec = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 0], shape: [1, 1] });
    const words = await withConfig({ store: memoryStore(), spec }, () => load(new Words()));
    expect(words).toEqual(['one', 'two']);
  });
});
