/**
 * What the renderers draw: one band of pixels with its size and nodata value. A plain shape, so
 * a Raster's band, a geotiff.js result or a hand-made typed array all fit.
 */
import { InvalidInputError, describeValue } from '../errors.js';

/**
 * One band of a raster, row-major from the top-left pixel.
 * @example const band: Band = { width: 4, height: 3, data: new Float32Array(12), nodata: -9999 };
 */
export interface Band {
  width: number;
  height: number;
  /** width * height values (a typed array in practice). */
  data: ArrayLike<number>;
  /** The value that marks missing pixels. NaN is always treated as missing. */
  nodata?: number | null;
}

/**
 * One band of a multi-band raster (anything with `width`, `height`, `bands` and `nodata`, like
 * geodata's Raster), as a Band.
 * @example renderRaster(rasterBand(await load(new ElevationLoader())), { colormap: 'terrain' })
 */
export function rasterBand(
  raster: { width: number; height: number; bands: readonly ArrayLike<number>[]; nodata?: number | null },
  index = 0,
): Band {
  const data = raster.bands[index];
  if (!data) {
    throw new InvalidInputError(`band ${describeValue(index)} does not exist; the raster has bands 0..${raster.bands.length - 1}`);
  }
  return { width: raster.width, height: raster.height, data, nodata: raster.nodata ?? null };
}

/** Checks a band's size against its data; `name` says which band in messages. */
export function validateBand(band: Band, name: string): void {
  if (typeof band !== 'object' || band === null) {
    throw new InvalidInputError(`${name} is ${describeValue(band)}; pass { width, height, data, nodata? }`);
  }
  // The two common mix-ups (README's "what trips people up"), named rather than reported as a missing field.
  if (ArrayBuffer.isView(band)) {
    throw new InvalidInputError(
      `${name} is a ${band.constructor.name} of ${(band as unknown as ArrayLike<number>).length} values without its size; ` +
        'pass { width, height, data, nodata? }: raster.band(i) gives that for a Raster',
    );
  }
  const bands = (band as { bands?: unknown }).bands;
  if (band.data === undefined && Array.isArray(bands)) {
    throw new InvalidInputError(`${name} is a raster of ${bands.length} band(s), not one band; pass raster.band(0) (or the band you mean)`);
  }
  for (const key of ['width', 'height'] as const) {
    const value = band[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidInputError(`${name} ${key} ${describeValue(value)} is not a positive integer number of pixels`);
    }
  }
  if (!band.data || typeof band.data.length !== 'number') {
    throw new InvalidInputError(`${name} data is ${describeValue(band.data)}; pass a typed array of width * height values`);
  }
  if (band.data.length !== band.width * band.height) {
    throw new InvalidInputError(
      `${name} data has ${band.data.length} values but width * height = ${band.width} * ${band.height} = ${band.width * band.height}; ` +
        'check the width and height, or pass one band rather than interleaved bands',
    );
  }
  if (band.nodata !== undefined && band.nodata !== null && typeof band.nodata !== 'number') {
    throw new InvalidInputError(`${name} nodata ${describeValue(band.nodata)} is not a number or null`);
  }
}

/**
 * A test for "this value is a real measurement": not NaN, not infinite, not the nodata value.
 * Float32 data holds nodata rounded to single precision (-3.4e38 is not exact in float32), so
 * that rounding counts as nodata too.
 */
export function validityTest(band: Band): (value: number) => boolean {
  const nodata = band.nodata;
  if (nodata === undefined || nodata === null || Number.isNaN(nodata)) return (v) => Number.isFinite(v);
  const single = band.data instanceof Float32Array ? Math.fround(nodata) : nodata;
  return (v) => Number.isFinite(v) && v !== nodata && v !== single;
}
