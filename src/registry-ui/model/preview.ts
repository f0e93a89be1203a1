import { readRasterBytes } from '../../raster/read-raster.js';
import { validityTest, type Band } from '../../render/band.js';
import { renderRaster } from '../../render/render-raster.js';
import type { RangeOption } from '../../render/value-range.js';

/**
 * Preview images of raster outputs: the first band, thinned to at most {@link PREVIEW_SIZE}
 * pixels a side (or enlarged, for tiny grids), coloured with viridis over its 2nd–98th
 * percentiles, with a colour bar. Rendered with the library's own renderer, so the preview looks
 * like a figure a pipeline would draw.
 */

/** The longest side of a preview's image, in pixels. */
export const PREVIEW_SIZE = 480;

/** Output extensions previewed as rasters. */
export const RASTER_EXTENSIONS = ['tif', 'tiff'];

/**
 * A PNG preview of a GeoTIFF's first band.
 * @example const png = await rasterPreviewPng(await store.get(key), 'elevation.tif');
 */
export async function rasterPreviewPng(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const raster = await readRasterBytes(bytes, name, { bands: [1] });
  const band = thinBand({ width: raster.width, height: raster.height, data: raster.bands[0]!, nodata: raster.nodata }, PREVIEW_SIZE);
  const longest = Math.max(band.width, band.height);
  const scale = Math.max(1, Math.floor(PREVIEW_SIZE / 2 / longest));
  const ranges = rangesFor(band);
  for (const [index, range] of ranges.entries()) {
    try {
      return await renderRaster(band, { colormap: 'viridis', range, scale, colorbar: true, textScale: 1 });
    } catch (error) {
      // Percentiles of a nearly constant band can coincide; the next range is wider.
      if (index === ranges.length - 1) throw error;
    }
  }
  throw new Error('unreachable');
}

/**
 * Every n-th pixel of a band in both directions (nearest neighbour), so the result fits in
 * `maxSize` pixels a side. A band that fits already is returned as it is.
 * @example thinBand({ width: 4000, height: 2000, data, nodata: null }, 500) // 500 x 250
 */
export function thinBand(band: Band, maxSize: number): Band {
  const step = Math.ceil(Math.max(band.width, band.height) / maxSize);
  if (step <= 1) return band;
  const width = Math.ceil(band.width / step);
  const height = Math.ceil(band.height / step);
  const data = new Float64Array(width * height);
  for (let row = 0; row < height; row++) {
    const from = row * step * band.width;
    for (let column = 0; column < width; column++) data[row * width + column] = band.data[from + column * step]!;
  }
  return { width, height, data, nodata: band.nodata ?? null };
}

/** Ranges to try, best first: the 2nd–98th percentiles, then min–max (widened for a constant band). */
function rangesFor(band: Band): RangeOption[] {
  const valid = validityTest(band);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < band.data.length; i++) {
    const value = band.data[i]!;
    if (!valid(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min > max) return [[0, 1]]; // nothing valid: every pixel is drawn transparent anyway
  if (min === max) return [[min - 0.5, max + 0.5]];
  return ['p2-p98', [min, max]];
}

/**
 * Remembers recent previews (a small least-recently-used map of promises), so a page that asks
 * again, or two pages asking at once, render once.
 */
export class PreviewCache {
  readonly #items = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly limit = 48) {}

  /** The preview under `key` (include the output's checksum in it), made by `make` when missing. */
  get(key: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> {
    let found = this.#items.get(key);
    if (found) {
      this.#items.delete(key);
    } else {
      found = make();
      found.catch(() => this.#items.delete(key));
    }
    this.#items.set(key, found);
    while (this.#items.size > this.limit) this.#items.delete(this.#items.keys().next().value!);
    return found;
  }
}
