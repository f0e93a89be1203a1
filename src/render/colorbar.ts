/**
 * A vertical colour bar to the right of a raster: the colormap from its highest value (top) to
 * its lowest (bottom) inside a thin frame, round-number ticks with labels, and the quantity's
 * label with units turned to read bottom to top, as matplotlib places it.
 */
import { InvalidInputError, describeValue } from '../errors.js';
import { lutIndex, type Colormap } from './colormaps.js';
import { GLYPH_ASCENT, GLYPH_HEIGHT } from './font.js';
import { fractionOf } from './fraction.js';
import type { Rgba, RgbaImage } from './rgba-image.js';
import { fillRect } from './rgba-image.js';
import { drawText, measureText } from './text.js';
import { formatTicks, niceTicks } from './ticks.js';

/** What the colour bar says. */
export interface ColorbarOptions {
  /** The quantity, e.g. `'Slope'`. */
  label?: string;
  /** Its units, shown in parentheses after the label, e.g. `'°'` → `Slope (°)`. */
  units?: string;
}

/**
 * Sizes in pixels at text scale 1; every one is multiplied by the text scale. From the image's
 * right edge: gap, frame, bar, frame, tick, gap, tick labels, gap, label, margin.
 */
export const COLORBAR_SIZES = {
  gap: 8,
  frame: 1,
  barWidth: 12,
  tickLength: 3,
  tickLabelGap: 2,
  labelGap: 6,
  margin: 4,
} as const;

/** Where everything of a colour bar goes, relative to the bar block's left edge and the bar's top. */
export interface ColorbarLayout {
  /** Width of the whole block, from the image's right edge to the figure's right edge. */
  width: number;
  /** Left edge of the coloured bar (inside its frame). */
  barX: number;
  barWidth: number;
  ticks: { value: number; label: string; y: number }[];
  tickLabelX: number;
  /** The rotated label's text, left edge and length (its extent along the bar), if any. */
  label?: { text: string; x: number; length: number };
}

/**
 * Checks the `colorbar` render option: `true`/`false` or `{ label, units }` (a bare string, such as
 * `colorbar: 'Slope'`, would otherwise draw a bar with no label).
 */
export function checkColorbarOption(colorbar: unknown): void {
  if (colorbar === undefined || typeof colorbar === 'boolean') return;
  if (typeof colorbar === 'object' && colorbar !== null && !Array.isArray(colorbar)) {
    const unknown = Object.keys(colorbar).filter((key) => key !== 'label' && key !== 'units');
    const notText = (['label', 'units'] as const).filter((key) => {
      const value = (colorbar as ColorbarOptions)[key];
      return value !== undefined && typeof value !== 'string';
    });
    if (!unknown.length && !notText.length) return;
  }
  throw new InvalidInputError(
    `colorbar ${describeValue(colorbar)} is not true, false or { label, units } with text values; e.g. colorbar: { label: 'Slope', units: '°' }`,
  );
}

/** The text a colour bar's label shows: `Label (units)`, `Label`, `(units)` or nothing. */
export function colorbarTitle(options: ColorbarOptions): string {
  const label = options.label?.trim() ?? '';
  const units = options.units?.trim() ?? '';
  if (label && units) return `${label} (${units})`;
  return label || (units ? `(${units})` : '');
}

/**
 * Lays out a colour bar `height` pixels tall for a value range. Ticks are kept two label
 * heights apart (at most 8); tick `y` is the row of its value, counted from the bar's top.
 * @example colorbarLayout([0, 100], 200, { label: 'Elevation', units: 'm' }, 1).width // 63
 */
export function colorbarLayout(
  range: readonly [number, number],
  height: number,
  options: ColorbarOptions,
  textScale: number,
): ColorbarLayout {
  const s = textScale;
  const sizes = COLORBAR_SIZES;
  const [min, max] = range;
  const maxCount = Math.min(8, Math.max(2, Math.floor(height / (2 * GLYPH_HEIGHT * s)) + 1));
  const values = niceTicks(min, max, maxCount);
  const labels = formatTicks(values);
  const ticks = values.map((value, i) => ({
    value,
    label: labels[i]!,
    y: Math.round((1 - fractionOf(value, min, max)) * (height - 1)),
  }));
  const barX = (sizes.gap + sizes.frame) * s;
  const tickLabelX = barX + (sizes.barWidth + sizes.frame + sizes.tickLength + sizes.tickLabelGap) * s;
  const labelsWidth = Math.max(0, ...labels.map((text) => measureText(text, { scale: s }).width));
  let right = tickLabelX + labelsWidth;
  const text = colorbarTitle(options);
  let label: ColorbarLayout['label'];
  if (text) {
    const x = right + sizes.labelGap * s;
    label = { text, x, length: measureText(text, { scale: s }).width };
    right = x + GLYPH_HEIGHT * s;
  }
  return { width: right + sizes.margin * s, barX, barWidth: sizes.barWidth * s, ticks, tickLabelX, label };
}

/**
 * Draws a laid-out colour bar with the block's left edge at `x` and the bar's top at `y`,
 * `height` rows tall: row 0 has the colormap's highest colour, the last row its lowest.
 */
export function drawColorbar(
  image: RgbaImage,
  layout: ColorbarLayout,
  x: number,
  y: number,
  height: number,
  colormap: Colormap,
  textScale: number,
  ink: Rgba,
): void {
  const s = textScale;
  const frame = COLORBAR_SIZES.frame * s;
  const barX = x + layout.barX;
  fillRect(image, barX - frame, y - frame, layout.barWidth + 2 * frame, height + 2 * frame, ink);
  for (let row = 0; row < height; row++) {
    // Row 0 is the top (highest value); the bar samples the colormap evenly from 1 down to 0.
    const fraction = height === 1 ? 1 : 1 - row / (height - 1);
    const entry = lutIndex(fraction) * 3;
    const color: Rgba = [colormap.lut[entry]!, colormap.lut[entry + 1]!, colormap.lut[entry + 2]!, 255];
    fillRect(image, barX, y + row, layout.barWidth, 1, color);
  }
  const tickX = barX + layout.barWidth + frame;
  for (const tick of layout.ticks) {
    fillRect(image, tickX, y + tick.y - Math.floor((s - 1) / 2), COLORBAR_SIZES.tickLength * s, s, ink);
    // Centre the digits (cap height) on the tick row.
    const top = y + tick.y - Math.floor((GLYPH_ASCENT * s - s) / 2);
    drawText(image, tick.label, x + layout.tickLabelX, top, { scale: s, color: ink });
  }
  if (layout.label) {
    // Centred on the bar; a label longer than the bar starts at its top (the figure grows to fit it).
    const { length } = layout.label;
    const top = length <= height ? y + Math.floor((height - length) / 2) : y;
    drawText(image, layout.label.text, x + layout.label.x, top, { scale: s, color: ink, rotate: 90 });
  }
}
