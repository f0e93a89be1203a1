/**
 * Renders a raster band as a figure: colour-mapped pixels, optional hillshade, nearest-neighbour
 * enlargement, title and colour bar; as RGBA (for a browser canvas) or as PNG bytes (for a
 * Figure's output file).
 */
import { InvalidInputError, describeValue } from '../errors.js';
import { validateBand, type Band } from './band.js';
import { checkColorbarOption, colorbarLayout, drawColorbar, type ColorbarOptions } from './colorbar.js';
import { colorizeBand, shadeImage, DEFAULT_HILLSHADE_STRENGTH } from './colorize.js';
import { getColormap, type ColormapSpec } from './colormaps.js';
import { encodePng } from './png-encoder.js';
import { checkOptionKeys } from '../option-keys.js';
import { getPlatform } from '../platform.js';
import { blit, createImage, upscale, type Rgba, type RgbaImage } from './rgba-image.js';
import { drawText, measureText } from './text.js';
import { resolveRange, type RangeOption } from './value-range.js';

/** How to render a band. Everything is optional: the default is viridis over the band's min–max. */
export interface RenderOptions {
  /** A colormap name (`'viridis'`, `'terrain'`, `'gray'`, `'RdBu'`, `'coolwarm'`, any with `_r`), colour stops, or a Colormap. Default `'viridis'`. */
  colormap?: ColormapSpec;
  /** `[min, max]`, `'minmax'` (default) or percentiles like `'p2-p98'` of the valid values. */
  range?: RangeOption;
  /** A hillshade on the same grid, multiplied under the colours (0–255 bytes, or any range, normalised). */
  hillshade?: Band;
  /** How much the hillshade darkens: 0 none, 1 full multiply. Default 0.5. */
  hillshadeStrength?: number;
  /** Integer enlargement, each pixel becoming a scale x scale block, for tiny rasters. Default 1. */
  scale?: number;
  /** Adds a colour bar to the right (the image grows); `true` for one without a label. */
  colorbar?: boolean | ColorbarOptions;
  /** A line of text above the image. */
  title?: string;
  /** Integer size of the 5x7 font and the colour bar. Default: 1, plus 1 per 400 rows of (scaled) image, at most 4. */
  textScale?: number;
  /** Background around the image when there is a title or colour bar. Default opaque white. */
  background?: Rgba;
  /** Colour of text, ticks and the bar's frame. Default opaque black. */
  ink?: Rgba;
}

/** PNG rendering options: the render options plus text chunks to store in the file. */
export interface RenderPngOptions extends RenderOptions {
  /** Extra PNG text chunks (keyword → text), after `Software`, `Title` and `Description`. */
  metadata?: Record<string, string>;
}

/** A rendered figure: the RGBA pixels plus the range and colormap that were used. */
export interface RenderedImage extends RgbaImage {
  range: [number, number];
  colormap: string;
}

/** Every key of RenderOptions, so a misspelled one (`colourmap`) is refused instead of ignored. */
const RENDER_OPTION_KEYS = ['colormap', 'range', 'hillshade', 'hillshadeStrength', 'scale', 'colorbar', 'title', 'textScale', 'background', 'ink'] as const;
const PNG_OPTION_KEYS = [...RENDER_OPTION_KEYS, 'metadata'] as const;

const WHITE: Rgba = [255, 255, 255, 255];
const BLACK: Rgba = [0, 0, 0, 255];
const MAX_PIXELS = 2 ** 28;
const PADDING = 4;
const TITLE_GAP = 4;

/**
 * Renders a band to RGBA pixels without PNG encoding, e.g. to draw into a canvas.
 * Nodata and NaN pixels are transparent.
 * @example
 * const image = renderRgba(band, { colormap: 'viridis', range: 'p2-p98' });
 * context.putImageData(toImageData(image), 0, 0);
 */
