import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileError } from '../../src/errors.js';
import { NodeInputHasher } from '../../src/fingerprint/input-hasher-node.js';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const HOUR = 3_600_000;

let dir: string;
let reads: string[];
const countingRead = (path: string) => {
  reads.push(path);
  return createReadStream(path);
};
/** A clock an hour ahead: every file looks old enough to trust on the cheap path. */
const later = () => Date.now() + HOUR;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'geodata-input-hasher-'));
  reads = [];
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('NodeInputHasher', () => {
  it('hashes a file by content and names it by its absolute path', async () => {
    const file = join(dir, 'elevation.tif');
    writeFileSync(file, 'heights');
    const hasher = new NodeInputHasher(undefined, { openRead: countingRead });
    expect(await hasher.hash(relative(process.cwd(), file))).toEqual({ id: file, size: 7, sha256: sha256('heights') });
    expect(await hasher.hash(pathToFileURL(file))).toEqual({ id: file, size: 7, sha256: sha256('heights') });
  });

  it('does not read a file again while its size and times are unchanged', async () => {
    const file = join(dir, 'elevation.tif');
    writeFileSync(file, 'heights');
    const hasher = new NodeInputHasher(join(dir, 'memo.json'), { openRead: countingRead, now: later });
    const first = await hasher.hash(file);
    const second = await hasher.hash(file);
    expect(second).toEqual(first);
    expect(reads).toEqual([file]);
  });

  it('reads a file again after its content changed', async () => {
    const file = join(dir, 'elevation.tif');
    writeFileSync(file, 'heights');
    const hasher = new NodeInputHasher(join(dir, 'memo.json'), { openRead: countingRead, now: later });
    await hasher.hash(file);
    writeFileSync(file, 'slopes!');
    expect(await hasher.hash(file)).toEqual({ id: file, size: 7, sha256: sha256('slopes!') });
    expect(reads).toEqual([file, file]);
  });

  it('notices a same-size change whose modification time was put back, as cp -p does', async () => {
    const file = join(dir, 'elevation.tif');
    writeFileSync(file, 'aaaa');
    const past = new Date(Date.now() - HOUR);
    utimesSync(file, past, past);
    const hasher = new NodeInputHasher(undefined, { openRead: countingRead, now: later });
    await hasher.hash(file);
    writeFileSync(file, 'bbbb');
    utimesSync(file, past, past);
    expect((await hasher.hash(file)).sha256).toBe(sha256('bbbb'));
  });

  it('remembers digests across instances through the memo file', async () => {
    const file = join(dir, 'elevation.tif');
    const memo = join(dir, 'memo.json');
    writeFileSync(file, 'heights');
    await new NodeInputHasher(memo, { openRead: countingRead, now: later }).hash(file);
    const stored = JSON.parse(readFileSync(memo, 'utf8'));
    expect(stored.entries[file]).toMatchObject({ size: 7, sha256: sha256('heights') });
    const fresh = new NodeInputHasher(memo, { openRead: countingRead, now: later });
    expect(await fresh.hash(file)).toEqual({ id: file, size: 7, sha256: sha256('heights') });
    expect(reads).toEqual([file]);
  });

  it('reads a file changed just before it was hashed once more, then trusts it', async () => {
    // Within the file system's timestamp resolution a later write could leave the times as they
    // were, so a fresh file's digest is confirmed by a second read.
    const file = join(dir, 'elevation.tif');
    writeFileSync(file, 'heights');
    let clock = Date.now();
    const hasher = new NodeInputHasher(undefined, { openRead: countingRead, now: () => clock });
    await hasher.hash(file);
    clock += 10_000;
    await hasher.hash(file);
    await hasher.hash(file);
    expect(reads).toEqual([file, file]);
  });

  it('keeps working with a damaged memo file, and replaces it', async () => {
    const file = join(dir, 'elevation.tif');
    const memo = join(dir, 'memo.json');
    writeFileSync(file, 'heights');
    writeFileSync(memo, '{ not json');
    expect((await new NodeInputHasher(memo, { now: later }).hash(file)).sha256).toBe(sha256('heights'));
    expect(JSON.parse(readFileSync(memo, 'utf8')).format_version).toBe(1);
  });

  it('hashes inputs when its memo cannot be written (a cache on a read-only or full disk), warning once', async () => {
    const file = join(dir, 'elevation.tif');
    writeFileSync(file, 'heights');
    writeFileSync(join(dir, 'source'), 'a file where the memo folder should be');
    const memo = join(dir, 'source', 'input-digests.json');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const hasher = new NodeInputHasher(memo, { now: later });
      expect((await hasher.hash(file)).sha256).toBe(sha256('heights'));
      writeFileSync(file, 'new heights');
      expect((await hasher.hash(file)).sha256).toBe(sha256('new heights'));
      expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
        expect.stringMatching(new RegExp(`^geodata: warning: Cannot write the input digest memo ${memo}: .*\\. Check that its folder is writable\\. Input files are read again by each run until it can be written\\.$`)),
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('merges its memo with entries another process wrote meanwhile', async () => {
    const memo = join(dir, 'memo.json');
    const [a, b] = [join(dir, 'a.tif'), join(dir, 'b.tif')];
    writeFileSync(a, 'a');
    writeFileSync(b, 'b');
    const first = new NodeInputHasher(memo, { now: later });
    const second = new NodeInputHasher(memo, { now: later });
    await first.hash(a);
    await second.hash(b);
    expect(Object.keys(JSON.parse(readFileSync(memo, 'utf8')).entries).sort()).toEqual([a, b]);
  });

  it('reports a missing file as a FileError naming it', async () => {
    const missing = join(dir, 'nowhere.tif');
    const hasher = new NodeInputHasher();
    await expect(hasher.hash(missing)).rejects.toThrow(FileError);
    await expect(hasher.hash(missing)).rejects.toMatchObject({ path: missing, message: expect.stringContaining(`${missing} does not exist`) });
  });

  it('refuses a GDAL virtual path (/vsizip/, /vsicurl/) saying what to give instead, not that the file does not exist', async () => {
    const archive = join(dir, 'lux.zip');
    writeFileSync(archive, 'PK');
    const hasher = new NodeInputHasher();
    await expect(hasher.hash(`/vsizip/${archive}/lux.shp`)).rejects.toThrow(
      new FileError(
        `The input /vsizip/${archive}/lux.shp is a GDAL virtual file system path, which processors do not take (they fingerprint the bytes of files, URLs and Blobs). Give a file itself: extract it from ${archive}, or, for a zipped Shapefile, name the archive .shp.zip and give that.`,
        `/vsizip/${archive}/lux.shp`,
      ),
    );
    await expect(hasher.hash('/vsicurl/https://example.org/lux.fgb')).rejects.toThrow(
      'The input /vsicurl/https://example.org/lux.fgb is a GDAL virtual file system path, which processors do not take (they fingerprint the bytes of files, URLs and Blobs). Give the local file or the http(s) URL itself.',
    );
  });

  it('hashes bytes and Blobs directly and fetches http URLs', async () => {
    const hasher = new NodeInputHasher();
    expect(await hasher.hash(new Uint8Array([1, 2]))).toEqual({ id: 'bytes:2', size: 2, sha256: sha256(new Uint8Array([1, 2])) });
    // Nothing listens on port 1: the URL is fetched, and the failure names it.
    await expect(hasher.hash('http://127.0.0.1:1/dem.tif')).rejects.toThrow(/cannot fetch http:\/\/127\.0\.0\.1:1\/dem\.tif/);
  });
});
