import type { GeoTransform } from '../spec/affine.js';
import { numberAttribute, textAttribute, type ArrayFile, type ArrayVariable, type Attributes } from './array-file.js';

/** Where a variable's pixels sit: its geotransform (when the coordinates give one) and row order. */
export interface CfGrid {
  width: number;
  height: number;
  /** GDAL order; undefined when the coordinates are missing, 2-D or not evenly spaced (as in GDAL). */
  geoTransform?: GeoTransform;
  /**
   * The file's first row is the southernmost: rows are read in reverse so the raster is north-up,
   * as GDAL presents it. Also true, as in GDAL, when there is no Y coordinate at all.
   */
  bottomUp: boolean;
}

/**
 * The grid of a variable's last two dimensions (Y, X) as GDAL 3.6's netCDF driver derives it from
 * 1-D coordinate variables: pixel-is-area edges half a cell beyond the first and last centres,
 * north-up (rows flipped when Y increases), and nothing when the spacing is uneven (GDAL compares
 * the first, middle and last steps, in thousandths, within one).
 *
 * @example cfGrid(file, variable, gridMapping) // { width: 1386, height: 585, geoTransform: [-124.79, 0.0417, 0, 49.42, 0, -0.0417], bottomUp: false }
 */
export async function cfGrid(file: ArrayFile, variable: ArrayVariable, gridMapping: Attributes | undefined): Promise<CfGrid> {
  const rank = variable.shape.length;
  const width = variable.shape[rank - 1] ?? 1;
  const height = rank >= 2 ? variable.shape[rank - 2]! : 1;
  const xName = variable.dimensions[rank - 1];
  const yName = rank >= 2 ? variable.dimensions[rank - 2] : undefined;
  const xVariable = coordinateVariable(file, xName, width);
  const yVariable = coordinateVariable(file, yName, height);
  // GDAL ignores coordinates whose axis it cannot tell apart (plain `x`, `y` without attributes)
  // and then keeps its default row order, bottom-up.
  if (!xVariable || !yVariable || !isAxis(xVariable, 'x') || !isAxis(yVariable, 'y')) return { width, height, bottomUp: true };
  const factor = radiansToMetres(gridMapping, xVariable.attributes);
  const read = scaled(await readAll(xVariable), factor);
  const xs = isLongitude(xVariable, gridMapping) ? centredLongitudes(read) : read;
  const ys = scaled(await readAll(yVariable), factor);
  let [yMin, yMax] = [ys[0]!, ys[height - 1]!];
  const bottomUp = yMin <= yMax;
  if (!bottomUp) [yMin, yMax] = [yMax, yMin];
  if (width < 2 || height < 2) return { width, height, bottomUp };
  // Without a geotransform GDAL keeps its default row order, bottom-up, whichever way Y runs.
  if (!evenlySpaced(xs) || !evenlySpaced(ys)) return { width, height, bottomUp: true };
  const xRes = (xs[width - 1]! - xs[0]!) / (width - 1);
  const yRes = (yMin - yMax) / (height - 1);
  return { width, height, bottomUp, geoTransform: [xs[0]! - xRes / 2, xRes, 0, yMax - yRes / 2, 0, yRes] };
}

const AXIS_NAMES = { x: ['lon', 'longitude'], y: ['lat', 'latitude'] };
const AXIS_STANDARD_NAMES = { x: ['projection_x_coordinate', 'longitude'], y: ['projection_y_coordinate', 'latitude'] };
const DEGREE_UNITS = {
  x: ['degrees_east', 'degree_east', 'degree_e', 'degrees_e', 'degreee', 'degreese'],
  y: ['degrees_north', 'degree_north', 'degree_n', 'degrees_n', 'degreen', 'degreesn'],
};

/**
 * Whether GDAL 3.6 takes a coordinate variable for the X (or Y) axis: named lon/longitude
 * (lat/latitude), or with `axis`, a projection or geographic `standard_name`, or degree units
 * saying so. A bare `x` is "not specific enough" for it, and so for us.
 */
function isAxis(variable: ArrayVariable, axis: 'x' | 'y'): boolean {
  const name = baseName(variable.name).toLowerCase();
  const { attributes } = variable;
  return (
    AXIS_NAMES[axis].includes(name) ||
    textAttribute(attributes, 'axis')?.toLowerCase() === axis ||
    AXIS_STANDARD_NAMES[axis].includes(textAttribute(attributes, 'standard_name') ?? '') ||
    DEGREE_UNITS[axis].includes(textAttribute(attributes, 'units')?.toLowerCase() ?? '')
  );
}

