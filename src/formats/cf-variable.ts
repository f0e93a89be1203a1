import { FileError } from '../errors.js';
import { dtypeInfo, type DType } from '../raster/dtype.js';
import { numberAttribute, textAttribute, type ArrayVariable } from './array-file.js';
import { splitSubdataset } from './array-selection.js';

/** The band facts GDAL's netCDF driver gives a variable: pixel type, nodata, scale, offset, unit. */
export interface BandFacts {
  dtype: DType;
  /** Bits to reinterpret the stored values as unsigned (`_Unsigned = "true"` on a signed type). */
  unsignedFrom?: 'int8' | 'int16' | 'int32';
  nodata: number | undefined;
  scale: number | undefined;
  offset: number | undefined;
  unit: string | undefined;
  /**
   * `valid_range` (or `valid_min` with `valid_max`) in stored values: GDAL's netCDF driver reads
   * values outside it as nodata (as 0 without one).
   */
  validRange?: [number, number];
}

/**
 * netCDF's default fill values, which GDAL reports as nodata when a variable has neither
 * `_FillValue` nor `missing_value` (except for bytes, where GDAL finds that too risky).
 */
const DEFAULT_FILL: Partial<Record<DType, number>> = {
  int16: -32767,
  uint16: 65535,
  int32: -2147483647,
  uint32: 4294967295,
  float32: Math.fround(9.969209968386869e36),
  float64: 9.969209968386869e36,
};

const UNSIGNED: Record<string, DType> = { int8: 'uint8', int16: 'uint16', int32: 'uint32' };
const BITS: Record<string, number> = { int8: 8, int16: 16, int32: 32 };

/**
 * The band facts of a variable the way GDAL 3.6's netCDF driver reads them: `_Unsigned = "true"`
 * turns a signed type unsigned (and its fill value with it); nodata is `_FillValue`, else
 * `missing_value`, else netCDF's default fill for the type (not in plain HDF5 files, as GDAL's HDF5 driver); `scale_factor` and `add_offset` become
 * the band's scale and offset while the values stay raw; `units` becomes the band's unit.
 *
 * @example bandFacts(variable, 'tmmx.nc') // { dtype: 'uint16', nodata: 32767, scale: 0.1, offset: 220, unit: 'K' }
 */
export function bandFacts(variable: ArrayVariable, file: string, options: { defaultFill?: boolean } = {}): BandFacts {
  const { attributes, type } = variable;
  if (type === 'int64' || type === 'uint64' || type === 'string' || type === 'other') {
    // `file` names the input as the user spelled it, which may already be NETCDF:"f.nc":v.
    const path = splitSubdataset(file)?.path ?? file;
    const gdalName = options.defaultFill === false ? `HDF5:"${path}"://${variable.name.replace(/^\/+/, '')}` : `NETCDF:"${path}":${variable.name}`;
    throw new FileError(
      `${file}: variable ${variable.name} holds ${type === 'other' || type === 'string' ? 'values that are not numbers' : `${type} values`}, which geodata cannot read as pixels; ` +
        `convert it with native GDAL (gdal_translate -ot Float64 '${gdalName}' out.tif)`,
      file,
    );
  }
  const unsigned = textAttribute(attributes, '_Unsigned')?.toLowerCase() === 'true' && type in UNSIGNED;
  const dtype = unsigned ? UNSIGNED[type]! : type;
  let nodata = numberAttribute(attributes, '_FillValue') ?? numberAttribute(attributes, 'missing_value');
  if (nodata !== undefined && unsigned && nodata < 0) nodata += 2 ** BITS[type]!;
  if (nodata === undefined && options.defaultFill !== false) nodata = DEFAULT_FILL[dtype];
  // GDAL 3.6 applies a valid range to _Unsigned variables inconsistently (its own nodata lands
  // inside the range), so those are left as stored; plain HDF5 files have none (GDAL's HDF5 driver).
  const validRange = unsigned || options.defaultFill === false ? undefined : validRangeOf(variable, dtype);
  return {
    dtype,
    ...(unsigned ? { unsignedFrom: type as 'int8' | 'int16' | 'int32' } : {}),
    ...(validRange ? { validRange } : {}),
    nodata,
    scale: numberAttribute(attributes, 'scale_factor'),
    offset: numberAttribute(attributes, 'add_offset'),
    unit: textAttribute(attributes, 'units'),
  };
}

/**
 * A variable's valid range as GDAL's netCDF driver takes it: `valid_range` (two values), else
 * `valid_min` and `valid_max` together (one alone is ignored), cast to an integer type's values.
 */
function validRangeOf(variable: ArrayVariable, dtype: DType): [number, number] | undefined {
  const { attributes } = variable;
  const range = attributes.valid_range;
  let bounds: number[] | undefined;
  if (Array.isArray(range) && range.length === 2) bounds = range as number[];
  else {
    const min = numberAttribute(attributes, 'valid_min');
    const max = numberAttribute(attributes, 'valid_max');
    if (min !== undefined && max !== undefined) bounds = [min, max];
  }
  if (!bounds || !bounds.every(Number.isFinite)) return undefined;
  const cast = dtypeInfo(dtype).integer ? Math.trunc : (value: number) => value;
  return [cast(bounds[0]!), cast(bounds[1]!)];
}
