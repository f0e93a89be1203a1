import { InvalidInputError } from '../errors.js';
import { DTYPE_NAMES, type DType, fitsDType, gdalTypeName } from '../raster/dtype.js';

/**
 * The pixel type of a processor's output: a dtype, or `'bool'`, a 1-bit GeoTIFF (GDAL's Byte with
 * `NBITS=1`). Writing to `'bool'` converts to Byte first (negative values become 0, others are
 * clamped to 255) and then keeps 0 as 0 and stores anything larger as 1.
 */
export type OutputDType = DType | 'bool';

/** Checks an output type name and returns it. */
export function validateOutputDType(value: unknown, what: string): OutputDType {
  if (value === 'bool' || (typeof value === 'string' && (DTYPE_NAMES as string[]).includes(value))) return value as OutputDType;
  throw new InvalidInputError(`${what} ${JSON.stringify(value) ?? String(value)} is not a pixel type; use one of ${[...DTYPE_NAMES, 'bool'].join(', ')}`);
}

/** Whether the type stores floating-point values (NaN can be its nodata). */
export function isFloatType(dtype: OutputDType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Whether `value` can be stored exactly in the type (for `bool`: 0 or 1). */
export function fitsOutputType(value: number, dtype: OutputDType): boolean {
  return dtype === 'bool' ? value === 0 || value === 1 : fitsDType(value, dtype);
}

/** `-ot <GDAL type>` for GDAL's programs. */
export function typeArgs(dtype: OutputDType): string[] {
  return ['-ot', dtype === 'bool' ? 'Byte' : gdalTypeName(dtype)];
}

/** Creation options the type needs on top of the user's (1 bit per pixel for `bool`). */
export function typeCreationOptions(dtype: OutputDType): string[] {
  return dtype === 'bool' ? ['-co', 'NBITS=1'] : [];
}

/**
 * A number for `settings()`: JSON has no NaN or infinities, so those become strings
 * (`'NaN'`, `'Infinity'`, `'-Infinity'`), which never collide with a finite value.
 */
export function jsonNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** Checks an optional number option (finite unless `allowNaN`); returns it. */
export function checkNumber(value: unknown, what: string, options: { allowNaN?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && (Number.isFinite(value) || (options.allowNaN && Number.isNaN(value)))) return value;
  throw new InvalidInputError(`${what} must be a finite number${options.allowNaN ? ' or NaN' : ''}, got ${JSON.stringify(value) ?? String(value)}`);
}

/** Checks a scalar or per-band list of finite numbers (band scales and offsets). */
export function checkPerBand(value: unknown, what: string): number | number[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return [...value] as number[];
  throw new InvalidInputError(`${what} must be a finite number (for every band) or a non-empty array of finite numbers (one per band), got ${JSON.stringify(value)}`);
}

/** Expands a scalar to every band; checks a list's length against the band count. */
export function expandPerBand(value: number | number[], bandCount: number, what: string): number[] {
  if (typeof value === 'number') return Array.from({ length: bandCount }, () => value);
  if (value.length !== bandCount) {
    throw new InvalidInputError(`${what} has ${value.length} values but the output has ${bandCount} band(s); give one value per band, or a single number for all`);
  }
  return value;
}

/** Two values equal as pixel values: NaN equals NaN. */
export function samePixelValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
