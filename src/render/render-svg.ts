/**
 * A raster band as an SVG figure: the colour-mapped pixels embedded as a PNG image, and the
 * title, axes with coordinate ticks, colour bar and labels drawn as SVG shapes and real text, so
 * they stay sharp at any size, are selectable, and use the viewer's fonts. A Figure's `_process`
 * returns the string; it is stored as `.svg`.
 */
import { InvalidInputError, describeValue } from '../errors.js';
import type { Band } from './band.js';
import { checkColorbarOption, colorbarTitle, type ColorbarOptions } from './colorbar.js';
import { colorAt, getColormap } from './colormaps.js';
import { fractionOf } from './fraction.js';
import { encodePng } from './png-encoder.js';
import { renderRgba, type RenderOptions } from './render-raster.js';
import { formatTicks, niceTicks } from './ticks.js';
import { escapeXml } from '../escape-xml.js';
import { checkOptionKeys } from '../option-keys.js';

/** SVG rendering options: the raster's (colormap, range, hillshade...) plus size, axes and font. */
export interface RenderSvgOptions extends Omit<RenderOptions, 'scale' | 'textScale' | 'background' | 'ink'> {
  /**
   * Displayed width of the raster in CSS pixels (its height follows the aspect ratio). Default:
   * the raster's width, enlarged to at least 360 so small grids are legible; the pixels are drawn
   * sharp (`image-rendering: pixelated`).
   */
  width?: number;
  /**
   * Coordinates of the raster's edges for axes with ticks: `[left, bottom, right, top]`, or
   * anything with `bounds` (a SpatialSpec, a Raster's `spec`), whose transform, when it has one,
   * orients the axes (a south-up grid has its first row's coordinate at the top). No axes without it.
   */
  extent?: readonly [number, number, number, number] | { bounds?: readonly number[] | undefined; transform?: readonly number[] | undefined };
  /** Axis labels, e.g. `'Easting (m)'`. */
  xLabel?: string;
  yLabel?: string;
  /** Font size of tick labels in CSS pixels; titles are 1.25x. Default 12. */
  fontSize?: number;
  /** CSS font family. Default: the system's sans-serif UI font. */
  fontFamily?: string;
  /** Background colour (CSS). Default white; `'none'` for transparent. */
  background?: string;
  /** Colour of text, ticks and frames (CSS). Default `#222`. */
  ink?: string;
}

/** Every key of RenderSvgOptions, so a misspelled one (`xlabel`) is refused instead of ignored. */
const SVG_OPTION_KEYS = [
  'colormap', 'range', 'hillshade', 'hillshadeStrength', 'colorbar', 'title',
  'width', 'extent', 'xLabel', 'yLabel', 'fontSize', 'fontFamily', 'background', 'ink',
] as const;

const DEFAULT_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const GRADIENT_STOPS = 64;

/**
 * Renders a band as an SVG document (a string): the pixels as an embedded PNG, the rest as SVG
 * text and shapes.
 * @example
 * const svg = await renderSvg(slope.band(0), { colormap: 'viridis', colorbar: { label: 'Slope', units: '°' }, extent: slope.spec, title: 'Slope' });
 */
