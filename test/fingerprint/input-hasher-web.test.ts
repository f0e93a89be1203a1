import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { WebInputHasher } from '../../src/fingerprint/index.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('WebInputHasher', () => {
  it('hashes bytes with WebCrypto', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    expect(await new WebInputHasher().hash(bytes)).toEqual({ id: 'bytes:4', size: 4, sha256: sha256(bytes) });
  });

  it('hashes a view by the bytes it shows', async () => {
    const view = new Uint8Array([9, 1, 2, 9]).subarray(1, 3);
    expect((await new WebInputHasher().hash(view)).sha256).toBe(sha256(new Uint8Array([1, 2])));
  });

  it('hashes Blobs and Files, naming a File in the id', async () => {
    const bytes = new Uint8Array([5, 6, 7]);
    const hasher = new WebInputHasher();
    expect(await hasher.hash(new Blob([bytes]))).toEqual({ id: 'blob::3', size: 3, sha256: sha256(bytes) });
    expect(await hasher.hash(new File([bytes], 'dem.tif'))).toEqual({ id: 'blob:dem.tif:3', size: 3, sha256: sha256(bytes) });
  });

  it('refuses file paths with a FileError that says what to pass instead, and fetches http URLs', async () => {
    const hasher = new WebInputHasher();
    await expect(hasher.hash('data/elevation.tif')).rejects.toThrow(FileError);
    await expect(hasher.hash('data/elevation.tif')).rejects.toThrow(/needs the Node input hasher/);
    // Nothing listens on port 1: the URL is fetched, and the failure names it.
    await expect(hasher.hash(new URL('http://127.0.0.1:1/dem.tif'))).rejects.toThrow(/cannot fetch http:\/\/127\.0\.0\.1:1\/dem\.tif/);
  });
});
