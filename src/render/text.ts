/**
 * Draws single-line text into an RGBA image with the embedded bitmap font, upright or turned a
 * quarter turn (for a colour bar's label), at integer scales so the pixels stay sharp.
 */
import { InvalidInputError, describeValue } from '../errors.js';
import { GLYPH_ADVANCE, GLYPH_ASCENT, GLYPH_HEIGHT, GLYPH_WIDTH, glyphBitmap } from './font.js';
import type { Rgba, RgbaImage } from './rgba-image.js';

/** How to draw text. */
export interface TextStyle {
  /** Ink colour, default opaque black. */
  color?: Rgba;
  /** Integer enlargement of the 5x7 font, default 1. */
  scale?: number;
  /** 0 (default) for upright text; 90 for text turned counter-clockwise, reading bottom to top. */
  rotate?: 0 | 90;
}

/** A rectangle in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const BLACK: Rgba = [0, 0, 0, 255];

/**
 * The size text will take when drawn: the box from the top of the tallest glyph to the bottom
 * of the descenders, without trailing space.
 * @example measureText('100') // { width: 17, height: 9 }
 */
export function measureText(text: string, style: TextStyle = {}): { width: number; height: number } {
  const scale = checkScale(style.scale);
  const length = [...text].length;
  const along = length === 0 ? 0 : (length * GLYPH_ADVANCE - 1) * scale;
  const across = GLYPH_HEIGHT * scale;
  return style.rotate === 90 ? { width: across, height: along } : { width: along, height: across };
}

/**
 * Draws text with its box's top-left corner at (x, y) and returns that box. Pixels outside the
 * image are skipped. A character the font lacks draws as a hollow box, so it shows rather than
 * vanishing.
 * @example
 * const image = createImage(60, 12, [255, 255, 255, 255]);
 * drawText(image, 'Slope (°)', 2, 2);
 */
export function drawText(image: RgbaImage, text: string, x: number, y: number, style: TextStyle = {}): Box {
  const scale = checkScale(style.scale);
  const color = style.color ?? BLACK;
  const { width, height } = measureText(text, style);
  const chars = [...text];
  const along = style.rotate === 90 ? height : width;
  chars.forEach((char, index) => {
    const bitmap = glyphBitmap(char) ?? missingGlyph();
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (!bitmap[gy * GLYPH_WIDTH + gx]) continue;
        // (u, v): position along the line and down from the top of the line, in unscaled pixels.
        const u = index * GLYPH_ADVANCE + gx;
        const v = gy;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) {
            const pu = u * scale + sx;
            const pv = v * scale + sy;
            if (style.rotate === 90) setPixel(image, x + pv, y + along - 1 - pu, color);
            else setPixel(image, x + pu, y + pv, color);
          }
        }
      }
    }
  });
  return { x, y, width, height };
}

function setPixel(image: RgbaImage, x: number, y: number, color: Rgba): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  image.rgba.set(color, (y * image.width + x) * 4);
}

let missing: Uint8Array | undefined;

/** The outline of the glyph cell above the baseline: the usual "tofu" for an unknown character. */
function missingGlyph(): Uint8Array {
  if (missing) return missing;
  missing = new Uint8Array(GLYPH_WIDTH * GLYPH_HEIGHT);
  for (let y = 0; y < GLYPH_ASCENT; y++) {
    for (let x = 0; x < GLYPH_WIDTH; x++) {
      const edge = y === 0 || y === GLYPH_ASCENT - 1 || x === 0 || x === GLYPH_WIDTH - 1;
      missing[y * GLYPH_WIDTH + x] = edge ? 1 : 0;
    }
  }
  return missing;
}

function checkScale(scale: number | undefined): number {
  if (scale === undefined) return 1;
  if (!Number.isInteger(scale) || scale < 1) {
    throw new InvalidInputError(`text scale ${describeValue(scale)} is not a positive integer; use 1 for the 5x7 font, 2 for double size`);
  }
  return scale;
}