export function renderRgba(band: Band, options: RenderOptions = {}): RenderedImage {
  validateBand(band, 'band');
  checkOptionKeys(options, RENDER_OPTION_KEYS, 'renderRgba');
  checkColorbarOption(options.colorbar);
  const colormap = getColormap(options.colormap ?? 'viridis');
  const scale = positiveInteger(options.scale ?? 1, 'scale');
  // Sizes first: a band past the limit is refused before its values are scanned for the range.
  if (band.width * band.height > MAX_PIXELS) {
    // Past the limit at actual size: no scale helps, a coarser grid does.
    throw new InvalidInputError(
      `band is ${band.width}x${band.height}, more than the ${MAX_PIXELS} pixels a figure can have; ` +
        "render it on a coarser grid: load the data on a spec with a larger pixel size (a Reprojector with resampling: 'average')",
    );
  }
  if (band.width * scale * band.height * scale > MAX_PIXELS) {
    throw new InvalidInputError(
      `scale ${scale} makes a ${band.width * scale}x${band.height * scale} image, more than ${MAX_PIXELS} pixels; use a smaller scale`,
    );
  }
  const range = resolveRange(band, options.range);
  const pixels = colorizeBand(band, colormap, range);
  if (options.hillshade !== undefined) shadeImage(pixels, options.hillshade, options.hillshadeStrength ?? DEFAULT_HILLSHADE_STRENGTH);
  const raster = upscale(pixels, scale);
  const result = { range, colormap: colormap.name };
  if (!options.colorbar && !options.title) return { ...raster, ...result };

  const s = positiveInteger(options.textScale ?? Math.min(4, 1 + Math.floor(raster.height / 400)), 'textScale');
  const ink = options.ink ?? BLACK;
  const pad = PADDING * s;
  const title = options.title?.trim() ?? '';
  const titleSize = measureText(title, { scale: s });
  const top = pad + (title ? titleSize.height + TITLE_GAP * s : 0);
  const bar = options.colorbar ? colorbarLayout(range, raster.height, options.colorbar === true ? {} : options.colorbar, s) : undefined;
  const contentHeight = Math.max(raster.height, bar?.label?.length ?? 0);
  const width = Math.max(pad + raster.width + (bar ? bar.width : pad), title ? titleSize.width + 2 * pad : 0);
  const height = top + contentHeight + pad;

  const figure = createImage(width, height, options.background ?? WHITE);
  blit(figure, raster, pad, top);
  if (bar) drawColorbar(figure, bar, pad + raster.width, top, raster.height, colormap, s, ink);
  if (title) {
    // Centred over the image, kept inside the figure when it is wider than the image.
    const centred = pad + Math.floor((raster.width - titleSize.width) / 2);
    drawText(figure, title, Math.min(Math.max(pad, centred), width - pad - titleSize.width), pad, { scale: s, color: ink });
  }
  return { ...figure, ...result };
}

/**
 * Renders a band to PNG bytes: what a Figure's `_process` writes. The file records the software,
 * the title and the colormap and range in text chunks. In browsers the work runs in geodata's
 * compute worker (same bytes), so a large figure never holds the page's thread.
 * @example
 * const png = await renderRaster(
 *   { width, height, data: slopeDegrees, nodata: -9999 },
 *   { colormap: 'viridis', colorbar: { label: 'Slope', units: '°' }, hillshade: shade, scale: 2 },
 * );
 */
export async function renderRaster(band: Band, options: RenderPngOptions = {}): Promise<Uint8Array> {
  const offThread = getPlatform().renderPng;
  if (offThread) {
    // Bad input fails here, with the caller's stack.
    validateBand(band, 'band');
    checkPngOptions(options);
    return offThread(band, options);
  }
  return renderRasterHere(band, options);
}

/** {@link renderRaster} on this thread (what the compute worker runs). */
export async function renderRasterHere(band: Band, options: RenderPngOptions = {}): Promise<Uint8Array> {
  checkPngOptions(options);
  const { metadata, ...renderOptions } = options;
  const image = renderRgba(band, renderOptions);
  const text: Record<string, string> = { Software: 'geodata' };
  if (options.title) text.Title = options.title;
  text.Description = `${image.colormap} colormap over [${image.range[0]}, ${image.range[1]}]`;
  Object.assign(text, metadata);
  return encodePng({ ...image, text });
}

function checkPngOptions(options: RenderPngOptions): void {
  checkOptionKeys(options, PNG_OPTION_KEYS, 'renderRaster');
  checkColorbarOption(options.colorbar);
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(`${name} ${describeValue(value)} is not a positive integer; use 1 for actual size, 2 to double`);
  }
  return value;
}

