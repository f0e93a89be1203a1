import { describe, expect, it } from 'vitest';
import { COPY_SLICE_BYTES, copyInSlices, isTypedArray } from '../src/copy-in-slices.js';

describe('copyInSlices', () => {
  it('copies a view (not its whole buffer) into a buffer of its own, of the same type', async () => {
    const whole = Float32Array.from({ length: 100 }, (_, i) => i * 1.5);
    const view = whole.subarray(10, 30);
    const copy = await copyInSlices(view);
    expect(copy).toBeInstanceOf(Float32Array);
    expect(copy.byteOffset).toBe(0);
    expect(copy.buffer.byteLength).toBe(20 * 4);
    expect(Array.from(copy)).toEqual(Array.from(view));
    whole[10] = -1;
    expect(copy[0]).toBe(15);
  });

  it('pauses between slices of COPY_SLICE_BYTES, never before the first or after the last', async () => {
    const elements = (COPY_SLICE_BYTES / 8) * 2 + 3; // Float64: two full slices and 3 elements
    const source = new Float64Array(elements).map((_, i) => i);
    let pauses = 0;
    const copy = await copyInSlices(source, async () => {
      pauses += 1;
    });
    expect(pauses).toBe(2);
    expect(copy[elements - 1]).toBe(elements - 1);
    expect(copy[COPY_SLICE_BYTES / 8]).toBe(COPY_SLICE_BYTES / 8);
    let none = 0;
    await copyInSlices(new Uint8Array(COPY_SLICE_BYTES), async () => {
      none += 1;
    });
    expect(none).toBe(0);
  });

  it('copies a Node Buffer into a plain Uint8Array (never through the deprecated Buffer constructor)', async () => {
    const copy = await copyInSlices(Buffer.from([1, 2, 3]));
    expect(Object.getPrototypeOf(copy)).toBe(Uint8Array.prototype);
    expect(Array.from(copy)).toEqual([1, 2, 3]);
  });

  it('tells typed arrays from DataViews and plain arrays', () => {
    expect(isTypedArray(new Int16Array(2))).toBe(true);
    expect(isTypedArray(new DataView(new ArrayBuffer(2)))).toBe(false);
    expect(isTypedArray([1, 2])).toBe(false);
  });
});
