// A warp whose source does not meet the spec gives an all-nodata output: the output is still
// committed (it is what GDAL computes), but the user is told why it is empty.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Data, Raster, Rasterizer, Reprojector, SpatialSpec, load, register } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

/** A 4x4 Float32 raster around 600 km east, 5200 km north in UTM 32N. */
const SOURCE_SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [100, 0, 600000, 0, -100, 5200400], shape: [4, 4] });
/** Over the source, in another CRS. */
const OVER = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.001, 0, 10.315, 0, -0.001, 46.949], shape: [3, 4] });
/** Far away: the southern hemisphere. */
const ELSEWHERE = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.001, 0, 10.315, 0, -0.001, -30], shape: [3, 4] });

class Warped extends Data {
  constructor(public file: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.file);
  }
}
register(Warped);

describe('a warp whose source does not overlap the spec', () => {
  const cache = useTempCache('geodata-no-overlap');
  const lines: string[] = [];
  let file = '';
  beforeEach(async () => {
    file = join(cache.root, 'source.tif');
    await Raster.fromArrays([Float32Array.from({ length: 16 }, (_, i) => i + 1)], SOURCE_SPEC, { nodata: -9999 }).write(file);
    lines.length = 0;
    vi.spyOn(console, 'warn').mockImplementation((line: string) => void lines.push(line));
  });
  afterEach(() => vi.restoreAllMocks());

  it('warns with an event and one line naming the source and the spec, and the output is all nodata', async () => {
    const raster = await load<Raster>(new Warped(file), ELSEWHERE);
    expect([...raster.bands[0]!].every((value) => Number.isNaN(value))).toBe(true); // NaN: a float warp's nodata
    const warnings = cache.events.filter((event) => event.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ className: 'Warped', message: `Reprojector: ${file} does not overlap ${ELSEWHERE}: the output is entirely nodata; check the spec's CRS and bounds against the source's` });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^geodata: warning: Warped [0-9a-f]{8}: Reprojector: .* does not overlap /);
  });

  it('says nothing when the footprints meet', async () => {
    const raster = await load<Raster>(new Warped(file), OVER);
    expect([...raster.bands[0]!].some((value) => value >= 1 && value <= 16)).toBe(true);
    expect(cache.events.filter((event) => event.type === 'warning')).toEqual([]);
    expect(lines).toEqual([]);
  });
});

class Districts extends Data {
  constructor(public file: string) {
    super();
  }
  override get processor() {
    return new Rasterizer(this.file, { burn: 'index' });
  }
}
register(Districts);

/** Luxembourg in ETRS89-LAEA at 500 m: under the polygons of lux.shp (in EPSG:4326). */
const OVER_LUXEMBOURG = new SpatialSpec({ crs: 'EPSG:3035', transform: [500, 0, 4010000, 0, -500, 3020000], shape: [180, 130] });
/** The same grid 300 km further west: France. */
const WEST_OF_LUXEMBOURG = new SpatialSpec({ crs: 'EPSG:3035', transform: [500, 0, 3710000, 0, -500, 3020000], shape: [180, 130] });

describe.skipIf(!HAS_DATA)(`a rasterization whose features do not overlap the spec${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const cache = useTempCache('geodata-no-overlap-vector');
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    vi.spyOn(console, 'warn').mockImplementation((line: string) => void lines.push(line));
  });
  afterEach(() => vi.restoreAllMocks());

  it('warns with an event and one line naming the vector source and the spec, and every pixel is the fill value', async () => {
    const lux = sample('lux.shp');
    const raster = await load<Raster>(new Districts(lux), WEST_OF_LUXEMBOURG);
    expect([...raster.bands[0]!].every((value) => value === 0)).toBe(true);
    const warnings = cache.events.filter((event) => event.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      className: 'Districts',
      message: `Rasterizer: the features of ${lux} (layer lux) do not overlap ${WEST_OF_LUXEMBOURG}: every pixel is the fill value 0; check the spec's CRS and bounds against the features'`,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^geodata: warning: Districts [0-9a-f]{8}: Rasterizer: the features of .*lux\.shp \(layer lux\) do not overlap /);
  });

  it('says nothing when the features meet the grid', async () => {
    const raster = await load<Raster>(new Districts(sample('lux.shp')), OVER_LUXEMBOURG);
    expect(new Set(raster.bands[0]!)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    expect(cache.events.filter((event) => event.type === 'warning')).toEqual([]);
    expect(lines).toEqual([]);
  });
});
