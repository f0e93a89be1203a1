import type { Dataset, File as H5File, Group } from 'h5wasm';
import { FileError } from '../errors.js';
import type { TypedArray } from '../raster/dtype.js';
import type { ArrayFile, ArrayType, ArrayVariable, AttributeValue, Attributes } from './array-file.js';

/** The h5wasm module: its Node build (host files by path) or its browser build (an in-memory file system). */
export type H5Wasm = typeof import('h5wasm');

/** What netCDF-4 writes on a dimension that has no coordinate variable. */
const NOT_A_VARIABLE = 'This is a netCDF dimension but not a netCDF variable';
/** Attributes that belong to HDF5's dimension-scale machinery or netCDF-4's bookkeeping, not to the data. */
const HIDDEN_ATTRIBUTES = new Set(['DIMENSION_LIST', 'REFERENCE_LIST', 'CLASS', 'NAME', '_Netcdf4Dimid', '_Netcdf4Coordinates', '_nc3_strict', '_NCProperties']);

/**
 * An HDF5 file (netCDF-4 files are HDF5 files) read through h5wasm: datasets as variables, HDF5
 * dimension scales as named dimensions (what netCDF-4 writes), attributes as numbers or text.
 * Reads are hyperslabs: HDF5 decompresses only the chunks a slice touches.
 *
 * @example
 * const file = openHdf5File(await loadHdf5(), '/data/tmmx.nc', 'tmmx.nc');
 * const temperature = file.variables.find((v) => v.name === 'air_temperature');
 */
export function openHdf5File(h5: H5Wasm, path: string, name: string): ArrayFile {
  let file: H5File;
  try {
    file = new h5.File(path, 'r');
  } catch (error) {
    throw new FileError(`${name} cannot be opened as an HDF5 (netCDF-4) file: ${(error as Error).message}`, name, { cause: error });
  }
  const globalAttributes = readAttributes(file);
  const isNetcdf = '_NCProperties' in file.attrs || hasDimensionScales(file);
  const variables: ArrayVariable[] = [];
  for (const dataset of datasets(h5, file, '')) {
    if (isNetcdf && String(dataset.attrs['NAME']?.value ?? '').startsWith(NOT_A_VARIABLE)) continue;
    variables.push(hdf5Variable(dataset, isNetcdf));
  }
  return {
    format: isNetcdf ? 'netcdf4' : 'hdf5',
    globalAttributes,
    variables,
    close: () => {
      file.close();
    },
  };
}

function* datasets(h5: H5Wasm, group: Group, prefix: string): Generator<Dataset> {
  for (const key of group.keys()) {
    const entity = group.get(key);
    if (entity instanceof h5.Dataset) yield entity;
    else if (entity instanceof h5.Group) yield* datasets(h5, entity, `${prefix}${key}/`);
  }
}

function hasDimensionScales(file: H5File): boolean {
  for (const key of file.keys()) {
    const entity = file.get(key) as Dataset | null;
    if (entity && 'attrs' in entity && String(entity.attrs['CLASS']?.value ?? '') === 'DIMENSION_SCALE') return true;
  }
  return false;
}

function hdf5Variable(dataset: Dataset, isNetcdf: boolean): ArrayVariable {
  const shape = dataset.shape ?? [];
  const type = arrayType(dataset);
  const path = dataset.path.replace(/^\//, '');
  const dimensions = shape.map((_, axis) => {
    try {
      const scale = dataset.get_attached_scales(axis)[0];
      // Unnamed axes get GDAL's multidimensional names (dim0, dim1, ...), so an index can name them.
      return scale ? scale.slice(scale.lastIndexOf('/') + 1) : `dim${axis}`;
    } catch {
      return `dim${axis}`;
    }
  });
  // A coordinate variable is its own dimension scale.
  if (isNetcdf && shape.length === 1 && dimensions[0] === 'dim0' && dataset.get_scale_name() !== null) dimensions[0] = path.slice(path.lastIndexOf('/') + 1);
  const littleEndian = dataset.metadata.littleEndian;
  return {
    name: isNetcdf && !path.includes('/') ? path : `/${path}`,
    shape,
    dimensions,
    type,
    attributes: readAttributes(dataset),
    async read(start, count) {
      const ranges = start.map((first, axis) => [first, first + count[axis]!] as [number, number]);
      const values = shape.length === 0 ? dataset.value : dataset.slice(ranges);
      return toNumbers(values, littleEndian, dataset.path);
    },
  };
}

function arrayType(dataset: Dataset): ArrayType {
  const { type, size, signed } = dataset.metadata;
  if (type === 0) {
    if (size === 8) return signed ? 'int64' : 'uint64';
    return `${signed ? 'int' : 'uint'}${size * 8}` as ArrayType;
  }
  if (type === 1) return size === 4 ? 'float32' : size === 8 ? 'float64' : 'other';
  if (type === 3) return 'string';
  return 'other';
}

function toNumbers(values: unknown, littleEndian: boolean, path: string): TypedArray | Float64Array {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return Float64Array.from(values, Number);
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    const array = values as TypedArray;
    if (!littleEndian && array.BYTES_PER_ELEMENT > 1) swapBytes(array);
    return array;
  }
  if (typeof values === 'number') return Float64Array.of(values);
  throw new FileError(`the HDF5 dataset ${path} does not hold numbers`, path);
}

/** h5wasm hands big-endian datasets over as stored; JavaScript's typed arrays are little-endian here. */
function swapBytes(array: TypedArray): void {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const size = array.BYTES_PER_ELEMENT;
  for (let offset = 0; offset < bytes.length; offset += size) bytes.subarray(offset, offset + size).reverse();
}

function readAttributes(entity: { attrs: Record<string, { value: unknown; metadata: { type: number } }> }): Attributes {
  const attributes: Record<string, AttributeValue> = {};
  for (const [name, attribute] of Object.entries(entity.attrs)) {
    if (HIDDEN_ATTRIBUTES.has(name)) continue;
    let value: unknown;
    try {
      value = attribute.value;
    } catch {
      continue;
    }
    const converted = attributeValue(value);
    if (converted !== undefined) attributes[name] = converted;
  }
  return attributes;
}

function attributeValue(value: unknown): AttributeValue | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return [Number(value)];
  if (typeof value === 'boolean') return [value ? 1 : 0];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number | bigint>, Number);
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string')) return value.join(',');
    if (value.every((item) => typeof item === 'number' || typeof item === 'bigint')) return value.map(Number);
  }
  return undefined;
}
