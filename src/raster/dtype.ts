import { InvalidInputError } from '../errors.js';

/** Pixel data types, named as numpy/rasterio name them. */
export type DType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

export type TypedArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

interface DTypeInfo {
  gdal: string;
  bytes: number;
  array: { new (length: number): TypedArray; new (buffer: ArrayBuffer, offset?: number, length?: number): TypedArray };
  integer: boolean;
  min: number;
  max: number;
}

const DTYPES: Record<DType, DTypeInfo> = {
  uint8: { gdal: 'Byte', bytes: 1, array: Uint8Array, integer: true, min: 0, max: 255 },
  int8: { gdal: 'Int8', bytes: 1, array: Int8Array, integer: true, min: -128, max: 127 },
  uint16: { gdal: 'UInt16', bytes: 2, array: Uint16Array, integer: true, min: 0, max: 65535 },
  int16: { gdal: 'Int16', bytes: 2, array: Int16Array, integer: true, min: -32768, max: 32767 },
  uint32: { gdal: 'UInt32', bytes: 4, array: Uint32Array, integer: true, min: 0, max: 4294967295 },
  int32: { gdal: 'Int32', bytes: 4, array: Int32Array, integer: true, min: -2147483648, max: 2147483647 },
  float32: { gdal: 'Float32', bytes: 4, array: Float32Array, integer: false, min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
  float64: { gdal: 'Float64', bytes: 8, array: Float64Array, integer: false, min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
};

export const DTYPE_NAMES = Object.keys(DTYPES) as DType[];

/** Checks a dtype name and returns it. */
export function validateDType(value: unknown, what = 'dtype'): DType {
  if (typeof value === 'string' && value in DTYPES) return value as DType;
  throw new InvalidInputError(`${what} ${JSON.stringify(value)} is not a pixel type; use one of ${DTYPE_NAMES.join(', ')}`);
}

export function dtypeInfo(dtype: DType): DTypeInfo {
  return DTYPES[dtype];
}

/** GDAL's name of a dtype (`float32` → `Float32`). */
export function gdalTypeName(dtype: DType): string {
  return DTYPES[dtype].gdal;
}

/** The dtype of a GDAL type name (`Float32` → `float32`). */
export function dtypeFromGdal(name: string): DType {
  const found = DTYPE_NAMES.find((d) => DTYPES[d].gdal.toLowerCase() === name.toLowerCase());
  if (!found) throw new InvalidInputError(`GDAL data type ${JSON.stringify(name)} is not supported; supported: ${DTYPE_NAMES.map((d) => DTYPES[d].gdal).join(', ')}`);
  return found;
}

/** The dtype a typed array holds. */
export function dtypeOfArray(array: TypedArray): DType {
  const found = DTYPE_NAMES.find((d) => array instanceof DTYPES[d].array);
  if (!found) throw new InvalidInputError(`band of type ${(array as object).constructor?.name} is not a supported typed array`);
  return found;
}

/** The dtype of a TIFF sample (SampleFormat 1 = unsigned, 2 = signed, 3 = float; BitsPerSample). */
export function dtypeFromTiff(sampleFormat: number, bits: number): DType {
  // Unsigned samples of other widths up to 15 bits (GDAL's NBITS: 1-bit masks, a Reprojector's
  // 'bool' output, 12-bit imagery) read as GDAL reads them, into the next whole type, as
  // geotiff.js unpacks them. It unpacks 17 to 31 bits wrongly: those stay unsupported.
  if (sampleFormat === 1 && bits < 16 && bits !== 8) return bits < 8 ? 'uint8' : 'uint16';
  // Half floats (NBITS=16 on Float32) are Float32 in GDAL.
  if (sampleFormat === 3 && bits === 16) return 'float32';
  // Complex samples (5: integer, 6: float) are two numbers each: read as one integer of their
  // total width they would give plausible-looking garbage, so they are refused.
  if (sampleFormat !== 1 && sampleFormat !== 2 && sampleFormat !== 3) {
    throw new InvalidInputError(`TIFF samples of format ${sampleFormat} with ${bits} bits are not supported`);
  }
  const kind = sampleFormat === 3 ? 'float' : sampleFormat === 2 ? 'int' : 'uint';
  const name = `${kind}${bits}`;
  if (name in DTYPES) return name as DType;
  throw new InvalidInputError(`TIFF samples of format ${sampleFormat} with ${bits} bits are not supported`);
}

/** Whether a value can be stored exactly in a dtype (nodata values must be). */
export function fitsDType(value: number, dtype: DType): boolean {
  const info = DTYPES[dtype];
  if (Number.isNaN(value)) return !info.integer;
  if (info.integer) return Number.isInteger(value) && value >= info.min && value <= info.max;
  if (!Number.isFinite(value)) return true;
  return dtype === 'float64' || Math.abs(value) <= info.max;
}
