import { InvalidInputError } from '../errors.js';

/**
 * Every resampling method of GDAL's warper, by the names geodata uses (rasterio's names:
 * `nearest` where GDAL says `near`).
 */
export const RESAMPLING_METHODS = [
  'nearest',
  'bilinear',
  'cubic',
  'cubicspline',
  'lanczos',
  'average',
  'mode',
  'min',
  'max',
  'med',
  'q1',
  'q3',
  'sum',
  'rms',
] as const;

/** A resampling method of `Reprojector`. */
export type Resampling = (typeof RESAMPLING_METHODS)[number];

/**
 * Checks a resampling name and returns it.
 * @example validateResampling('bilinear') // 'bilinear'
 */
export function validateResampling(value: unknown, what = 'resampling'): Resampling {
  if (typeof value === 'string' && (RESAMPLING_METHODS as readonly string[]).includes(value)) return value as Resampling;
  throw new InvalidInputError(`${what} ${JSON.stringify(value) ?? String(value)} is not a resampling method; use one of ${RESAMPLING_METHODS.join(', ')}`);
}

/**
 * The name `gdalwarp -r` takes for a method.
 * @example gdalResampling('nearest') // 'near'
 */
export function gdalResampling(method: Resampling): string {
  return method === 'nearest' ? 'near' : method;
}
