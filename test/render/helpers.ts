/**
 * Shared setup of the render tests: PNG decoding through pngjs (independent of our encoder),
 * pixel access, and where the sample data is.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import type { RgbaImage } from '../../src/render/index.js';

/** `../shared/data/` relative to the repository root. */
export const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const HAS_DATA = existsSync(path.join(DATA, 'elev.tif'));
export const NO_DATA_REASON = `skipped: sample data folder ${DATA} not found`;

/** Where tests leave PNGs for a person to look at (gitignored). */
export const OUTPUT = fileURLToPath(new URL('../../test-output/render/', import.meta.url));

/** Decodes PNG bytes with pngjs, checking every chunk's CRC. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), { checkCRC: true });
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length) };
}

/** The RGBA of one pixel. */
export function pixel(image: RgbaImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 4;
  return [...image.rgba.subarray(o, o + 4)];
}

/** `'#rrggbb'` as an opaque RGBA array. */
export function opaque(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).concat(255);
}

/** The chunks of a PNG file: type and data, in file order. */
export function pngChunks(bytes: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let offset = 8; offset < bytes.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    chunks.push({ type, data: bytes.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
  }
  return chunks;
}
