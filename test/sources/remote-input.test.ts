import { lstat, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Data,
  FileError,
  getConfig,
  load,
  type Raster,
  register,
  remoteDigest,
  remoteReads,
  Reprojector,
  SpatialSpec,
  syntheticTerrain,
} from '../../src/node.js';
import { getPlatform } from '../../src/platform.js';
import { materializeRemote, remoteInputPaths } from '../../src/sources/remote-input.js';
import { useTempCache } from '../helpers/cache.js';
import { startHttpServer, type HttpServer, type ServedBody } from '../helpers/http-server.js';

/** A warp of a remote (or local) file; `tag` only tells otherwise equal entries apart. */
class RemoteDem extends Data {
  constructor(
    public url: string,
    public resampling: 'nearest' | 'bilinear' | 'cubic' | 'average',
    public tag = 0,
  ) {
    super();
  }
  override get processor() {
    return new Reprojector(this.url, { resampling: this.resampling });
  }
}
register(RemoteDem);

const RESAMPLINGS = ['nearest', 'bilinear', 'cubic', 'average'] as const;
/** 90 m over 18 km of the generated terrain: most of a whole-file warp. */
const WIDE = new SpatialSpec({ crs: 'EPSG:3035', transform: [90, 0, 4360000, 0, -90, 2640000], shape: [200, 200] });
/** 25 m over a small part of it: a window of a COG. */
const FINE = new SpatialSpec({ crs: 'EPSG:3035', transform: [25, 0, 4370000, 0, -25, 2630000], shape: [200, 300] });

/** Whether two rasters hold the same values, NaN equal to NaN, band by band. */
function samePixels(a: Raster, b: Raster): boolean {
  if (a.count !== b.count) return false;
  for (let band = 0; band < a.count; band++) {
    const [x, y] = [a.band(band).data, b.band(band).data];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!(x[i] === y[i] || (Number.isNaN(x[i]!) && Number.isNaN(y[i]!)))) return false;
  }
  return true;
}

