import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

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
  return bytesToHex(sha256(typeof data === 'string' ? utf8ToBytes(data) : data));
}