/**
 * Whether GDAL takes an X coordinate for longitudes, which it moves to -180..180: degree units,
 * or no units and nothing saying it is a projection coordinate (metres, `projection_x_coordinate`,
 * a projected grid mapping).
 */
function isLongitude(variable: ArrayVariable, gridMapping: Attributes | undefined): boolean {
  const mapping = gridMapping ? textAttribute(gridMapping, 'grid_mapping_name') : undefined;
  if (mapping !== undefined && mapping !== 'latitude_longitude') return false;
  const units = textAttribute(variable.attributes, 'units')?.toLowerCase();
  if (units !== undefined) return DEGREE_UNITS.x.includes(units) || units.startsWith('degree');
  return textAttribute(variable.attributes, 'standard_name') !== 'projection_x_coordinate';
}

/**
 * Longitudes as GDAL 3.6's netCDF driver places them (GDAL_NETCDF_CENTERLONG_180, on by default):
 * a row that wraps (357.5, 358.5, ..., 0.5, 1.5) continues below the wrap (-2.5, ..., 1.5), and a
 * row lying wholly east of 180° (0..360 data over Europe: 350.5, ..., 359.5) moves to -180..180.
 * Without this a warp onto a grid west of Greenwich finds no overlap.
 */
function centredLongitudes(values: Float64Array): Float64Array {
  const out = Float64Array.from(values);
  const increasing = out.length > 1 && out[out.length - 1]! > out[0]!;
  const drops = out.reduce((count, value, index) => (index > 0 && value < out[index - 1]! ? count + 1 : count), 0);
  // One drop in an otherwise increasing row that ends below where it began: the wrap at 360 (or 180).
  const wrap = drops === 1 && !increasing ? out.findIndex((value, index) => index > 0 && value < out[index - 1]!) : -1;
  for (let index = 0; index < wrap; index += 1) out[index] = out[index]! - 360;
  if (Math.min(...out) > 180) for (let index = 0; index < out.length; index += 1) out[index] = out[index]! - 360;
  return out;
}

/** The 1-D variable named like the dimension and as long: netCDF's coordinate variable. */
function coordinateVariable(file: ArrayFile, dimension: string | undefined, length: number): ArrayVariable | undefined {
  if (!dimension) return undefined;
  return file.variables.find((candidate) => candidate.shape.length === 1 && candidate.shape[0] === length && baseName(candidate.name) === dimension && typeof candidate.type === 'string' && !['string', 'other'].includes(candidate.type));
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

async function readAll(variable: ArrayVariable): Promise<Float64Array> {
  return Float64Array.from(await variable.read([0], [variable.shape[0]!]) as ArrayLike<number>);
}

/** Geostationary grids may give their coordinates as scanning angles: GDAL multiplies them by the satellite height. */
function radiansToMetres(gridMapping: Attributes | undefined, coordinate: Attributes): number {
  if (textAttribute(gridMapping ?? {}, 'grid_mapping_name') !== 'geostationary') return 1;
  const units = textAttribute(coordinate, 'units')?.toLowerCase();
  const height = numberAttribute(gridMapping!, 'perspective_point_height');
  if (height === undefined) return 1;
  if (units === 'rad' || units === 'radian' || units === 'radians') return height;
  if (units === 'microradian' || units === 'microradians') return height * 1e-6;
  return 1;
}

function scaled(values: Float64Array, factor: number): Float64Array {
  return factor === 1 ? values : values.map((value) => value * factor);
}

/** GDAL's test: the first, middle and last steps, rounded to thousandths, differ by one at most. */
function evenlySpaced(values: Float64Array): boolean {
  const n = values.length;
  if (n <= 2) return true;
  const middle = Math.floor(n / 2);
  const begin = Math.abs(roundHalfAway((values[1]! - values[0]!) * 1000));
  const centre = Math.abs(roundHalfAway((values[middle + 1 < n ? middle + 1 : middle]! - values[middle + 1 < n ? middle : middle - 1]!) * 1000));
  const last = Math.abs(roundHalfAway((values[n - 1]! - values[n - 2]!) * 1000));
  return Math.abs(begin - last) <= 1 && Math.abs(begin - centre) <= 1 && Math.abs(centre - last) <= 1;
}

/** C's `round`: halves away from zero (JavaScript's Math.round takes them up). */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}
