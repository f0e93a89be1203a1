// The synchronous SHA-256 (native in Node, one-shot where the host has it) must give the digests
// of the JavaScript one, which browsers use: a fingerprint is the same wherever it is computed.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/sha256.js';

describe('sha256Hex', () => {
  it('gives the standard digests', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes strings as UTF-8 exactly as the JavaScript implementation does, lone surrogates included', () => {
    for (const text of ['é 日本 😀', 'a\uD800b', '\uDC00', '\u0000', 'x'.repeat(100_000)]) {
      expect(sha256Hex(text)).toBe(bytesToHex(sha256(utf8ToBytes(text))));
    }
  });
});
