/**
 * The pixel buffer every renderer draws into: 8-bit RGBA, rows top to bottom. The same layout as
 * a browser's ImageData, so a page can show it without a PNG round trip.
 */
import { GeodataError, InvalidInputError, describeValue } from '../errors.js';

/**
 * An 8-bit RGBA image, rows top to bottom, 4 bytes per pixel.
 * @example
 * // In a browser:
 * context.putImageData(toImageData(renderRgba(band, { colormap: 'viridis' })), 0, 0);
 */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** A colour with alpha, each 0–255. */
export type Rgba = readonly [r: number, g: number, b: number, a: number];

/** Transparent black: what an image holds where nothing was drawn. */
export const TRANSPARENT: Rgba = [0, 0, 0, 0];

/**
 * A new image filled with one colour (transparent by default).
 * @example const canvas = createImage(100, 50, [255, 255, 255, 255]);
 */
export function createImage(width: number, height: number, fill: Rgba = TRANSPARENT): RgbaImage {
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidInputError(`image ${name} ${describeValue(value)} is not a positive integer number of pixels`);
    }
  }
  const image = { width, height, rgba: new Uint8Array(width * height * 4) };
  if (fill.some((v) => v !== 0)) fillRect(image, 0, 0, width, height, fill);
  return image;
}

/** Paints a rectangle (clipped to the image). */
export function fillRect(image: RgbaImage, x: number, y: number, width: number, height: number, color: Rgba): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(image.width, x + width);
  const y1 = Math.min(image.height, y + height);
  for (let row = y0; row < y1; row++) {
    for (let col = x0; col < x1; col++) image.rgba.set(color, (row * image.width + col) * 4);
  }
}

/** Copies `source` into `target` with its top-left corner at (x, y), replacing pixels (no blending). */
export function blit(target: RgbaImage, source: RgbaImage, x: number, y: number): void {
  for (let row = 0; row < source.height; row++) {
    const ty = y + row;
    if (ty < 0 || ty >= target.height) continue;
    const sx0 = Math.max(0, -x);
    const sx1 = Math.min(source.width, target.width - x);
    if (sx1 <= sx0) return;
    const start = (row * source.width + sx0) * 4;
    target.rgba.set(source.rgba.subarray(start, start + (sx1 - sx0) * 4), (ty * target.width + x + sx0) * 4);
  }
}

/**
 * Enlarges an image by an integer factor, each pixel becoming a `factor` x `factor` block
 * (nearest neighbour), so tiny rasters stay crisp.
 */
export function upscale(image: RgbaImage, factor: number): RgbaImage {
  if (factor === 1) return image;
  const out = createImage(image.width * factor, image.height * factor);
  // Whole pixels are copied as 32-bit words; a view needs a 4-byte aligned offset.
  const rgba = image.rgba.byteOffset % 4 === 0 ? image.rgba : image.rgba.slice();
  const src = new Uint32Array(rgba.buffer, rgba.byteOffset, image.width * image.height);
  const dst = new Uint32Array(out.rgba.buffer);
  for (let y = 0; y < out.height; y++) {
    const srcRow = Math.floor(y / factor) * image.width;
    const dstRow = y * out.width;
    for (let x = 0; x < out.width; x++) dst[dstRow + x] = src[srcRow + Math.floor(x / factor)]!;
  }
  return out;
}

/**
 * The image as a browser ImageData, sharing its pixels (no copy), ready for `putImageData`.
 * Browsers and workers only: Node has no ImageData.
 * @example canvas.getContext('2d')!.putImageData(toImageData(renderRgba(band)), 0, 0);
 */
export function toImageData(image: RgbaImage): ImageData {
  if (typeof ImageData === 'undefined') {
    throw new GeodataError('ImageData does not exist in this runtime (Node has none); use renderRaster for PNG bytes, or the rgba array');
  }
  // ImageData cannot sit on a SharedArrayBuffer: copy in that (rare) case.
  const bytes = image.rgba.buffer instanceof ArrayBuffer ? (image.rgba as Uint8Array<ArrayBuffer>) : new Uint8Array(image.rgba);
  return new ImageData(new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, bytes.length), image.width, image.height);
}
