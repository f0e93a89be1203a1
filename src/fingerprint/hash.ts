import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

type NodeCreateHash = (algorithm: 'sha256') => { update(data: string | Uint8Array): { digest(encoding: 'hex'): string } };

/**
 * Node's native SHA-256 when the host has it (`process.getBuiltinModule`, Node ≥ 20.16), found
 * without a static import so that bundles for browsers stay free of `node:crypto`. The digest is
 * the same; native hashing costs a fraction of the JavaScript one, which fingerprinting a long
 * chain of classes spends much of its time in.
 */
const nativeCreateHash: NodeCreateHash | undefined = (() => {
  try {
    const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const crypto = host?.getBuiltinModule?.('node:crypto') as { createHash?: NodeCreateHash } | undefined;
    return typeof crypto?.createHash === 'function' ? crypto.createHash : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * SHA-256 of a string (UTF-8) or bytes, as 64 lowercase hex digits.
 *
 * Synchronous and the same in Node and the browser; meant for code and JSON, which are small.
 * File contents go through an {@link InputHasher} instead.
 *
 * @example
 * sha256Hex('abc'); // 'ba7816bf…'
 */
export function sha256Hex(data: string | Uint8Array): string {
  if (nativeCreateHash) return nativeCreateHash('sha256').update(data).digest('hex');
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}
