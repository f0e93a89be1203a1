import { describe, expect, it } from 'vitest';
import { DECODE_SLICE_BYTES, decodeInSlices } from '../src/decode-in-slices.js';

describe('decodeInSlices', () => {
  it('gives TextDecoder’s text, characters cut by a slice’s end included, a leading BOM dropped', async () => {
    // 'é' (2 bytes), '€' (3) and '𝄞' (4) repeated so that slice ends fall inside them.
    const text = `\uFEFF${'aé€𝄞'.repeat(Math.ceil((DECODE_SLICE_BYTES * 2.5) / 10))}`;
    const bytes = new TextEncoder().encode(text);
    let pauses = 0;
    const decoded = await decodeInSlices(bytes, async () => {
      pauses += 1;
    });
    expect(decoded).toBe(new TextDecoder().decode(bytes));
    expect(decoded).toBe(text.slice(1));
    expect(pauses).toBe(Math.ceil(bytes.length / DECODE_SLICE_BYTES) - 1);
    expect(pauses).toBe(2);
  });

  it('replaces invalid bytes as TextDecoder does, and decodes nothing to an empty text without pausing', async () => {
    const bytes = new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82]);
    expect(await decodeInSlices(bytes)).toBe(new TextDecoder().decode(bytes));
    let pauses = 0;
    expect(await decodeInSlices(new Uint8Array(0), async () => void (pauses += 1))).toBe('');
    expect(pauses).toBe(0);
  });
});