describe('remote inputs in the workspace', () => {
  const cache = useTempCache('geodata-remote-input');
  const files = new Map<string, ServedBody>();
  let server: HttpServer;
  let plainPath: string;
  let plain: Uint8Array;
  let cogPath: string;
  let cog: Uint8Array;

  beforeAll(async () => {
    const folder = process.env.TMPDIR ?? '/tmp';
    // 3000 x 3000 Float32, uncompressed: 36 MB, long enough to write that readers could meet a part of it.
    plainPath = join(folder, `geodata-remote-input-${process.pid}.tif`);
    await syntheticTerrain({ size: 3000, pixel: 30 }).write(plainPath, { compress: 'NONE' });
    plain = new Uint8Array(await readFile(plainPath));
    cogPath = join(folder, `geodata-remote-input-${process.pid}-cog.tif`);
    await syntheticTerrain({ size: 2048, pixel: 30, seed: 3 }).write(cogPath, { cog: true, blockSize: 256 });
    cog = new Uint8Array(await readFile(cogPath));
    server = await startHttpServer((path) => files.get(path));
  });

  afterAll(async () => {
    await server.close();
    await getConfig().engine.close();
  });

  const serve = (path: string, body: ServedBody) => {
    files.set(path, body);
    return `${server.url}${path.slice(1)}`;
  };
  const requestsFor = (path: string) => server.requests.filter((r) => r.path === path).map((r) => [r.method, r.status, r.bytes]);

  it('gives concurrent loads of Reprojectors over one URL exactly the pixels of sequential loads of the file', async () => {
    // The whole terrain at 90 m: every warp reads all of the file.
    const native = (await load<Raster>(new RemoteDem(plainPath, 'nearest'), new SpatialSpec({ crs: 'EPSG:3035' }))).spec;
    const t = native.transform!;
    const whole = new SpatialSpec({ crs: 'EPSG:3035', transform: [90, 0, t[2], 0, -90, t[5]], shape: [Math.floor(native.height! / 3), Math.floor(native.width! / 3)] });
    const reference: Raster[] = [];
    for (const resampling of RESAMPLINGS) reference.push(await load<Raster>(new RemoteDem(plainPath, resampling), whole));
    for (let round = 0; round < 2; round++) {
      // A server without ranges: each load fingerprints the whole file, and all four need it whole.
      const url = serve(`/race-${round}.tif`, { body: plain, type: 'image/tiff', ranges: false });
      const results = await Promise.all(RESAMPLINGS.map((resampling) => load<Raster>(new RemoteDem(url, resampling), whole)));
      expect(results.map((result, index) => samePixels(result, reference[index]!))).toEqual([true, true, true, true]);
    }
  });

  it('names the URL, not its temporary copy, when GDAL fails on a remote file that is cut short, and writes no entry', async () => {
    // The header and the first rows only.
    const url = serve('/cut.tif', { body: plain.subarray(0, Math.floor(plain.length / 50)), type: 'image/tiff', ranges: false });
    const failure = await load<Raster>(new RemoteDem(url, 'nearest'), WIDE).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.name).toBe('PipelineError');
    expect(failure?.message).toContain(`${url}`);
    expect(failure?.message).not.toContain('geodata-inputs');
    expect(failure?.message).toMatch(/; no entry was written$/);
    expect(cache.computed()).toEqual([]);
  });

  it('gives concurrent loads sharing one window of a COG the pixels of loads of the local file', async () => {
    const url = serve('/race-window.tif', { body: cog, type: 'image/tiff' });
    const reference = await load<Raster>(new RemoteDem(cogPath, 'cubic'), FINE);
    const results = await Promise.all([1, 2, 3, 4].map((tag) => load<Raster>(new RemoteDem(url, 'cubic', tag), FINE)));
    expect(results.map((result) => samePixels(result, reference))).toEqual([true, true, true, true]);
    // One window read for the four.
    expect(remoteReads().filter((read) => read.url === url).length).toBe(1);
  });

  it('downloads a file fingerprinted by its content once for a computation, and once for a cache hit', async () => {
    const url = serve('/whole.tif', { body: plain, type: 'image/tiff', ranges: false });
    await load(new RemoteDem(url, 'bilinear'), WIDE);
    expect(requestsFor('/whole.tif')).toEqual([['GET', 200, plain.length]]);
    expect(remoteReads().at(-1)).toMatchObject({ url, bytesRead: 0 });
    await load(new RemoteDem(url, 'bilinear'), WIDE);
    expect(requestsFor('/whole.tif')).toEqual([
      ['GET', 200, plain.length],
      ['GET', 200, plain.length],
    ]);
  });

  it('reads the version of the file that went into the entry, not one fingerprinted after it', async () => {
    const workspace = getPlatform().workspace();
    const other = plain.slice();
    other[plain.length - 1]! ^= 0xff; // a GeoTIFF: not empty
    const url = serve('/versions.tif', { body: plain, type: 'image/tiff', ranges: false });
    const first = await remoteDigest(url);
    files.set('/versions.tif', { body: other, type: 'image/tiff', ranges: false });
    const second = await remoteDigest(url);
    expect(second.sha256).not.toBe(first.sha256);
    const path = await materializeRemote(url, 'versions.tif', workspace, undefined, first);
    expect(Buffer.compare(await readFile(path), plain)).toBe(0);
    const latest = await materializeRemote(url, 'versions.tif', workspace, undefined, second);
    expect(Buffer.compare(await readFile(latest), other)).toBe(0);

    // A version digest: reading the first version after the server moved on fails, and says why.
    const ranged = serve('/ranged.tif', { body: cog, type: 'image/tiff' });
    const before = await remoteDigest(ranged);
    const changed = cog.slice();
    changed[cog.length - 1]! ^= 0xff; // a GeoTIFF: not empty
    files.set('/ranged.tif', { body: changed, type: 'image/tiff' });
    await remoteDigest(ranged);
    const failure = await materializeRemote(ranged, 'ranged.tif', workspace, undefined, before).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FileError);
    expect((failure as Error).message).toMatch(/ranged\.tif changed on the server while it was being used \(ETag was "[0-9a-f]{20}", is "[0-9a-f]{20}"\)/);
  });

  it('never writes through a symbolic link planted where a remote file goes, nor reuses a file it did not write there', async () => {
    const workspace = getPlatform().workspace();
    const url = serve('/planted.tif', { body: plain, type: 'image/tiff', ranges: false });
    const digest = await remoteDigest(url);
    const paths = await remoteInputPaths(workspace.tempFolder, url, digest, 'planted.tif');
    await workspace.mkdir(paths.folder);
    // A decoy of the same size with other pixels, linked from where the file goes.
    const decoy = join(paths.folder, '..', 'decoy.tif');
    const decoyBytes = new Uint8Array(await readFile(plainPath));
    decoyBytes.fill(0x11, decoyBytes.length - 4_000_000, decoyBytes.length - 16);
    await writeFile(decoy, decoyBytes);
    await symlink(decoy, paths.file);
    const remote = await load<Raster>(new RemoteDem(url, 'bilinear'), WIDE);
    const local = await load<Raster>(new RemoteDem(plainPath, 'bilinear'), WIDE);
    expect(samePixels(remote, local)).toBe(true);
    expect((await lstat(paths.file)).isSymbolicLink()).toBe(false);
    expect(Buffer.compare(await readFile(decoy), decoyBytes)).toBe(0);
  });

  it('reads a window again when the file at its path is not the one it completed (cut short), instead of warping from it', async () => {
    const url = serve('/cut.tif', { body: cog, type: 'image/tiff' });
    const reference = await load<Raster>(new RemoteDem(cogPath, 'bilinear'), FINE);
    await load<Raster>(new RemoteDem(url, 'bilinear', 1), FINE);
    const windowPath = remoteReads().at(-1)!.path;
    expect(windowPath).toMatch(/\.window-[0-9a-f]{16}\.tif$/);
    const whole = await readFile(windowPath);
    await writeFile(windowPath, whole.subarray(0, whole.length >> 1));
    const again = await load<Raster>(new RemoteDem(url, 'bilinear', 2), FINE);
    expect(samePixels(again, reference)).toBe(true);
    expect(remoteReads().at(-1)).toMatchObject({ url, path: windowPath });
    expect(remoteReads().filter((read) => read.url === url).length).toBe(2);
  });
});