export async function renderSvg(band: Band, options: RenderSvgOptions = {}): Promise<string> {
  checkOptionKeys(options, SVG_OPTION_KEYS, 'renderSvg');
  checkColorbarOption(options.colorbar);
  const image = renderRgba(band, { ...pick(options), scale: 1 });
  const fontSize = positive(options.fontSize ?? 12, 'fontSize');
  const width = positive(options.width ?? Math.max(band.width, 360), 'width');
  const height = (width * band.height) / band.width;
  const ink = options.ink ?? '#222';
  const extent = resolveExtent(options.extent);
  const gap = Math.round(fontSize * 0.6);
  const tickLength = Math.round(fontSize * 0.4);

  // Left: y tick labels and y label; top: title; bottom: x tick labels and x label.
  const xTicks = extent ? ticksFor(extent.left, extent.right, Math.max(2, Math.floor(width / (fontSize * 6)))) : [];
  const yTicks = extent ? ticksFor(extent.top, extent.bottom, Math.max(2, Math.floor(height / (fontSize * 3)))) : [];
  const yTickText = axisLabels(yTicks);
  const yTickWidth = Math.max(0, ...yTickText.map((t) => textWidth(t, fontSize)));
  const xText = axisLabels(xTicks);
  // x tick labels are centred on their ticks: the first and last may reach past the image's edges.
  const xSpans = xTicks.map((value, i) => {
    const x = extent ? ((value - extent.left) / (extent.right - extent.left)) * width : 0;
    const half = textWidth(xText[i]!, fontSize) / 2;
    return { start: x - half, end: x + half };
  });
  const overLeft = Math.max(0, ...xSpans.map((span) => -span.start));
  const overRight = Math.max(0, ...xSpans.map((span) => span.end - width));
  const left = Math.max(gap + (options.yLabel ? fontSize * 1.4 : 0) + (extent ? yTickWidth + tickLength + 4 : 0), overLeft + gap);
  const titleSize = fontSize * 1.25;
  const top = gap + (options.title ? titleSize * 1.4 : 0) + (extent ? fontSize * 0.5 : 0);
  const bottom = gap + (extent ? tickLength + fontSize * 1.3 : 0) + (options.xLabel ? fontSize * 1.4 : 0);

  const bar = options.colorbar ? colorbarBlock(image.range, height, options.colorbar === true ? {} : options.colorbar, fontSize, tickLength) : undefined;
  const right = Math.max(bar ? bar.width : gap, overRight + gap);
  const totalWidth = Math.ceil(left + width + right);
  const totalHeight = Math.ceil(top + height + bottom);
  const font = options.fontFamily ?? DEFAULT_FONT;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${totalHeight}" viewBox="0 0 ${totalWidth} ${totalHeight}" font-family="${escapeXml(font)}" font-size="${fmt(fontSize)}" fill="${escapeXml(ink)}">`,
  );
  if (options.title) parts.push(`<title>${escapeXml(options.title)}</title>`);
  const background = options.background ?? 'white';
  if (background !== 'none') parts.push(`<rect width="100%" height="100%" fill="${escapeXml(background)}"/>`);
  const png = await encodePng({ width: image.width, height: image.height, rgba: image.rgba, text: { Software: 'geodata' } });
  parts.push(
    `<image x="${fmt(left)}" y="${fmt(top)}" width="${fmt(width)}" height="${fmt(height)}" preserveAspectRatio="none" style="image-rendering:pixelated;image-rendering:crisp-edges" href="data:image/png;base64,${base64(png)}"/>`,
  );
  if (options.title) {
    parts.push(`<text x="${fmt(left + width / 2)}" y="${fmt(gap + titleSize)}" text-anchor="middle" font-size="${fmt(titleSize)}" font-weight="600">${escapeXml(options.title)}</text>`);
  }
  if (extent) {
    parts.push(`<rect x="${fmt(left)}" y="${fmt(top)}" width="${fmt(width)}" height="${fmt(height)}" fill="none" stroke="${escapeXml(ink)}" stroke-width="1"/>`);
    xTicks.forEach((value, i) => {
      const x = left + ((value - extent.left) / (extent.right - extent.left)) * width;
      parts.push(`<line x1="${fmt(x)}" y1="${fmt(top + height)}" x2="${fmt(x)}" y2="${fmt(top + height + tickLength)}" stroke="${escapeXml(ink)}"/>`);
      parts.push(`<text x="${fmt(x)}" y="${fmt(top + height + tickLength + fontSize)}" text-anchor="middle">${escapeXml(xText[i]!)}</text>`);
    });
    yTicks.forEach((value, i) => {
      const y = top + ((value - extent.top) / (extent.bottom - extent.top)) * height;
      parts.push(`<line x1="${fmt(left - tickLength)}" y1="${fmt(y)}" x2="${fmt(left)}" y2="${fmt(y)}" stroke="${escapeXml(ink)}"/>`);
      parts.push(`<text x="${fmt(left - tickLength - 3)}" y="${fmt(y)}" text-anchor="end" dominant-baseline="central">${escapeXml(yTickText[i]!)}</text>`);
    });
  }
  if (options.xLabel) {
    parts.push(`<text x="${fmt(left + width / 2)}" y="${fmt(totalHeight - gap)}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  }
  if (options.yLabel) {
    const x = gap + fontSize;
    const y = top + height / 2;
    parts.push(`<text transform="translate(${fmt(x)} ${fmt(y)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  }
  if (bar) parts.push(bar.draw(left + width, top, image.colormap, ink, options.colormap));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

interface BarBlock {
  width: number;
  draw(x: number, y: number, colormapName: string, ink: string, colormap: RenderOptions['colormap']): string;
}

/** The colour bar: a gradient (vector, not pixels), round-number ticks and the rotated label. */
function colorbarBlock(range: [number, number], height: number, options: ColorbarOptions, fontSize: number, tickLength: number): BarBlock {
  const [min, max] = range;
  const ticks = min < max ? niceTicks(min, max, Math.max(2, Math.min(8, Math.floor(height / (fontSize * 2.5))))) : [min];
  const tickText = formatTicks(ticks);
  const labelWidth = Math.max(0, ...tickText.map((t) => textWidth(t, fontSize)));
  const gap = fontSize;
  const barWidth = Math.max(12, fontSize * 1.2);
  const title = colorbarTitle(options);
  const width = gap + barWidth + tickLength + 3 + labelWidth + (title ? fontSize * 1.8 : 0) + fontSize * 0.6;
  return {
    width,
    draw(x, y, _name, ink, colormapSpec) {
      const colormap = getColormap(colormapSpec ?? 'viridis');
      const id = `geodata-colorbar-${Math.random().toString(36).slice(2, 10)}`;
      const stops: string[] = [];
      for (let i = 0; i <= GRADIENT_STOPS; i++) {
        const f = i / GRADIENT_STOPS;
        const [r, g, b] = colorAt(colormap, 1 - f);
        stops.push(`<stop offset="${fmt(f)}" stop-color="rgb(${r},${g},${b})"/>`);
      }
      const bx = x + gap;
      const out = [
        `<defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${stops.join('')}</linearGradient></defs>`,
        `<rect x="${fmt(bx)}" y="${fmt(y)}" width="${fmt(barWidth)}" height="${fmt(height)}" fill="url(#${id})" stroke="${escapeXml(ink)}" stroke-width="1"/>`,
      ];
      ticks.forEach((value, i) => {
        const ty = min < max ? y + (1 - fractionOf(value, min, max)) * height : y + height / 2;
        const tx = bx + barWidth;
        out.push(`<line x1="${fmt(tx)}" y1="${fmt(ty)}" x2="${fmt(tx + tickLength)}" y2="${fmt(ty)}" stroke="${escapeXml(ink)}"/>`);
        out.push(`<text x="${fmt(tx + tickLength + 3)}" y="${fmt(ty)}" dominant-baseline="central">${escapeXml(tickText[i]!)}</text>`);
      });
      if (title) {
        const lx = bx + barWidth + tickLength + 3 + labelWidth + fontSize * 1.2;
        out.push(`<text transform="translate(${fmt(lx)} ${fmt(y + height / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(title)}</text>`);
      }
      return out.join('\n');
    },
  };
}

function pick(options: RenderSvgOptions): RenderOptions {
  const { colormap, range, hillshade, hillshadeStrength } = options;
  return { ...(colormap !== undefined ? { colormap } : {}), ...(range !== undefined ? { range } : {}), ...(hillshade ? { hillshade } : {}), ...(hillshadeStrength !== undefined ? { hillshadeStrength } : {}) };
}

/**
 * The coordinates of the image's left, right, top and bottom edges. Bounds are north-up; a grid's
 * own transform says which way its rows run, so a south-up grid (rows going north, as netCDF
 * latitudes often do) is labelled with its first row's coordinate at the top, as its pixels are drawn.
 */
interface Edges {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function resolveExtent(extent: RenderSvgOptions['extent']): Edges | undefined {
  if (extent === undefined) return undefined;
  const values = Array.isArray(extent) ? extent : (extent as { bounds?: readonly number[] }).bounds;
  if (!values || values.length !== 4 || !values.every(Number.isFinite) || !(values[0]! < values[2]!) || !(values[1]! < values[3]!)) {
    throw new InvalidInputError(`extent ${describeValue(values ?? extent)} is not [left, bottom, right, top] with left < right and bottom < top; pass a SpatialSpec or its bounds`);
  }
  const [west, south, east, north] = values as readonly number[] as [number, number, number, number];
  const edges = { left: west, right: east, top: north, bottom: south };
  const transform = Array.isArray(extent) ? undefined : (extent as { transform?: unknown }).transform;
  if (!Array.isArray(transform) || transform.length !== 6 || transform[1] !== 0 || transform[3] !== 0) return edges;
  // Axis-aligned grid: its transform orders the edges (a < 0 runs east to west, e > 0 south to north).
  const [a, , , , e] = transform as number[];
  if (a! < 0) [edges.left, edges.right] = [east, west];
  if (e! > 0) [edges.top, edges.bottom] = [south, north];
  return edges;
}

/** Coordinates in full (`4001000`, not `4.001e6`): they are read as positions. */
function axisLabels(values: readonly number[]): string[] {
  return values.every(Number.isInteger) ? values.map((v) => String(v)) : formatTicks(values);
}

/** Round ticks between two edges given in either order. */
function ticksFor(a: number, b: number, count: number): number[] {
  return niceTicks(Math.min(a, b), Math.max(a, b), count);
}

/** An estimate of a label's width (average sans-serif advance); only used to make room. */
function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.6;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new InvalidInputError(`${name} ${describeValue(value)} is not a positive number`);
  return value;
}

function fmt(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Base64 without Node's Buffer (browsers too), in chunks so large images do not overflow the call stack. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
