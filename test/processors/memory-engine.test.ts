import { readFileSync } from 'node:fs';
import { fromArrayBuffer } from 'geotiff';
import { afterAll, describe, expect, it } from 'vitest';
import { Rasterizer } from '../../src/processors/rasterizer.js';
import { Reprojector } from '../../src/processors/reprojector.js';
import { SpatialSpec } from '../../src/spec/spatial-spec.js';
import { slope } from '../../src/terrain/gdaldem.js';
import { createMemoryEngine, createNodeEngine, nodeGdalModule } from '../../wasm/node.js';
import { HAS_DATA, NO_DATA_REASON, readBands, resolveInput, sample, useScratchFolder } from './helpers.js';

/** The browser's case: inputs and outputs live in GDAL's in-memory file system. */
describe.skipIf(!HAS_DATA)(`processors and terrain on the in-memory engine${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const memory = createMemoryEngine({ module: nodeGdalModule });
  const host = createNodeEngine();
  const scratch = useScratchFolder('processors-memory');
  afterAll(async () => {
    await memory.close();
    await host.close();
  });

  async function upload(...names: string[]): Promise<void> {
    for (const name of names) await memory.writeFile(`/inputs/${name}`, new Uint8Array(readFileSync(sample(name))));
  }

  async function memoryBands(path: string): Promise<Float64Array[]> {
    const bytes = (await memory.readFile(path)).slice();
    const image = await (await fromArrayBuffer(bytes.buffer)).getImage();
    return Array.from((await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[], (band) => Float64Array.from(band));
  }

  const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [500, 0, 4010000, 0, -500, 3020000], shape: [180, 130] });
  const memoryInput = async (ref: unknown) => String(ref);

  it('reprojects, rasterizes and computes slope in memory exactly as on host files', async () => {
    await upload('elev.tif', 'lux.shp', 'lux.shx', 'lux.dbf', 'lux.prj');
    await memory.mkdir('/outputs');

    await new Reprojector('/inputs/elev.tif', { resampling: 'bilinear' }).run({ spec, outputPath: '/outputs/elev.tif', engine: memory, resolveInput: memoryInput });
    await new Reprojector(sample('elev.tif'), { resampling: 'bilinear' }).run({ spec, outputPath: scratch.path('elev.tif'), engine: host, resolveInput });
    expect(await memoryBands('/outputs/elev.tif')).toEqual((await readBands(scratch.path('elev.tif'))).bands);

    await new Rasterizer('/inputs/lux.shp', { burn: 'index' }).run({ spec, outputPath: '/outputs/lux.tif', engine: memory, resolveInput: memoryInput });
    await new Rasterizer(sample('lux.shp'), { burn: 'index' }).run({ spec, outputPath: scratch.path('lux.tif'), engine: host, resolveInput });
    const burned = await memoryBands('/outputs/lux.tif');
    expect(burned).toEqual((await readBands(scratch.path('lux.tif'))).bands);
    expect(new Set(burned[0])).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));

    await slope('/outputs/elev.tif', '/outputs/slope.tif', { engine: memory });
    await slope(scratch.path('elev.tif'), scratch.path('slope.tif'), { engine: host });
    expect(await memoryBands('/outputs/slope.tif')).toEqual((await readBands(scratch.path('slope.tif'))).bands);

  });
});
