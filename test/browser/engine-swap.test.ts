/**
 * The browser platform, run in Node (GDAL's memory file system through the Node module, a memory
 * store): a page that closes its engine (a worker engine's close() ends the worker and its files)
 * or swaps it for another must find its inputs again, not paths that pointed into the old one.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Data, getConfig, load, type Raster, register, remoteReads, Reprojector, Slope, SpatialSpec, syntheticTerrain } from '../../src/node.js';
import { browserPlatform } from '../../src/browser/platform-browser.js';
import { getPlatform, setPlatform } from '../../src/platform.js';
import { memoryStore } from '../../src/store/memory.js';
import { createMemoryEngine, createNodeEngine, nodeGdalModule } from '../../wasm/node.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

/** A warp of bytes (a dropped file) or of a URL. */
class Elevation extends Data {
  constructor(
    public source: Uint8Array | string,
    public resampling: 'nearest' | 'bilinear',
    public tag = 0,
  ) {
    super();
  }
  override get processor() {
    return new Reprojector(this.source, { resampling: this.resampling });
  }
}
register(Elevation);

/** 500 m in EPSG:3035 over Luxembourg: elev.tif's area. */
const LUXEMBOURG = new SpatialSpec({ crs: 'EPSG:3035', transform: [500, 0, 4010000, 0, -500, 3020000], shape: [180, 130] });
/** 25 m over a small part of the generated terrain: a window of the COG. */
const WINDOW = new SpatialSpec({ crs: 'EPSG:3035', transform: [25, 0, 4370000, 0, -25, 2630000], shape: [200, 300] });

const newEngine = () => createMemoryEngine({ module: nodeGdalModule });

/** Closes the configured engine and configures a new one, as a page does. */
async function swapEngine(): Promise<void> {
  await getConfig().engine.close();
  getConfig().update({ engine: newEngine() });
}

describe.skipIf(!HAS_DATA)(`inputs after the engine is closed or replaced, on the browser platform${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const saved = getConfig().snapshot();
  const platform = getPlatform();
  let server: HttpServer;
  let cog: Uint8Array;

  beforeAll(async () => {
    const path = join(process.env.TMPDIR ?? '/tmp', `geodata-engine-swap-${process.pid}.tif`);
    const hostEngine = createNodeEngine();
    await syntheticTerrain({ size: 2048, pixel: 30 }).write(path, { cog: true, blockSize: 256, engine: hostEngine });
    await hostEngine.close();
    cog = new Uint8Array(await readFile(path));
    server = await startHttpServer((requested) => (requested === '/cog.tif' ? { body: cog, type: 'image/tiff' } : undefined));
    setPlatform(browserPlatform);
    getConfig().update({ store: memoryStore(), engine: newEngine() });
  });

  afterAll(async () => {
    await getConfig().engine.close();
    getConfig().restore(saved);
    setPlatform(platform);
    await server.close();
  });

  it('loads bytes again after the engine was closed and replaced, and reads a cached entry into the new engine for Slope', async () => {
    const bytes = new Uint8Array(readFileSync(sample('elev.tif')));
    const first = await load<Raster>(new Elevation(bytes, 'nearest'), LUXEMBOURG);
    await swapEngine();
    const second = await load<Raster>(new Elevation(bytes, 'bilinear'), LUXEMBOURG);
    expect([first.width, first.height, second.width, second.height]).toEqual([130, 180, 130, 180]);
    // The nearest entry is in the store, not in the new engine: Slope needs it there as a file.
    const slope = await load<Raster>(new Slope(new Elevation(bytes, 'nearest')), LUXEMBOURG);
    expect([slope.width, slope.height]).toEqual([130, 180]);
    await swapEngine();
    const again = await load<Raster>(new Elevation(bytes, 'nearest', 1), LUXEMBOURG);
    expect(Array.from(again.bands[0]!)).toEqual(Array.from(first.bands[0]!));
  });

  it('reads the window of a remote COG again into a new engine, instead of pointing into the closed one', async () => {
    const url = `${server.url}cog.tif`;
    const first = await load<Raster>(new Elevation(url, 'bilinear', 1), WINDOW);
    const reads = remoteReads().filter((read) => read.url === url).length;
    await swapEngine();
    const second = await load<Raster>(new Elevation(url, 'bilinear', 2), WINDOW);
    expect(Array.from(second.bands[0]!)).toEqual(Array.from(first.bands[0]!));
    expect(remoteReads().filter((read) => read.url === url).length).toBe(reads + 1);
  });
});
