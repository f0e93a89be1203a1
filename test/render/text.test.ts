import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import {
  createImage,
  drawText,
  fontCharacters,
  glyphBitmap,
  GLYPH_HEIGHT,
  GLYPH_WIDTH,
  measureText,
  type Box,
  type RgbaImage,
} from '../../src/render/index.js';

const WHITE = [255, 255, 255, 255] as const;

/** Splits the image's non-white pixels into those inside and outside a box. */
function inkAround(image: RgbaImage, box: Box): { inside: number; outside: number } {
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const o = (y * image.width + x) * 4;
      if (image.rgba[o] === 255 && image.rgba[o + 1] === 255 && image.rgba[o + 2] === 255) continue;
      const within = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
      if (within) inside++;
      else outside++;
    }
  }
  return { inside, outside };
}

describe('bitmap font and text', () => {
  it('has a glyph for every printable ASCII character, the degree sign and the minus sign', () => {
    const chars = fontCharacters();
    for (let code = 32; code < 127; code++) expect(chars).toContain(String.fromCharCode(code));
    expect(chars).toContain('°');
    expect(chars).toContain('\u2212');
    // Every visible character has ink; the space has none.
    for (const char of chars) expect(glyphBitmap(char)!.some((v) => v === 1)).toBe(char !== ' ');
  });

  it('draws the minus sign wider than the hyphen, so negative ticks read as numbers', () => {
    const ink = (char: string) => glyphBitmap(char)!.reduce((sum, v) => sum + v, 0);
    expect(ink('\u2212')).toBe(GLYPH_WIDTH);
    expect(ink('-')).toBe(3);
  });

  it('measures text as 6 pixels per character less the trailing gap, 9 rows tall, times the scale', () => {
    expect(measureText('Slope (°)')).toEqual({ width: 9 * 6 - 1, height: GLYPH_HEIGHT });
    expect(measureText('100', { scale: 2 })).toEqual({ width: 34, height: 18 });
    expect(measureText('100', { rotate: 90 })).toEqual({ width: 9, height: 17 });
    expect(measureText('')).toEqual({ width: 0, height: 9 });
  });

  it('puts a label’s ink inside its box and none outside', () => {
    const image = createImage(80, 20, WHITE);
    const box = drawText(image, 'Slope (°) jy', 5, 4);
    expect(box).toEqual({ x: 5, y: 4, width: 71, height: 9 });
    const ink = inkAround(image, box);
    expect(ink.inside).toBeGreaterThan(40);
    expect(ink.outside).toBe(0);
  });

  it('uses the full box: ink touches its left, right, top and bottom edges', () => {
    // 'j' reaches the left column and the bottom (descender) row, 'l' the top row, 'M' the right column.
    const image = createImage(40, 20, WHITE);
    const box = drawText(image, 'jlM', 3, 5, { color: [200, 0, 0, 255] });
    const inkAt = (x: number, y: number) => image.rgba[(y * image.width + x) * 4 + 1] === 0;
    const rows = (x: number) => Array.from({ length: box.height }, (_, i) => inkAt(x, box.y + i));
    const cols = (y: number) => Array.from({ length: box.width }, (_, i) => inkAt(box.x + i, y));
    expect(rows(box.x).some(Boolean)).toBe(true);
    expect(rows(box.x + box.width - 1).some(Boolean)).toBe(true);
    expect(cols(box.y).some(Boolean)).toBe(true);
    expect(cols(box.y + box.height - 1).some(Boolean)).toBe(true);
  });

  it('keeps rotated and scaled text inside its box', () => {
    const image = createImage(40, 200, WHITE);
    const box = drawText(image, 'Elevation (m)', 10, 20, { rotate: 90, scale: 2 });
    expect(box).toEqual({ x: 10, y: 20, width: 18, height: (13 * 6 - 1) * 2 });
    const ink = inkAround(image, box);
    expect(ink.inside).toBeGreaterThan(100);
    expect(ink.outside).toBe(0);
  });

  it('reads rotated text from bottom to top: the first letter is at the bottom', () => {
    const image = createImage(20, 20, WHITE);
    drawText(image, 'I.', 0, 0, { rotate: 90 });
    // Unrotated, 'I' has ink in columns 1-3 and '.' in columns 7-8 of an 11-pixel line. Turned a
    // quarter counter-clockwise, column u lands on row 10 - u: 'I' on rows 7-9, '.' on rows 2-3.
    const inkRow = (y: number) => Array.from({ length: 20 }, (_, x) => image.rgba[(y * 20 + x) * 4] === 0).some(Boolean);
    expect(Array.from({ length: 20 }, (_, y) => y).filter(inkRow)).toEqual([2, 3, 7, 8, 9]);
  });

  it('draws a character the font lacks as a hollow box', () => {
    const image = createImage(5, 9, WHITE);
    drawText(image, 'é', 0, 0);
    const black = (x: number, y: number) => image.rgba[(y * 5 + x) * 4] === 0;
    expect([black(0, 0), black(4, 0), black(0, 6), black(4, 6), black(2, 3), black(2, 8)]).toEqual([true, true, true, true, false, false]);
  });

  it('rejects a text scale that is not a positive integer', () => {
    expect(() => measureText('x', { scale: 1.5 })).toThrow(InvalidInputError);
    expect(() => measureText('x', { scale: 0 })).toThrow('text scale 0 is not a positive integer');
  });
});
