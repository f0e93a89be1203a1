import { FileError } from '../errors.js';
import { remoteDigest } from '../sources/remote-digest.js';
import { remoteUrlOf } from '../sources/remote-url.js';
import { absentDigest, type HashOptions, type InputDigest, type InputHasher, type InputRef } from './input-hasher.js';
import { sha256BytesHex } from '../sha256.js';

/**
 * Hashes Blobs (a dropped `File`) and bytes with `crypto.subtle`, in the browser and in Node, and
 * http(s) URLs (in a page also URLs relative to it) by `remoteDigest`: the file's content, or the
 * server's version validators plus its first 64 KiB; an optional URL the server does not have
 * (404 or 410) is absent. File paths need `NodeInputHasher`.
 *
 * @example
 * const hasher = new WebInputHasher();
 * await hasher.hash(fileFromDropEvent); // { id: 'blob:elevation.tif:1048576', size: 1048576, sha256: '…' }
 */
export class WebInputHasher implements InputHasher {
  // A Blob's bytes never change: each is read and hashed once, not at every load.
  readonly #blobs = new WeakMap<Blob, Promise<InputDigest>>();

  async hash(ref: InputRef, options: HashOptions = {}): Promise<InputDigest> {
    if (ref instanceof Uint8Array) return digestBytes(ref, `bytes:${ref.byteLength}`);
    if (typeof Blob !== 'undefined' && ref instanceof Blob) {
      let digest = this.#blobs.get(ref);
      if (!digest) {
        const name = (ref as { name?: unknown }).name;
        digest = ref.arrayBuffer().then((buffer) => digestBytes(new Uint8Array(buffer), `blob:${typeof name === 'string' ? name : ''}:${ref.size}`));
        this.#blobs.set(ref, digest);
        digest.catch(() => this.#blobs.delete(ref));
      }
      return digest;
    }
    const url = remoteUrlOf(ref);
    if (url !== undefined) return options.optional && (await isGone(url)) ? absentDigest(url) : remoteDigest(url);
    const shown = String(ref);
    if (ref instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(shown)) {
      throw new FileError(
        `Cannot hash the input ${shown}: only http(s) URLs can be fetched. ` +
          'Download it and pass the bytes (a Uint8Array or a Blob) instead.',
        shown,
      );
    }
    throw new FileError(
      `Cannot hash the input ${JSON.stringify(shown)}: a file path needs the Node input hasher ` +
        '(NodeInputHasher from the Node entry point); in the browser pass a File, Blob or Uint8Array.',
      shown,
    );
  }
}

/** Whether the server says it has no such file. Any other answer, or no answer, is left to `remoteDigest`. */
async function isGone(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'HEAD' });
    return response.status === 404 || response.status === 410;
  } catch {
    return false;
  }
}

/** SHA-256 of bytes through WebCrypto, as an input digest. */
export async function digestBytes(bytes: Uint8Array, id: string): Promise<InputDigest> {
  return { id, size: bytes.byteLength, sha256: await sha256BytesHex(bytes) };
}
