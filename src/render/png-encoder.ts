/**
 * A PNG writer on web standards only (CompressionStream for the zlib stream), so figures render
 * the same way in Node and in the browser. 8-bit RGBA, non-interlaced.
 */
import { InvalidInputError, describeValue } from '../errors.js';
import { crc32 } from './crc32.js';
import type { RgbaImage } from './rgba-image.js';

/** What `encodePng` takes: an RGBA image and optional text chunks. */
export interface PngInput extends RgbaImage {
  /**
   * Text chunks (keyword → text), written in insertion order. Latin-1 text goes in `tEXt`,
   * anything else in `iTXt` as UTF-8. Keywords are 1–79 Latin-1 characters, e.g. `Software`,
   * `Description`, `Title`.
   */
  text?: Record<string, string>;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
// The largest dimension PNG allows (2^31 - 1).
const MAX_DIMENSION = 0x7fffffff;

/**
 * Encodes an RGBA image as a PNG. Same input, same bytes (in one JavaScript runtime: the
 * deflate stream comes from the platform's zlib).
 * @example
 * const png = await encodePng({ width: 1, height: 1, rgba: Uint8Array.of(255, 0, 0, 255), text: { Software: 'geodata' } });
 */
export async function encodePng(input: PngInput): Promise<Uint8Array> {
  const { width, height, rgba } = input;
  validateImage(width, height, rgba);
  const idat = await zlibDeflate(filterRows(width, height, rgba));
  const chunks = [chunk('IHDR', header(width, height))];
  for (const [keyword, text] of Object.entries(input.text ?? {})) chunks.push(textChunk(keyword, text));
  chunks.push(chunk('IDAT', idat), chunk('IEND', new Uint8Array(0)));
  return concat([SIGNATURE, ...chunks]);
}

/** Checks that a width, height and RGBA buffer describe one image; throws InvalidInputError. */
export function validateImage(width: number, height: number, rgba: Uint8Array): void {
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
      throw new InvalidInputError(`image ${name} ${describeValue(value)} is not a positive integer; give the size in pixels`);
    }
  }
  if (!(rgba instanceof Uint8Array) && !((rgba as unknown) instanceof Uint8ClampedArray)) {
    throw new InvalidInputError(`image rgba is ${describeValue(rgba)}; pass a Uint8Array of 4 bytes per pixel`);
  }
  if (rgba.length !== width * height * 4) {
    throw new InvalidInputError(
      `image rgba has ${rgba.length} bytes but a ${width}x${height} RGBA image needs ${width * height * 4} (width * height * 4)`,
    );
  }
}

function header(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(13);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  bytes[8] = 8; // bit depth
  bytes[9] = 6; // colour type: RGBA
  // bytes 10..12: deflate compression, adaptive filtering, no interlace (all 0).
  return bytes;
}

/**
 * Prefixes each row with the filter (None, Sub, Up, Average, Paeth) whose output has the smallest
 * sum of absolute signed bytes: the libpng heuristic, which usually compresses best. One pass
 * scores all five filters, a second writes the winner.
 */
function filterRows(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const stride = width * 4;
  const out = new Uint8Array(height * (stride + 1));
  const zeroRow = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = rgba.subarray(y * stride, (y + 1) * stride);
    const above = y === 0 ? zeroRow : rgba.subarray((y - 1) * stride, y * stride);
    const filter = bestFilter(row, above);
    const offset = y * (stride + 1);
    out[offset] = filter;
    writeFiltered(filter, row, above, out.subarray(offset + 1, offset + 1 + stride));
  }
  return out;
}

function bestFilter(row: Uint8Array, above: Uint8Array): number {
  let none = 0;
  let sub = 0;
  let up = 0;
  let average = 0;
  let paethCost = 0;
  for (let i = 0; i < row.length; i++) {
    const raw = row[i]!;
    const a = i >= 4 ? row[i - 4]! : 0;
    const b = above[i]!;
    const c = i >= 4 ? above[i - 4]! : 0;
    none += signedSize(raw);
    sub += signedSize(raw - a);
    up += signedSize(raw - b);
    average += signedSize(raw - ((a + b) >> 1));
    paethCost += signedSize(raw - paeth(a, b, c));
  }
  const costs = [none, sub, up, average, paethCost];
  let best = 0;
  for (let f = 1; f < 5; f++) if (costs[f]! < costs[best]!) best = f;
  return best;
}

/** |byte| with the byte read as a signed value, which is what the heuristic sums. */
function signedSize(difference: number): number {
  const v = difference & 0xff;
  return v < 128 ? v : 256 - v;
}

function writeFiltered(filter: number, row: Uint8Array, above: Uint8Array, target: Uint8Array): void {
  for (let i = 0; i < row.length; i++) {
    const left = i >= 4 ? row[i - 4]! : 0;
    const up = above[i]!;
    let predictor: number;
    switch (filter) {
      case 0: predictor = 0; break;
      case 1: predictor = left; break;
      case 2: predictor = up; break;
      case 3: predictor = (left + up) >> 1; break;
      default: predictor = paeth(left, up, i >= 4 ? above[i - 4]! : 0);
    }
    target[i] = (row[i]! - predictor) & 0xff;
  }
}

function paeth(a: number, b: number, c: number): number {
  // p - a = b - c, p - b = a - c, p - c = a + b - 2c (p = a + b - c).
  let pa = b - c;
  let pb = a - c;
  let pc = pa + pb;
  if (pa < 0) pa = -pa;
  if (pb < 0) pb = -pb;
  if (pc < 0) pc = -pc;
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** A zlib (RFC 1950) stream, which is what CompressionStream calls 'deflate'. */
async function zlibDeflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function textChunk(keyword: string, text: string): Uint8Array {
  if (keyword.length < 1 || keyword.length > 79 || !isLatin1(keyword) || /^ | $|  |\0/.test(keyword)) {
    throw new InvalidInputError(
      `PNG text keyword ${describeValue(keyword)} is not valid; use 1-79 Latin-1 characters without leading, trailing or double spaces`,
    );
  }
  if (text.includes('\0')) throw new InvalidInputError(`PNG text for ${describeValue(keyword)} contains a NUL character, which PNG text cannot hold`);
  const key = latin1Bytes(keyword);
  if (isLatin1(text)) return chunk('tEXt', concat([key, Uint8Array.of(0), latin1Bytes(text)]));
  // iTXt: keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, UTF-8 text.
  return chunk('iTXt', concat([key, Uint8Array.of(0, 0, 0, 0, 0), new TextEncoder().encode(text)]));
}

function isLatin1(text: string): boolean {
  return /^[\u0000-\u00ff]*$/.test(text);
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(12 + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, data.length);
  bytes.set(latin1Bytes(type), 4);
  bytes.set(data, 8);
  // The CRC covers the type and the data, not the length.
  view.setUint32(8 + data.length, crc32(bytes.subarray(4, 8 + data.length)));
  return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
