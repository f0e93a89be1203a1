import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Data,
  FileError,
  getConfig,
  load,
  PipelineError,
  process as processEntry,
  type Raster,
  register,
  remoteDigest,
  remoteReads,
  Reprojector,
  SpatialSpec,
  syntheticTerrain,
} from '../../src/node.js';
import { WebInputHasher } from '../../src/fingerprint/index.js';
import { useTempCache } from '../helpers/cache.js';
import { startHttpServer, type HttpServer, type ServedBody } from '../helpers/http-server.js';

/** A warp of a remote file, as a user would write it. */
class RemoteElevation extends Data {
  constructor(
    public url: string,
    public resampling: 'nearest' | 'bilinear' | 'cubic' = 'bilinear',
  ) {
    super();
  }
  override get processor() {
    return new Reprojector(this.url, { resampling: this.resampling });
  }
}
register(RemoteElevation);

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** A 200 m grid inside the generated terrain, in another CRS: GDAL would warp it from an overview. */
const COARSE = new SpatialSpec({ crs: 'EPSG:3035', transform: [200, 0, 4360000, 0, -200, 2640000], shape: [100, 100] });
/** A 25 m grid over a small part of it: a window of the full-resolution image. */
const FINE = new SpatialSpec({ crs: 'EPSG:3035', transform: [25, 0, 4370000, 0, -25, 2630000], shape: [200, 300] });

/** Pixels of two rasters: how many valid ones, and the largest difference between them. */
function compare(a: Raster, b: Raster): { valid: number; maxDifference: number; sameNodata: boolean } {
  const [x, y] = [a.band(0).data, b.band(0).data];
  let valid = 0;
  let maxDifference = 0;
  let sameNodata = x.length === y.length;
  for (let i = 0; i < x.length; i++) {
    const [p, q] = [x[i]!, y[i]!];
    if (Number.isNaN(p) || Number.isNaN(q)) {
      sameNodata &&= Number.isNaN(p) && Number.isNaN(q);
      continue;
    }
    valid += 1;
    maxDifference = Math.max(maxDifference, Math.abs(p - q));
  }
  return { valid, maxDifference, sameNodata };
}

