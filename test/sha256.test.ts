// The synchronous SHA-256 (native in Node, one-shot where the host has it) must give the digests
// of the JavaScript one, which browsers use: a fingerprint is the same wherever it is computed.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { sha256BytesHex, sha256Hex } from '../src/sha256.js';

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

describe('sha256BytesHex', () => {
  it('gives the digests of the JavaScript implementation, for inputs hashed in one piece and in several', async () => {
    const small = new Uint8Array([0x61, 0x62, 0x63]);
    expect(await sha256BytesHex(small)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256BytesHex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // Over 32 MiB: Node hashes it in slices, with the event loop free between them.
    const large = new Uint8Array(70 * 1024 * 1024 + 5);
    for (let i = 0; i < large.length; i += 997) large[i] = i & 0xff;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const digest = await sha256BytesHex(large);
    clearInterval(timer);
    expect(digest).toBe(bytesToHex(sha256(large)));
    expect(ticks).toBeGreaterThan(0);
  });
});
