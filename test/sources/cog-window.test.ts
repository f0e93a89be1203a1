import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Data, getConfig, load, process as processEntry, Raster, readRaster, register, remoteReads, Reprojector, SpatialSpec } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { HAS_DATA, hasCommand, NO_DATA_REASON, run, sample, useScratchFolder } from '../wasm/fixtures.js';

/** A warp of one file, remote or local. */
class Warp extends Data {
  constructor(
    public source: string,
    public resampling: 'nearest' | 'bilinear',
  ) {
    super();
  }
  override get processor() {
    return new Reprojector(this.source, { resampling: this.resampling });
  }
}
register(Warp);

/** 250 m pixels over the middle of RGB.byte.tif (300 m, EPSG:32618): a window of a third of it. */
const MIDDLE = new SpatialSpec({ crs: 'EPSG:32618', transform: [250, 0, 120135, 0, -250, 2808765], shape: [300, 300] });

const HAS_NATIVE = hasCommand('gdal_translate');
const skipped = [HAS_DATA ? '' : NO_DATA_REASON, HAS_NATIVE ? '' : 'skipped: native gdal_translate is not installed'].filter(Boolean).join('; ');

describe.skipIf(!HAS_DATA || !HAS_NATIVE)(`windows of remote COGs${skipped ? ` (${skipped})` : ''}`, () => {
  useTempCache('geodata-cog-window');
  const scratch = useScratchFolder('cog-window');
  let server: HttpServer;

  beforeAll(async () => {
    // Band 1 of RGB.byte.tif with its nodata pixels set to 77 and hidden by an internal mask instead.
    const rgb = await readRaster(sample('RGB.byte.tif'));
    const red = rgb.bands[0] as Uint8Array;
    const filled = Uint8Array.from(red, (v) => (v === 0 ? 77 : v));
    const mask = Uint8Array.from(red, (v) => (v === 0 ? 0 : 255));
    await Raster.fromArrays([filled, mask], rgb.spec).write(scratch.path('two-bands.tif'), { compress: 'NONE' });
    run('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=256', '-b', '1', '-mask', '2', scratch.path('two-bands.tif'), scratch.path('masked.tif')]);
    run('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=256', sample('RGB.byte.tif'), scratch.path('rgb.tif')]);
    // The same band with a colour table (grey ramp reversed).
    const entries = Array.from({ length: 256 }, (_, i) => `<Entry c1="${255 - i}" c2="${255 - i}" c3="${255 - i}" c4="255"/>`).join('');
    run('gdal_translate', ['-q', '-of', 'VRT', '-b', '1', scratch.path('two-bands.tif'), scratch.path('band.vrt')]);
    const vrt = (await readFile(scratch.path('band.vrt'), 'utf8')).replace(/<ColorInterp>[^<]*<\/ColorInterp>/, `<ColorInterp>Palette</ColorInterp><ColorTable>${entries}</ColorTable>`);
    await writeFile(scratch.path('band.vrt'), vrt);
    run('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=256', scratch.path('band.vrt'), scratch.path('palette.tif')]);
    server = await startHttpServer(async (path) => ({ body: new Uint8Array(await readFile(scratch.path(path.slice(1)))), type: 'image/tiff' }));
  });

  afterAll(async () => {
    await server?.close();
    await getConfig().engine.close();
  });

  /** The remote and the local warp of `name`, what was read, and the band facts of both outputs. */
  async function both(name: string, resampling: 'nearest' | 'bilinear') {
    const remote = await processEntry(new Warp(`${server.url}${name}`, resampling), MIDDLE);
    const read = remoteReads().at(-1)!;
    const local = await processEntry(new Warp(scratch.path(name), resampling), MIDDLE);
    const engine = getConfig().engine;
    const facts = async (path: string) => {
      const info = await engine.info(path);
      return info.bands.map((band) => ({ colour: band.colorInterpretation, nodata: band.noDataValue ?? null, table: JSON.stringify((band as { colorTable?: unknown }).colorTable ?? null) }));
    };
    const [a, b] = [await readRaster(remote.path), await readRaster(local.path)];
    let differing = 0;
    a.bands.forEach((band, index) => band.forEach((value, i) => (differing += value === b.bands[index]![i] ? 0 : 1)));
    return { read, differing, remoteFacts: await facts(remote.path), localFacts: await facts(local.path) };
  }

  it('reads the whole of a COG with an internal mask, so masked pixels stay masked, as in a warp of the file', async () => {
    for (const resampling of ['nearest', 'bilinear'] as const) {
      const { read, differing, remoteFacts, localFacts } = await both('masked.tif', resampling);
      expect(read.window).toBeUndefined();
      expect(read.fullReason).toBe('it has an internal mask, which a window does not carry');
      expect(differing).toBe(0);
      expect(remoteFacts).toEqual(localFacts);
    }
    // 77 fills only masked pixels: a warp that honours the mask shows none.
    const warped = await load<Raster>(new Warp(`${server.url}masked.tif`, 'nearest'), MIDDLE);
    expect(Array.from(warped.bands[0]!).filter((v) => v === 77).length).toBe(0);
  });

  it('keeps red, green and blue in a window of an RGB COG, with the pixels of a warp of the file', async () => {
    const { read, differing, remoteFacts, localFacts } = await both('rgb.tif', 'bilinear');
    expect(read.window).toEqual([56, 56, 315, 315]);
    expect(differing).toBe(0);
    expect(remoteFacts.map((band) => band.colour)).toEqual(['Red', 'Green', 'Blue']);
    expect(remoteFacts).toEqual(localFacts);
  });

  it('reads the whole of a COG with a colour table, which the warp keeps', async () => {
    const { read, differing, remoteFacts, localFacts } = await both('palette.tif', 'nearest');
    expect(read.fullReason).toBe('it has a colour table');
    expect(differing).toBe(0);
    expect(remoteFacts[0]!.colour).toBe('Palette');
    expect(remoteFacts).toEqual(localFacts);
  });
});
