import { InvalidInputError } from '../errors.js';

/**
 * One row of a colour table: an elevation (or `'nv'` for nodata, or `'N%'` for a percentage of
 * the value range), then red, green, blue and optionally alpha, each 0–255.
 * @example [[141, 0, 97, 71], [300, 232, 215, 125], ['100%', 255, 255, 255], ['nv', 0, 0, 0, 0]]
 */
export type ReliefColor = [value: number | 'nv' | `${number}%`, red: number, green: number, blue: number, alpha?: number];

/** The text of gdaldem's colour file for these rows (one `value r g b [a]` line each). */
export function colorTableText(colors: unknown, who: string): string {
  if (!Array.isArray(colors) || colors.length === 0) {
    throw new InvalidInputError(`${who} colors must be a non-empty list of [value, red, green, blue, alpha?] rows, got ${JSON.stringify(colors)?.slice(0, 80)}`);
  }
  return colors
    .map((row: unknown, index) => {
      const problem = rowProblem(row);
      if (problem) throw new InvalidInputError(`${who} colors row ${index + 1} ${JSON.stringify(row)}: ${problem}`);
      const [value, ...channels] = row as ReliefColor;
      return `${typeof value === 'number' ? String(value) : value} ${channels.join(' ')}`;
    })
    .join('\n')
    .concat('\n');
}

function rowProblem(row: unknown): string | undefined {
  if (!Array.isArray(row) || row.length < 4 || row.length > 5) return 'a row is [value, red, green, blue] or [value, red, green, blue, alpha]';
  const [value, ...channels] = row as unknown[];
  const validValue =
    (typeof value === 'number' && Number.isFinite(value)) || value === 'nv' || (typeof value === 'string' && /^-?\d+(\.\d+)?%$/.test(value));
  if (!validValue) return "the value must be a finite number, 'nv' (nodata) or a percentage such as '50%'";
  if (!channels.every((channel) => Number.isInteger(channel) && (channel as number) >= 0 && (channel as number) <= 255)) {
    return 'red, green, blue and alpha must be whole numbers from 0 to 255';
  }
  return undefined;
}
