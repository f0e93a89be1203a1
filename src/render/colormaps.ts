/**
 * Colormaps as 256-entry RGB lookup tables, with matplotlib's names, colours and value → entry
 * rule, so a figure made here matches one made with matplotlib.
 */
import { InvalidInputError, describeValue } from '../errors.js';
import { COOLWARM_RGB, GRAY_STOPS, RDBU_HEX, TERRAIN_STOPS, VIRIDIS_HEX, type FractionStop } from './colormap-data.js';

/** Number of entries in every colormap's table (matplotlib's default N). */
export const LUT_SIZE = 256;

/** A colormap: a name and 256 RGB entries (768 bytes, entry 0 for the lowest value). */
export interface Colormap {
  readonly name: string;
  readonly lut: Uint8Array;
}

/** An RGB colour, each channel 0–255. */
export type Rgb = readonly [r: number, g: number, b: number];

/** A colour: `'#rrggbb'`, `'#rgb'`, or `[r, g, b]` with channels 0–255. */
export type Color = string | Rgb;

/** A colour stop: a colour (stops then spread evenly), or a colour at a position 0–1. */
export type ColorStop = Color | { at: number; color: Color };

/** What the `colormap` option accepts: a built-in name (`'viridis'`, `'terrain_r'`...), stops, or a Colormap. */
export type ColormapSpec = string | readonly ColorStop[] | Colormap;

const BUILT_IN: Record<string, () => Colormap> = {
  viridis: () => ({ name: 'viridis', lut: hexLut(VIRIDIS_HEX) }),
  terrain: () => fromFractionStops('terrain', TERRAIN_STOPS),
  gray: () => fromFractionStops('gray', GRAY_STOPS),
  RdBu: () => fromFractionStops('RdBu', evenly(RDBU_HEX.map((hex) => parseColor(`#${hex}`, 'RdBu')).map(toFractions))),
  coolwarm: () => fromFractionStops('coolwarm', evenly(COOLWARM_RGB)),
};

const cache = new Map<string, Colormap>();

/**
 * The names `getColormap` knows. Each also exists reversed, with `_r` appended.
 * @example colormapNames() // ['viridis', 'terrain', 'gray', 'RdBu', 'coolwarm']
 */
export function colormapNames(): string[] {
  return Object.keys(BUILT_IN);
}

/**
 * Resolves a colormap option: a built-in name (append `_r` to reverse it), a list of colour
 * stops, or a Colormap (returned as is).
 * @example
 * getColormap('viridis');
 * getColormap('terrain_r');
 * getColormap(['#2166ac', '#f7f7f7', '#b2182b']);
 * getColormap([{ at: 0, color: '#000' }, { at: 0.7, color: [255, 0, 0] }, { at: 1, color: '#fff' }]);
 */
export function getColormap(spec: ColormapSpec): Colormap {
  if (typeof spec === 'string') return namedColormap(spec);
  if (Array.isArray(spec)) return colormapFromStops(spec);
  if (isColormap(spec)) return spec;
  throw new InvalidInputError(
    `colormap ${describeValue(spec)} is not a name, a list of colour stops or a Colormap; try one of ${availableNames()}`,
  );
}

function namedColormap(name: string): Colormap {
  const cached = cache.get(name);
  if (cached) return cached;
  const reversed = name.endsWith('_r');
  const base = reversed ? name.slice(0, -2) : name;
  if (!Object.hasOwn(BUILT_IN, base)) {
    throw new InvalidInputError(`unknown colormap ${describeValue(name)}; available: ${availableNames()}`);
  }
  const made = BUILT_IN[base]!();
  const colormap = reversed ? reverseColormap(made) : made;
  cache.set(name, colormap);
  return colormap;
}

function availableNames(): string {
  return `${colormapNames().join(', ')} (each also reversed with _r, e.g. viridis_r), or a list of colour stops`;
}

/**
 * A colormap interpolated linearly (in RGB, as matplotlib does) between colour stops. Stops
 * without positions are spread evenly; with positions, they must rise from 0 to 1.
 * @example
 * colormapFromStops(['#000000', '#ff0000', '#ffff00'], 'fire');
 * colormapFromStops([{ at: 0, color: '#08306b' }, { at: 0.8, color: '#f7fbff' }, { at: 1, color: '#ffffff' }]);
 */