describe('remote inputs (http URLs)', () => {
  const cache = useTempCache('geodata-remote');
  const files = new Map<string, ServedBody>();
  let server: HttpServer;
  let cog: Uint8Array;
  let cogPath: string;

  beforeAll(async () => {
    // A Cloud-Optimized GeoTIFF of generated terrain: 2048 x 2048 px, 256 px tiles, with overviews.
    cogPath = join(process.env.TMPDIR ?? '/tmp', `geodata-remote-${process.pid}.tif`);
    await syntheticTerrain({ size: 2048, pixel: 30 }).write(cogPath, { cog: true, blockSize: 256 });
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

  it('gives a file that fits in the 64 KiB probe the content digest of its bytes, the digest of the same bytes anywhere', async () => {
    const bytes = new Uint8Array(50_000).map((_, i) => (i * 7) % 251);
    const url = serve('/small.bin', { body: bytes, type: 'application/octet-stream' });
    expect(await remoteDigest(url)).toEqual({ id: url, size: 50_000, sha256: sha256(bytes) });
    const { sha256: ofBytes } = await new WebInputHasher().hash(bytes);
    expect(ofBytes).toBe(sha256(bytes));
  });

  it('hashes an optional URL the server does not have as absent, and one it has like any URL', async () => {
    const hasher = new WebInputHasher();
    const missing = `${server.url}nothing.tif.aux.xml`;
    expect(await hasher.hash(missing, { optional: true })).toEqual({ id: missing, size: 0, sha256: 'absent' });
    await expect(hasher.hash(missing)).rejects.toThrow(FileError);
    const bytes = new TextEncoder().encode('<PAMDataset/>');
    const present = serve('/present.tif.aux.xml', { body: bytes, type: 'application/xml' });
    expect(await hasher.hash(present, { optional: true })).toEqual({ id: present, size: bytes.length, sha256: sha256(bytes) });
  });

  it('gives a larger file on a server with ranges and validators a version digest: ETag, Last-Modified, length and first 64 KiB', async () => {
    const url = serve('/cog.tif', { body: cog, type: 'image/tiff' });
    const before = server.requests.length;
    const digest = await remoteDigest(url);
    const head = await fetch(url, { method: 'HEAD' });
    const expected = canonicalize({
      etag: head.headers.get('etag'),
      format: 'geodata-remote-version-1',
      head_sha256: sha256(cog.subarray(0, 65536)),
      last_modified: head.headers.get('last-modified'),
      size: cog.length,
    }) as string;
    expect(digest).toEqual({ id: url, size: cog.length, sha256: sha256(expected) });
    // One 64 KiB request, nothing else.
    expect(server.requests.slice(before, before + 1)).toEqual([{ path: '/cog.tif', method: 'GET', range: 'bytes=0-65535', status: 206, bytes: 65536 }]);
  });

  it('downloads and hashes the whole file when the server names no version, or ignores ranges', async () => {
    const plain = serve('/plain.tif', { body: cog, type: 'image/tiff', validators: false });
    expect(await remoteDigest(plain)).toEqual({ id: plain, size: cog.length, sha256: sha256(cog) });
    const whole = serve('/whole.tif', { body: cog, type: 'image/tiff', ranges: false });
    const before = server.requests.length;
    expect(await remoteDigest(whole)).toEqual({ id: whole, size: cog.length, sha256: sha256(cog) });
    expect(server.requests.slice(before).map((r) => [r.status, r.bytes])).toEqual([[200, cog.length]]);
  });

  it('reads only the window of a COG that a warp needs, and gives the pixels of a warp of the whole file', async () => {
    const url = serve('/window.tif', { body: cog, type: 'image/tiff' });
    for (const resampling of ['nearest', 'bilinear', 'cubic'] as const) {
      const remote = await load<Raster>(new RemoteElevation(url, resampling), FINE);
      const read = remoteReads().at(-1)!;
      expect(read.url).toBe(url);
      expect(read.window).toBeDefined();
      // A small part of the file: the tiles under the target and its kernel margin.
      expect(read.bytesRead).toBeLessThan(cog.length / 10);
      const local = await load<Raster>(new RemoteElevation(cogPath, resampling), FINE);
      expect(compare(remote, local)).toEqual({ valid: 60_000, maxDifference: 0, sameNodata: true });
    }
  });

  it('reads the whole file when the target is coarse enough for GDAL to warp from an overview, with the same pixels', async () => {
    const url = serve('/coarse.tif', { body: cog, type: 'image/tiff' });
    const remote = await load<Raster>(new RemoteElevation(url), COARSE);
    const read = remoteReads().at(-1)!;
    expect(read).toMatchObject({ url, bytesRead: cog.length });
    expect(read.window).toBeUndefined();
    expect(read.fullReason).toMatch(/^the target is \d+\.\dx coarser than the source, which has overviews GDAL would use$/);
    const local = await load<Raster>(new RemoteElevation(cogPath), COARSE);
    expect(compare(remote, local).maxDifference).toBe(0);
  });

  it('recomputes when the remote file changes, and takes the cache when it does not', async () => {
    const url = serve('/changing.tif', { body: cog, type: 'image/tiff' });
    await processEntry(new RemoteElevation(url), FINE);
    await processEntry(new RemoteElevation(url), FINE);
    expect(cache.computed()).toEqual(['RemoteElevation']);
    const other = await syntheticTerrain({ size: 2048, pixel: 30, seed: 7 }).write(join(cache.root, 'other.tif'), { cog: true, blockSize: 256 }).then(() => readFile(join(cache.root, 'other.tif')));
    files.set('/changing.tif', { body: new Uint8Array(other), type: 'image/tiff' });
    const changed = await processEntry(new RemoteElevation(url), FINE);
    expect(changed.computed).toBe(true);
    expect(cache.computed()).toEqual(['RemoteElevation', 'RemoteElevation']);
  });

  it('fails with a FileError, and stores nothing, when the file is replaced between fingerprinting and reading', async () => {
    const other = new Uint8Array(cog);
    other[cog.length - 1]! ^= 0xff; // a GeoTIFF: not empty
    // The probe (fingerprint) sees the first version; every later request the second.
    let probed = false;
    const lookup = (path: string) => (path === '/replaced.tif' ? (probed ? { body: other, type: 'image/tiff' } : ((probed = true), { body: cog, type: 'image/tiff' })) : undefined);
    const swapping = await startHttpServer(lookup);
    try {
      const swappingUrl = `${swapping.url}replaced.tif`;
      const failure = await processEntry(new RemoteElevation(swappingUrl), FINE).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PipelineError);
      expect((failure as PipelineError).cause).toBeInstanceOf(FileError);
      expect((failure as Error).message).toMatch(/replaced\.tif changed on the server while it was being used \(ETag was "[0-9a-f]{20}", is "[0-9a-f]{20}"\); run again to fingerprint and use the new version; no entry was written$/);
      expect(cache.computed()).toEqual([]);
    } finally {
      await swapping.close();
    }
  });
});
