import { FileError } from '../errors.js';
import { dtypeInfo, type TypedArray } from '../raster/dtype.js';
import type { ArrayFile, ArrayVariable } from './array-file.js';
import { chooseVariable, selectBands, type BandPosition } from './array-bands.js';
import type { ArraySelection } from './array-selection.js';
import { cfCrs } from './cf-crs.js';
import { cfGrid, type CfGrid } from './cf-grid.js';
import { bandFacts, type BandFacts } from './cf-variable.js';

/** Rows read at a time are capped to about this many bytes, so a large variable never sits in memory whole. */
const BLOCK_BYTES = 16 * 1024 * 1024;

/**
 * A selected variable of a netCDF or HDF5 file seen as GDAL's netCDF driver shows it: a north-up
 * raster with bands (one per step of its extra dimensions), a grid, a CRS and band facts.
 */
export interface ArrayRaster extends CfGrid, BandFacts {
  file: ArrayFile;
  variable: ArrayVariable;
  bands: BandPosition[];
  crs: string | undefined;
  /** GDAL's band metadata: NETCDF_VARNAME and NETCDF_DIM_<name> of each band. */
  bandMetadata: Array<Record<string, string>>;
}

/**
 * Describes what `selection` picks in `file` the way GDAL does for `NETCDF:"name":variable`.
 * @example const raster = await describeArrayRaster(file, { variable: 'blue', index: { time: 0 } }, 'planet.nc');
 */
export async function describeArrayRaster(file: ArrayFile, selection: ArraySelection | undefined, name: string): Promise<ArrayRaster> {
  const variable = chooseVariable(file, selection, name);
  const facts = bandFacts(variable, name, { defaultFill: file.format !== 'hdf5' });
  const { crs, gridMapping } = cfCrs(file, variable);
  // A plain HDF5 file is read as GDAL's HDF5 driver reads it: rows as stored, no netCDF defaults.
  const grid = file.format === 'hdf5' ? { ...(await cfGrid(file, variable, gridMapping)), bottomUp: false } : await cfGrid(file, variable, gridMapping);
  const bands = await selectBands(file, variable, selection, name);
  if (bands.length === 0) throw new FileError(`${name}: variable ${variable.name} has an empty dimension, so no band to read`, name);
  const extra = variable.dimensions.slice(0, -2);
  const coordinates = await Promise.all(extra.map((dimension, axis) => coordinateValues(file, dimension, variable.shape[axis]!)));
  const bandMetadata = bands.map((position) => ({
    NETCDF_VARNAME: variable.name,
    ...Object.fromEntries(extra.map((dimension, axis) => [`NETCDF_DIM_${dimension}`, String(coordinates[axis]?.[position[axis]!] ?? position[axis]! + 1)])),
  }));
  return { file, variable, ...grid, ...facts, bands, crs, bandMetadata };
}

async function coordinateValues(file: ArrayFile, dimension: string, size: number): Promise<number[] | undefined> {
  const coordinate = file.variables.find((variable) => variable.shape.length === 1 && variable.shape[0] === size && variable.name.replace(/^.*\//, '') === dimension);
  if (!coordinate || ['string', 'other'].includes(coordinate.type)) return undefined;
  return Array.from((await coordinate.read([0], [size])) as ArrayLike<number>);
}

/**
 * Reads one band in blocks of rows, north first (reversing a bottom-up file), and hands each
 * block to `sink` as little-endian bytes of the band's type.
 */
export async function readBandBlocks(raster: ArrayRaster, band: number, sink: (bytes: Uint8Array) => Promise<void>): Promise<void> {
  const { width, height, variable } = raster;
  const bytesPerValue = dtypeInfo(raster.dtype).bytes;
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / (width * bytesPerValue)));
  const position = raster.bands[band]!;
  for (let first = 0; first < height; first += rowsPerBlock) {
    const rows = Math.min(rowsPerBlock, height - first);
    // North first: a bottom-up file's northern rows are at its end.
    const fileRow = raster.bottomUp ? height - first - rows : first;
    const values = await variable.read([...position, fileRow, 0], [...position.map(() => 1), rows, width]);
    const bytes = toLittleEndianBytes(values, raster, rows * width);
    if (raster.validRange) outsideRangeAsNodata(bytes, raster, raster.validRange);
    if (raster.bottomUp) await sink(reverseRows(bytes, rows, width * bytesPerValue));
    else await sink(bytes);
  }
}

/** Reads one whole band as a typed array of the band's type (for `readRaster`). */
export async function readBand(raster: ArrayRaster, band: number): Promise<TypedArray> {
  const info = dtypeInfo(raster.dtype);
  const out = new Uint8Array(raster.width * raster.height * info.bytes);
  let offset = 0;
  await readBandBlocks(raster, band, async (bytes) => {
    out.set(bytes, offset);
    offset += bytes.length;
  });
  return new info.array(out.buffer, 0, raster.width * raster.height);
}

/** The values' bytes in the band's type: stored values as they are (an `_Unsigned` type reinterprets their bits). */
function toLittleEndianBytes(values: TypedArray | Float64Array, raster: ArrayRaster, count: number): Uint8Array {
  const info = dtypeInfo(raster.dtype);
  if (values.length !== count) throw new FileError(`${raster.variable.name}: read ${values.length} values where ${count} were expected`, raster.variable.name);
  // Stored types read as the band's own array type (or, with _Unsigned, its signed twin of the same size).
  if (values.BYTES_PER_ELEMENT === info.bytes && !(values instanceof Float64Array && raster.dtype !== 'float64')) {
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }
  const converted = new info.array(count);
  converted.set(values as ArrayLike<number>);
  return new Uint8Array(converted.buffer);
}

/** Values outside the valid range become nodata (0 without one), as GDAL's netCDF driver reads them. */
function outsideRangeAsNodata(bytes: Uint8Array, raster: ArrayRaster, [min, max]: [number, number]): void {
  const info = dtypeInfo(raster.dtype);
  const values = new info.array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / info.bytes);
  const nodata = raster.nodata ?? 0;
  // A bound equal to nodata is no bound: the nodata itself stays.
  const checkMin = min !== nodata;
  const checkMax = max !== nodata;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if ((checkMin && value < min) || (checkMax && value > max)) values[i] = nodata;
  }
}

function reverseRows(bytes: Uint8Array, rows: number, rowBytes: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let row = 0; row < rows; row++) out.set(bytes.subarray(row * rowBytes, (row + 1) * rowBytes), (rows - 1 - row) * rowBytes);
  return out;
}
