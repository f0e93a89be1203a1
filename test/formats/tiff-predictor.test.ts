import { describe, expect, it } from 'vitest';
import { decodeFloatingPoint, encodePredictor, type BlockShape } from '../../src/formats/tiff-predictor.js';

/** A Float32 block with varied signs, exponents and mantissas (deterministic). */
function floatBlock(width: number, rows: number): Float32Array {
  const values = new Float32Array(width * rows);
  let state = 7;
  for (let i = 0; i < values.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    values[i] = (state / 2147483648 - 0.3) * 10 ** ((i % 13) - 4);
  }
  values[3] = Number.NaN;
  values[5] = -9999;
  values[7] = 0;
  return values;
}

/** The same bytes in a buffer offset by one: encodePredictor then takes its byte-by-byte path. */
function unaligned(bytes: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(bytes.length + 1);
  buffer.set(bytes, 1);
  return buffer.subarray(1);
}

describe('TIFF floating-point predictor (3)', () => {
  const shape: BlockShape = { width: 256, rows: 19, samples: 1, bytesPerSample: 4 };
  const source = new Uint8Array(floatBlock(shape.width, shape.rows).buffer);

  it('encodes one-sample Float32 blocks word by word exactly as the byte-by-byte loop does', () => {
    const fast = encodePredictor(source.slice(), 3, shape);
    const generic = encodePredictor(unaligned(source), 3, shape);
    expect(fast.length).toBe(source.length);
    expect(Buffer.from(fast).equals(Buffer.from(generic))).toBe(true);
  });

  it('encodes into a reused scratch buffer exactly what it encodes into a new one, whatever the scratch held', () => {
    const expected = encodePredictor(source.slice(), 3, shape);
    const scratch = new Uint8Array(source.length + 100).fill(0xee);
    for (const block of [source.slice(), unaligned(source)]) {
      const encoded = encodePredictor(block, 3, shape, scratch);
      expect(encoded.buffer).toBe(scratch.buffer);
      expect(Buffer.from(encoded).equals(Buffer.from(expected))).toBe(true);
      scratch.fill(0xee);
    }
    // A block with a partial row at its end: the bytes past the last whole row are zero, as in a new buffer.
    const partial = source.slice(0, source.length - 3);
    expect(Buffer.from(encodePredictor(partial.slice(), 3, shape, scratch)).equals(Buffer.from(encodePredictor(partial.slice(), 3, shape)))).toBe(true);
    // A scratch too small is not used.
    expect(encodePredictor(source.slice(), 3, shape, new Uint8Array(8)).length).toBe(source.length);
  });

  it('regroups a row by byte plane, most significant first, and differences it as libtiff does', () => {
    const row: BlockShape = { width: 2, rows: 1, samples: 1, bytesPerSample: 4 };
    // Little-endian words 0x11223344 and 0x55667788.
    const bytes = new Uint8Array([0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55]);
    // Planes: 11 55 | 22 66 | 33 77 | 44 88, then each byte minus the one before (mod 256).
    expect([...encodePredictor(bytes, 3, row)]).toEqual([0x11, 0x44, 0xcd, 0x44, 0xcd, 0x44, 0xcd, 0x44]);
  });

  it('round-trips through decodeFloatingPoint to the same bits', () => {
    const encoded = encodePredictor(source.slice(), 3, shape);
    const target = new Uint8Array(source.length);
    decodeFloatingPoint(encoded, shape, target, (row) => row * shape.width * 4);
    expect(Buffer.from(target).equals(Buffer.from(source))).toBe(true);
  });

  it('decodes one-sample Float32 rows in one pass exactly as the byte-by-byte loop does, a window of columns included', () => {
    const encoded = encodePredictor(source.slice(), 3, shape);
    for (const [firstColumn, columns] of [[0, 256], [37, 100], [255, 1]] as const) {
      const fast = new Uint8Array(shape.rows * columns * 4);
      decodeFloatingPoint(encoded.slice(), shape, fast, (row) => row * columns * 4, firstColumn, columns);
      // A target one byte off a word boundary takes the generic path.
      const generic = unaligned(new Uint8Array(fast.length));
      decodeFloatingPoint(encoded.slice(), shape, generic, (row) => row * columns * 4, firstColumn, columns);
      expect(Buffer.from(fast).equals(Buffer.from(generic))).toBe(true);
      const expected = new Uint8Array(fast.length);
      for (let row = 0; row < shape.rows; row++) expected.set(source.subarray((row * shape.width + firstColumn) * 4, (row * shape.width + firstColumn + columns) * 4), row * columns * 4);
      expect(Buffer.from(fast).equals(Buffer.from(expected))).toBe(true);
    }
  });
});