export function colormapFromStops(stops: readonly ColorStop[], name = 'custom'): Colormap {
  if (!Array.isArray(stops) || stops.length < 2) {
    throw new InvalidInputError(`colormap ${describeValue(name)} needs at least 2 colour stops, got ${describeValue(stops)}`);
  }
  const positioned = stops.filter((s) => typeof s === 'object' && s !== null && !Array.isArray(s)).length;
  if (positioned !== 0 && positioned !== stops.length) {
    throw new InvalidInputError(`colormap ${describeValue(name)}: give a position ({ at, color }) to every stop or to none`);
  }
  if (positioned === 0) return fromFractionStops(name, evenly((stops as Color[]).map((c) => toFractions(parseColor(c, name)))));
  const fractionStops = (stops as { at: number; color: Color }[]).map((s) => ({ at: s.at, rgb: toFractions(parseColor(s.color, name)) }));
  fractionStops.forEach((s, i) => {
    const previous = i === 0 ? -Infinity : fractionStops[i - 1]!.at;
    if (!Number.isFinite(s.at) || s.at < previous || s.at < 0 || s.at > 1) {
      throw new InvalidInputError(`colormap ${describeValue(name)}: stop ${i} is at ${describeValue(s.at)}; positions must rise from 0 to 1`);
    }
  });
  if (fractionStops[0]!.at !== 0 || fractionStops.at(-1)!.at !== 1) {
    throw new InvalidInputError(`colormap ${describeValue(name)}: the first stop must be at 0 and the last at 1`);
  }
  return fromFractionStops(name, fractionStops);
}

/**
 * The same colormap running the other way (`viridis` → `viridis_r`).
 * @example reverseColormap(getColormap('RdBu')) // blue for low values, red for high
 */
export function reverseColormap(colormap: Colormap): Colormap {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) lut.set(colormap.lut.subarray(i * 3, i * 3 + 3), (LUT_SIZE - 1 - i) * 3);
  const name = colormap.name.endsWith('_r') ? colormap.name.slice(0, -2) : `${colormap.name}_r`;
  return { name, lut };
}

/**
 * The table entry for a value already normalised to 0–1, by matplotlib's rule:
 * `floor(fraction * 256)`, with 1 (and above) on the last entry and below 0 on the first.
 */
export function lutIndex(fraction: number): number {
  if (!(fraction > 0)) return 0;
  return Math.min(LUT_SIZE - 1, Math.floor(fraction * LUT_SIZE));
}

/**
 * The colour of a normalised value (0–1) in a colormap.
 * @example colorAt(getColormap('viridis'), 0.5) // [33, 145, 140], matplotlib's #21918c
 */
export function colorAt(colormap: Colormap, fraction: number): Rgb {
  const i = lutIndex(fraction) * 3;
  return [colormap.lut[i]!, colormap.lut[i + 1]!, colormap.lut[i + 2]!];
}

/** Parses `'#rrggbb'`, `'#rgb'` or `[r, g, b]` (0–255); `context` names the colormap in errors. */
export function parseColor(color: Color, context = 'colour'): Rgb {
  if (typeof color === 'string') {
    const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
    if (match) {
      const hex = match[1]!.length === 3 ? [...match[1]!].map((c) => c + c).join('') : match[1]!;
      return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
    }
  } else if (Array.isArray(color) && color.length === 3 && color.every((c) => Number.isFinite(c) && c >= 0 && c <= 255)) {
    return [color[0], color[1], color[2]];
  }
  throw new InvalidInputError(`${context}: colour ${describeValue(color)} is not '#rrggbb', '#rgb' or [r, g, b] with channels 0-255`);
}

function isColormap(value: unknown): value is Colormap {
  const c = value as Colormap;
  return typeof c === 'object' && c !== null && typeof c.name === 'string' && c.lut instanceof Uint8Array && c.lut.length === LUT_SIZE * 3;
}

function toFractions(rgb: Rgb): [number, number, number] {
  return [rgb[0] / 255, rgb[1] / 255, rgb[2] / 255];
}

function evenly(colors: readonly (readonly [number, number, number])[]): FractionStop[] {
  return colors.map((rgb, i) => ({ at: i / (colors.length - 1), rgb }));
}

function hexLut(hex: string): Uint8Array {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < lut.length; i++) lut[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return lut;
}

/**
 * Samples piecewise-linear stops at i / 255 for i = 0..255 and rounds each channel to 8 bits,
 * which is how matplotlib builds a LinearSegmentedColormap's table and writes it as hex.
 */
function fromFractionStops(name: string, stops: readonly FractionStop[]): Colormap {
  const lut = new Uint8Array(LUT_SIZE * 3);
  let segment = 0;
  for (let i = 0; i < LUT_SIZE; i++) {
    const x = i / (LUT_SIZE - 1);
    while (segment < stops.length - 2 && x > stops[segment + 1]!.at) segment++;
    const a = stops[segment]!;
    const b = stops[segment + 1]!;
    const t = b.at === a.at ? 1 : Math.min(1, Math.max(0, (x - a.at) / (b.at - a.at)));
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round((a.rgb[c]! + t * (b.rgb[c]! - a.rgb[c]!)) * 255);
  }
  return { name, lut };
}
