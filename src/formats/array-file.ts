import type { DType, TypedArray } from '../raster/dtype.js';

/**
 * The multidimensional-array view of a NetCDF or HDF5 file that the CF reading needs, whatever
 * library reads it: variables with named dimensions, attributes, and hyperslab reads. NetCDF-4 and
 * HDF5 files are read by h5wasm (`hdf5-file.ts`), NetCDF-3 classic files by netcdfjs
 * (`netcdf3-file.ts`).
 */
export interface ArrayFile {
  readonly format: 'netcdf3' | 'netcdf4' | 'hdf5';
  readonly globalAttributes: Attributes;
  /** Every data variable (HDF5: every dataset, by path without the leading slash for the root group). */
  readonly variables: readonly ArrayVariable[];
  close(): void;
}

/** Attribute values: text, or numbers (integers beyond 2^53 lose precision, as in GDAL's metadata). */
export type AttributeValue = string | number[];
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** The pixel types geodata handles, plus what a variable may hold that it does not. */
export type ArrayType = DType | 'int64' | 'uint64' | 'string' | 'other';

export interface ArrayVariable {
  /** The name as GDAL spells it in `NETCDF:"file":name` (a group path for variables in groups). */
  readonly name: string;
  readonly shape: readonly number[];
  /** Dimension names, one per axis (`dim0`, `dim1`, ... where the file names none). */
  readonly dimensions: readonly string[];
  /** The stored type (a `_Unsigned = "true"` attribute is not applied here; see `cf-variable.ts`). */
  readonly type: ArrayType;
  readonly attributes: Attributes;
  /**
   * The values of the hyperslab `start`..`start + count` (one entry per axis), in row-major order,
   * as stored (no scale, offset or fill applied).
   */
  read(start: readonly number[], count: readonly number[]): Promise<TypedArray | Float64Array>;
}

/** A numeric attribute's first value, or undefined. */
export function numberAttribute(attributes: Attributes, name: string): number | undefined {
  const value = attributes[name];
  if (Array.isArray(value) && value.length > 0) return value[0];
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** A text attribute, or undefined. */
export function textAttribute(attributes: Attributes, name: string): string | undefined {
  const value = attributes[name];
  return typeof value === 'string' ? value : undefined;
}

/** Bytes per value of the numeric types. */
export const TYPE_BYTES: Record<DType | 'int64' | 'uint64', number> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  float64: 8,
  int64: 8,
  uint64: 8,
};
