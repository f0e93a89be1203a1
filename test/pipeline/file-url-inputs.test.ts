// Node scripts name their data with file: URLs (`new URL('./data/lux.shp', import.meta.url)`);
// the input hasher reads such a URL as its file, and the processor must open that same file.
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Data, Rasterizer, Reprojector, SpatialSpec, load, register, type Raster } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

class UrlDistricts extends Data {
  constructor(public source: string, public asUrlObject: boolean) {
    super();
  }
  override get processor() {
    return new Rasterizer(this.asUrlObject ? new URL(this.source) : this.source, { burn: 'index' });
  }
}
register(UrlDistricts);

class UrlElevation extends Data {
  constructor(public source: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.source);
  }
}
register(UrlElevation);

describe.skipIf(!HAS_DATA)(`processor inputs given as file: URLs${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  useTempCache('geodata-file-url-inputs');

  it('burns and warps the file a file: URL (a URL object or a string) names, as its path gives', async () => {
    const spec = await SpatialSpec.fromRasterFile(sample('elev.tif'));
    const lux = sample('lux.shp');
    const byPath = await load<Raster>(new UrlDistricts(lux, false), spec);
    expect(new Set(byPath.bands[0])).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    for (const asUrlObject of [true, false]) {
      const byUrl = await load<Raster>(new UrlDistricts(pathToFileURL(lux).href, asUrlObject), spec);
      expect(Array.from(byUrl.bands[0]!)).toEqual(Array.from(byPath.bands[0]!));
    }
    const elevation = await load<Raster>(new UrlElevation(pathToFileURL(sample('elev.tif')).href), spec);
    const direct = await load<Raster>(new UrlElevation(sample('elev.tif')), spec);
    expect(Array.from(elevation.bands[0]!)).toEqual(Array.from(direct.bands[0]!));
  });
});
