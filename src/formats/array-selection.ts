import { InvalidInputError, describeValue } from '../errors.js';

/**
 * Which part of a netCDF or HDF5 file to read as a raster.
 *
 * - `variable`: the variable (netCDF; `/group/name` inside groups) or dataset path (HDF5,
 *   `/group/name`). Needed when the file has more than one 2-D variable.
 * - `index`: extra dimensions (beyond the last two, Y and X) by position, counted from 0:
 *   `{ time: 0 }`.
 * - `value`: extra dimensions by coordinate value: a number is matched against the coordinate
 *   variable's values, a string as a date or date-time against a CF time axis
 *   (`units: "days since 1900-01-01"`): `{ time: '2016-12-29' }` picks the step on that (UTC)
 *   day, `'2016-12-29T12:52:42Z'` the step at that instant.
 *
 * An extra dimension chosen neither way becomes bands, one per step, as GDAL presents it.
 *
 * @example new Reprojector('PLANET_SCOPE_3D.nc', { variable: 'blue', index: { time: 1 } })
 * @example await readRaster('tmmx.nc', { variable: 'air_temperature' })
 */
export interface ArraySelection {
  variable?: string;
  index?: Readonly<Record<string, number>>;
  value?: Readonly<Record<string, number | string>>;
}

/** An input path with the part of it to read (from GDAL's `NETCDF:"file":var` spelling or options). */
export interface SelectedInput {
  path: string;
  selection: ArraySelection;
}

const GDAL_SPELLING = /^(NETCDF|HDF5):("([^"]*)"|([^:]*(:[\\/][^:]*)?)):(.+)$/i;

/**
 * Splits GDAL's subdataset spellings into the file and the selection: `NETCDF:"file.nc":var`,
 * `NETCDF:file.nc:var`, `HDF5:"file.h5"://group/dataset`. Anything else is returned unchanged.
 * @example splitSubdataset('NETCDF:"data/tmmx.nc":air_temperature') // { path: 'data/tmmx.nc', selection: { variable: 'air_temperature' } }
 */
export function splitSubdataset(input: string): SelectedInput | undefined {
  const match = GDAL_SPELLING.exec(input.trim());
  if (!match) return undefined;
  const path = match[3] ?? match[4]!;
  let variable = match[6]!;
  // GDAL's HDF5 driver writes dataset paths with a leading `//`.
  if (match[1]!.toUpperCase() === 'HDF5') variable = `/${variable.replace(/^\/+/, '')}`;
  if (path === '' || variable === '') return undefined;
  return { path, selection: { variable } };
}

/** Checks a selection given as options (`variable`, `index`, `value`) and returns it, or undefined when empty. */
export function checkSelection(options: { variable?: unknown; index?: unknown; value?: unknown }, who: string): ArraySelection | undefined {
  const { variable, index, value } = options;
  if (variable !== undefined && (typeof variable !== 'string' || variable.trim() === '')) {
    throw new InvalidInputError(`${who} variable must be the name of a netCDF variable or HDF5 dataset (for example 'air_temperature'), got ${describeValue(variable)}`);
  }
  const checkedIndex = checkRecord(index, `${who} index`, (item) => Number.isInteger(item) && (item as number) >= 0, 'a position counted from 0');
  const checkedValue = checkRecord(value, `${who} value`, (item) => (typeof item === 'number' && Number.isFinite(item)) || (typeof item === 'string' && item.trim() !== ''), 'a number or a date');
  for (const name of Object.keys(checkedIndex ?? {})) {
    if (checkedValue && name in checkedValue) throw new InvalidInputError(`${who} chooses dimension ${name} both by index and by value; keep one`);
  }
  const selection: ArraySelection = {
    ...(variable !== undefined ? { variable: (variable as string).trim() } : {}),
    ...(checkedIndex ? { index: checkedIndex as Record<string, number> } : {}),
    ...(checkedValue ? { value: checkedValue as Record<string, number | string> } : {}),
  };
  return Object.keys(selection).length ? selection : undefined;
}

function checkRecord(value: unknown, what: string, valid: (item: unknown) => boolean, expected: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InvalidInputError(`${what} must map dimension names to ${expected}s (for example { time: 0 }), got ${describeValue(value)}`);
  for (const [name, item] of Object.entries(value)) {
    if (!valid(item)) throw new InvalidInputError(`${what}.${name} must be ${expected}, got ${describeValue(item)}`);
  }
  return Object.keys(value).length ? { ...value } : undefined;
}

/** Merges a selection from GDAL's spelling with one from options (the spelling's variable wins only if options name none; naming two is an error). */
export function mergeSelections(fromInput: ArraySelection | undefined, fromOptions: ArraySelection | undefined, who: string): ArraySelection | undefined {
  if (!fromInput) return fromOptions;
  if (!fromOptions) return fromInput;
  if (fromOptions.variable !== undefined && fromInput.variable !== undefined && fromOptions.variable !== fromInput.variable) {
    throw new InvalidInputError(`${who} names variable ${fromInput.variable} in its input and ${fromOptions.variable} in its options; keep one`);
  }
  return { ...fromOptions, ...fromInput };
}

/** The selection as plain JSON (keys sorted), for settings and cache keys. */
export function selectionJson(selection: ArraySelection): Record<string, unknown> {
  const sorted = (record: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
  return {
    ...(selection.variable !== undefined ? { variable: selection.variable } : {}),
    ...(selection.index ? { index: sorted(selection.index) } : {}),
    ...(selection.value ? { value: sorted(selection.value) } : {}),
  };
}
