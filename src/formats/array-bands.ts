import { FileError, InvalidInputError } from '../errors.js';
import { textAttribute, type ArrayFile, type ArrayVariable } from './array-file.js';
import type { ArraySelection } from './array-selection.js';

/**
 * The variable a selection names, or the file's only variable with two dimensions or more
 * (coordinate variables aside), as GDAL opens a file with a single such variable directly.
 */
export function chooseVariable(file: ArrayFile, selection: ArraySelection | undefined, name: string): ArrayVariable {
  const wanted = selection?.variable;
  const candidates = file.variables.filter((variable) => variable.shape.length >= 2 && !isCoordinate(variable));
  if (wanted !== undefined) {
    const found = file.variables.find((variable) => variable.name === wanted || variable.name === `/${wanted.replace(/^\/+/, '')}`);
    if (found) {
      if (found.shape.length < 2) throw new InvalidInputError(`${name}: variable ${wanted} has ${found.shape.length} dimension(s); a raster needs two or more (choose one of ${list(candidates)})`);
      return found;
    }
    throw new InvalidInputError(`${name} has no variable ${JSON.stringify(wanted)}; it has ${list(candidates)}`);
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new FileError(`${name} has no variable with two dimensions or more to read as a raster`, name);
  const first = candidates[0]!.name;
  throw new InvalidInputError(
    `${name} has several variables (${list(candidates)}); choose one with the variable option ({ variable: '${first}' }) or GDAL's spelling NETCDF:"${name}":${first}`,
  );
}

function isCoordinate(variable: ArrayVariable): boolean {
  return variable.dimensions.length === 1 && variable.dimensions[0] === variable.name;
}

function list(variables: readonly ArrayVariable[]): string {
  return variables.length ? variables.map((variable) => variable.name).join(', ') : 'none with two dimensions or more';
}

/** One band: the position of each extra dimension (all but the last two). */
export type BandPosition = readonly number[];

/**
 * The bands of a variable: every combination of its extra dimensions' steps, the last dimension
 * varying fastest (as GDAL numbers them), except those fixed by the selection's `index` or
 * `value`.
 */
export async function selectBands(file: ArrayFile, variable: ArrayVariable, selection: ArraySelection | undefined, name: string): Promise<BandPosition[]> {
  const extra = variable.dimensions.slice(0, -2);
  const known = new Set(extra);
  for (const dimension of [...Object.keys(selection?.index ?? {}), ...Object.keys(selection?.value ?? {})]) {
    if (!known.has(dimension)) {
      throw new InvalidInputError(
        `${name}: variable ${variable.name} has no extra dimension ${dimension}; ${extra.length ? `its extra dimensions are ${extra.join(', ')}` : 'it has none beyond Y and X'}`,
      );
    }
  }
  const choices: number[][] = [];
  for (const [axis, dimension] of extra.entries()) {
    const size = variable.shape[axis]!;
    const index = selection?.index?.[dimension];
    const value = selection?.value?.[dimension];
    if (index !== undefined) {
      if (index >= size) throw new InvalidInputError(`${name}: index ${index} of dimension ${dimension} is out of range; it has ${size} step(s), 0..${size - 1}`);
      choices.push([index]);
    } else if (value !== undefined) {
      choices.push([await positionOf(file, dimension, size, value, name)]);
    } else {
      choices.push(Array.from({ length: size }, (_, step) => step));
    }
  }
  return choices.reduce<number[][]>((combinations, steps) => combinations.flatMap((head) => steps.map((step) => [...head, step])), [[]]);
}

const UNIT_MS: Record<string, number> = {
  millisecond: 1,
  milliseconds: 1,
  second: 1000,
  seconds: 1000,
  sec: 1000,
  secs: 1000,
  s: 1000,
  minute: 60_000,
  minutes: 60_000,
  min: 60_000,
  mins: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  h: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
  d: 86_400_000,
};
const STANDARD_CALENDARS = new Set(['standard', 'gregorian', 'proleptic_gregorian']);

/** The step of a dimension whose coordinate equals `value` (a number, or a date on a CF time axis). */
async function positionOf(file: ArrayFile, dimension: string, size: number, value: number | string, name: string): Promise<number> {
  const coordinate = file.variables.find((variable) => variable.shape.length === 1 && variable.dimensions[0] === dimension && variable.name.replace(/^.*\//, '') === dimension);
  if (!coordinate) throw new InvalidInputError(`${name}: dimension ${dimension} has no coordinate variable, so it can only be chosen by index ({ index: { ${dimension}: 0 } })`);
  const values = Array.from((await coordinate.read([0], [size])) as ArrayLike<number>);
  if (typeof value === 'number') {
    const found = values.indexOf(value);
    if (found >= 0) return found;
    throw new InvalidInputError(`${name}: dimension ${dimension} has no step at ${value}; its values are ${values.slice(0, 12).join(', ')}${values.length > 12 ? ', ...' : ''}`);
  }
  const units = textAttribute(coordinate.attributes, 'units') ?? '';
  const match = /^\s*(\w+)\s+since\s+(.+?)\s*$/i.exec(units);
  const unitMs = match ? UNIT_MS[match[1]!.toLowerCase()] : undefined;
  const calendar = (textAttribute(coordinate.attributes, 'calendar') ?? 'standard').toLowerCase();
  if (!match || unitMs === undefined || !STANDARD_CALENDARS.has(calendar)) {
    throw new InvalidInputError(
      `${name}: dimension ${dimension} is not a CF time axis with a standard calendar (units ${JSON.stringify(units)}, calendar ${calendar}); choose its step by number or index`,
    );
  }
  const epoch = parseUtc(match[2]!);
  const times = values.map((step) => epoch + step * unitMs);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value.trim());
  const wanted = parseUtc(value);
  if (Number.isNaN(wanted) || Number.isNaN(epoch)) throw new InvalidInputError(`${name}: ${JSON.stringify(value)} is not a date (write 2016-12-29 or 2016-12-29T12:00:00Z)`);
  const found = times.findIndex((time) => (dateOnly ? Math.floor(time / 86_400_000) * 86_400_000 === wanted : Math.abs(time - wanted) < 1));
  if (found >= 0) return found;
  const shown = times.slice(0, 12).map((time) => new Date(Math.round(time)).toISOString());
  throw new InvalidInputError(`${name}: dimension ${dimension} has no step ${dateOnly ? 'on' : 'at'} ${value}; its steps are ${shown.join(', ')}${times.length > 12 ? ', ...' : ''}`);
}

/** A CF reference date (`2016-12-19T10:27:29.687763`, `1900-01-01`, `1900-1-1 0:0:0`) in UTC milliseconds. */
function parseUtc(text: string): number {
  const match = /^(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$/i.exec(text.trim());
  if (!match) return NaN;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)) + (fraction ? Number(fraction) * 1000 : 0);
  if (zone && !/^(Z|UTC)$/i.test(zone)) {
    const [, sign, hours, minutes] = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    time -= (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes ?? 0)) * 60_000;
  }
  return time;
}
