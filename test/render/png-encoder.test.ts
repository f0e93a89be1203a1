import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { crc32, encodePng } from '../../src/render/index.js';
import { decodePng, pngChunks } from './helpers.js';

/** A deterministic image with smooth areas, edges and noise, so every PNG filter gets chosen somewhere. */
function testImage(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const o = (y * width + x) * 4;
      rgba[o] = (x * 7) & 0xff;
      rgba[o + 1] = (y * 13) & 0xff;
      rgba[o + 2] = y % 3 === 0 ? seed >>> 24 : (x + y) & 0xff;
      rgba[o + 3] = x % 5 === 0 ? 0 : 255 - y;
    }
  }
  return rgba;
}

describe('encodePng', () => {
  it('writes a PNG that pngjs decodes to the same size and the same pixels', async () => {
    const rgba = testImage(37, 23);
    const decoded = decodePng(await encodePng({ width: 37, height: 23, rgba }));
    expect([decoded.width, decoded.height]).toEqual([37, 23]);
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(rgba))).toBe(true);
  });

  it('starts with the PNG signature and writes IHDR as 8-bit RGBA, then IDAT, then IEND', async () => {
    const png = await encodePng({ width: 3, height: 2, rgba: new Uint8Array(24) });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks = pngChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([...chunks[0]!.data]).toEqual([0, 0, 0, 3, 0, 0, 0, 2, 8, 6, 0, 0, 0]);
  });

  it('chooses a filter per row, so a mixed image uses several of the five filter types', async () => {
    const png = await encodePng({ width: 37, height: 23, rgba: testImage(37, 23) });
    const raw = inflateSync(pngChunks(png).find((c) => c.type === 'IDAT')!.data);
    expect(raw.length).toBe(23 * (37 * 4 + 1));
    const filters = new Set(Array.from({ length: 23 }, (_, y) => raw[y * (37 * 4 + 1)]!));
    expect([...filters].every((f) => f >= 0 && f <= 4)).toBe(true);
    expect(filters.size).toBeGreaterThan(1);
  });

  it('computes the CRC-32 PNG uses (IEND has the well-known ae426082)', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('stores text chunks in order, Latin-1 as tEXt and anything else as UTF-8 iTXt', async () => {
    const png = await encodePng({
      width: 1,
      height: 1,
      rgba: Uint8Array.of(1, 2, 3, 4),
      text: { Software: 'geodata', Description: 'Slope (°)', Comment: 'range −5 to 5' },
    });
    const chunks = pngChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'tEXt', 'iTXt', 'IDAT', 'IEND']);
    expect(new TextDecoder('latin1').decode(chunks[1]!.data)).toBe('Software\0geodata');
    expect(new TextDecoder('latin1').decode(chunks[2]!.data)).toBe('Description\0Slope (°)');
    expect(new TextDecoder().decode(chunks[3]!.data)).toBe('Comment\0\0\0\0\0range −5 to 5');
    expect(decodePng(png).width).toBe(1);
  });

  it('gives identical bytes for identical input and different bytes for a changed pixel', async () => {
    const rgba = testImage(50, 40);
    const first = await encodePng({ width: 50, height: 40, rgba, text: { Software: 'geodata' } });
    const second = await encodePng({ width: 50, height: 40, rgba: rgba.slice(), text: { Software: 'geodata' } });
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    const changed = rgba.slice();
    changed[100] = (changed[100]! + 1) & 0xff;
    const third = await encodePng({ width: 50, height: 40, rgba: changed, text: { Software: 'geodata' } });
    expect(Buffer.from(first).equals(Buffer.from(third))).toBe(false);
  });

  it('rejects an RGBA buffer whose length does not match the size, naming both', async () => {
    await expect(encodePng({ width: 4, height: 3, rgba: new Uint8Array(47) })).rejects.toThrow(InvalidInputError);
    await expect(encodePng({ width: 4, height: 3, rgba: new Uint8Array(47) })).rejects.toThrow(
      'image rgba has 47 bytes but a 4x3 RGBA image needs 48 (width * height * 4)',
    );
  });

  it('rejects a zero or fractional size and an invalid text keyword', async () => {
    await expect(encodePng({ width: 0, height: 3, rgba: new Uint8Array(0) })).rejects.toThrow('image width 0 is not a positive integer');
    await expect(encodePng({ width: 2.5, height: 1, rgba: new Uint8Array(10) })).rejects.toThrow('image width 2.5 is not a positive integer');
    await expect(encodePng({ width: 1, height: 1, rgba: new Uint8Array(4), text: { ' Title': 'x' } })).rejects.toThrow(
      'PNG text keyword " Title" is not valid',
    );
  });
});
