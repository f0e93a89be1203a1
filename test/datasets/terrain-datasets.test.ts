import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Aspect,
  ColorRelief,
  Data,
  Hillshade,
  InvalidInputError,
  type Raster,
  Roughness,
  Slope,
  SpatialSpec,
  Tpi,
  Tri,
  defaultRegistry,
  getConfig,
  load,
  readRaster,
  register,
  slope,
  syntheticTerrain,
} from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { getPlatform } from '../../src/platform.js';
import { onFileAccess } from '../../wasm/file-access.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [30, 0, 620000, 0, -30, 5190000], shape: [64, 64] });

class Dem extends Data {
  async _process(spec: SpatialSpec) {
    await syntheticTerrain({ size: 64, pixel: 30 }).write(this.ensureProcessedPath(spec));
  }
}
register(Dem);

describe('terrain datasets', () => {
  const cache = useTempCache();

  it('gives exactly what the terrain function gives on the source output', async () => {
    getConfig().update({ spec: SPEC });
    const viaDataset = await load<Raster>(new Slope(new Dem(), { computeEdges: true }));
    const direct = join(cache.root, 'direct-slope.tif');
    await slope(new Dem().getProcessedPath(SPEC), direct, { computeEdges: true });
    expect(viaDataset.bands[0]).toEqual((await readRaster(direct)).bands[0]);
  });

  it('reads the DEM the process just cached from its uncompressed copy, with the same slope as from the DEFLATE file, and records the DEM', async () => {
    getConfig().update({ spec: SPEC });
    const reads: string[] = [];
    const stop = onFileAccess((access) => reads.push(...access.read));
    let viaCopy: Raster;
    try {
      viaCopy = await load<Raster>(new Slope(new Dem(), { computeEdges: true }));
    } finally {
      stop();
    }
    const committed = new Dem().getProcessedPath(SPEC);
    expect(reads.some((file) => file.startsWith(`${getPlatform().workspace().tempFolder}/uncompressed/`) && file.endsWith('dem.tif'))).toBe(true);
    expect(reads).toContain(committed);
    // A new file (another inode): no copy, so GDAL reads the DEFLATE file.
    const deflated = join(cache.root, 'dem-copy.tif');
    copyFileSync(committed, deflated);
    expect(await getPlatform().uncompressedCopies!.of(deflated)).toBeUndefined();
    const direct = join(cache.root, 'direct-slope.tif');
    await slope(deflated, direct, { computeEdges: true });
    expect(viaCopy.bands[0]).toEqual((await readRaster(direct)).bands[0]);
  });

  it('registers the library classes on first use, and takes options as parameters', async () => {
    getConfig().update({ spec: SPEC });
    expect(defaultRegistry.get('Aspect')).toBeUndefined();
    const products = [new Aspect(new Dem()), new Hillshade(new Dem(), { azimuth: 200 }), new Roughness(new Dem()), new Tpi(new Dem()), new Tri(new Dem())];
    for (const product of products) await load(product);
    expect(defaultRegistry.get('Aspect')).toBe(Aspect);
    expect(cache.computed()).toEqual(['Dem', 'Aspect', 'Hillshade', 'Roughness', 'Tpi', 'Tri']);
    cache.resetEvents();
    await load(new Hillshade(new Dem(), { azimuth: 100 }));
    expect(cache.computed()).toEqual(['Hillshade']);
  });

  it('keeps the hash of a user class that names a terrain dataset the same before and after the dataset is first used', async () => {
    class SlopeMean extends Data {
      override get ext() {
        return 'json';
      }
      async _process(spec: SpatialSpec) {
        const degrees = await load<Raster>(new Slope(new Dem()), spec);
        return new TextEncoder().encode(JSON.stringify(degrees.stats(0)));
      }
    }
    register(SlopeMean);
    defaultRegistry.unregister('Slope'); // as in a fresh process, where no Slope was made yet
    const { fingerprint } = await import('../../src/node.js');
    const before = await fingerprint(new SlopeMean(), SPEC);
    await load(new SlopeMean(), SPEC);
    expect(await fingerprint(new SlopeMean(), SPEC)).toEqual(before);
    cache.resetEvents();
    await load(new SlopeMean(), SPEC);
    expect(cache.computed()).toEqual([]);
  });

  it('colours a DEM dataset', async () => {
    const relief = await load<Raster>(new ColorRelief(new Dem(), [[0, 0, 0, 255], [3000, 255, 255, 255]]), SPEC);
    expect(relief.count).toBe(3);
    expect(relief.dtype).toBe('uint8');
  });

  it('refuses a source that is not a dataset', () => {
    expect(() => new Slope('dem.tif' as never)).toThrow(InvalidInputError);
    expect(() => new Slope('dem.tif' as never)).toThrow(/Slope needs a Data instance \(the DEM\) as its source, got string/);
  });
});
