import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

// The library's two SHA-256 helpers, one per kind of input. Both give 64 lowercase hex digits
// and the same digest for the same bytes; they differ in cost and in being synchronous.

interface NodeHashObject {
  update(data: string | Uint8Array): NodeHashObject;
  digest(encoding: 'hex'): string;
}
type NodeCreateHash = (algorithm: 'sha256') => NodeHashObject;
type NodeHash = (algorithm: 'sha256', data: string | Uint8Array, encoding: 'hex') => string;

/**
 * Node's native SHA-256 where the host has it (`process.getBuiltinModule`, Node >= 20.16), found
 * without a static import so that browser bundles stay free of `node:crypto`. Same digests; native
 * hashing costs a fraction of the JavaScript one, where fingerprinting a chain spends much time.
 * The one-shot `crypto.hash` (Node >= 20.12) where there is one: it makes no Hash object, and
 * costs half of `createHash` for the small inputs a fingerprint hashes by the thousand.
 */
const nodeCrypto: { createHash?: NodeCreateHash; hash?: NodeHash } | undefined = (() => {
  try {
    const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    return host?.getBuiltinModule?.('node:crypto') as { createHash?: NodeCreateHash; hash?: NodeHash } | undefined;
  } catch {
    return undefined;
  }
})();

const nativeCreateHash: NodeCreateHash | undefined = typeof nodeCrypto?.createHash === 'function' ? nodeCrypto.createHash : undefined;

const nativeHash: NodeHash | undefined =
  typeof nodeCrypto?.hash === 'function'
    ? nodeCrypto.hash
    : nativeCreateHash && ((algorithm, data, encoding) => nativeCreateHash(algorithm).update(data).digest(encoding));

/**
 * SHA-256 of code or JSON (a string, hashed as UTF-8, or small bytes): synchronous and the same in
 * Node and the browser, for fingerprints, which are computed while a class is being judged.
 * File contents and outputs go through {@link sha256BytesHex} (or an `InputHasher`) instead.
 *
 * @example
 * sha256Hex('abc'); // 'ba7816bf…'
 */
export function sha256Hex(data: string | Uint8Array): string {
  if (nativeHash) return nativeHash('sha256', data, 'hex');
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}

/** How much of a large input Node hashes before letting other work run (see `sha256BytesHex`). */
const NODE_HASH_SLICE = 32 * 1024 * 1024;

/**
 * SHA-256 of bytes (file contents, outputs, archives): in Node with `node:crypto`, in slices of
 * 32 MiB with the event loop free between them; elsewhere through WebCrypto. Node 20's WebCrypto
 * digest held the calling thread 80 ms for 26 MB before its job even started (100 ms in all),
 * where `createHash` takes 17 ms: most of a cached entry's `load()` check (bench/load.ts).
 *
 * @example
 * await sha256BytesHex(new Uint8Array([1, 2, 3])); // '039058c6…'
 */
export async function sha256BytesHex(bytes: Uint8Array): Promise<string> {
  if (nativeCreateHash) {
    const hash = nativeCreateHash('sha256');
    for (let offset = 0; offset < bytes.length; offset += NODE_HASH_SLICE) {
      // setImmediate, not a timer: no 1 ms floor per slice (75 slices for a 2.4 GB output).
      if (offset > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      hash.update(bytes.subarray(offset, offset + NODE_HASH_SLICE));
    }
    return hash.digest('hex');
  }
  // A view over a SharedArrayBuffer is not a BufferSource: copy it (rare; inputs are plain bytes).
  const source = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = await crypto.subtle.digest('SHA-256', source);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
