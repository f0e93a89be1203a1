// Human-readable formatting of hashes, sizes, ages, tables and errors: the CLI and the browse page share it (no Node builtins).
import { GeodataError } from './errors.js';

/** A hash as printed: 12 characters unless the user asked for full hashes. */
export function shortHash(hash: string | null | undefined, full: boolean): string {
  if (!hash) return '-';
  return full ? hash : hash.slice(0, 12);
}

/**
 * Bytes in the largest unit that keeps the number at least 1 (1000-based, as `ls -h --si`), one
 * decimal below 10. The unit is chosen after rounding, so 999 999 bytes are `1.0 MB`, not
 * `1000 kB`, and 9 960 are `10 kB`, not `10.0 kB`.
 * @example formatBytes(15_300) // '15 kB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  for (let unit = 0; ; unit++) {
    const value = bytes / 1000 ** (unit + 1);
    const tenths = Math.round(value * 10) / 10;
    if (tenths < 10) return `${tenths.toFixed(1)} ${units[unit]}`;
    const whole = Math.round(value);
    if (whole < 1000 || unit === units.length - 1) return `${whole} ${units[unit]}`;
  }
}

/** How long ago an ISO time was: `40s ago`, `5m ago`, `3h ago`, `12d ago`. */
export function formatAge(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return '-';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** Rows under a header, columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `3 fresh, 1 stale` from counts, leaving out zeros (or `none`). */
export function countsLine(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${count} ${name.replace('-', ' ')}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** A parameters value on one line, shortened. */
export function oneLine(value: unknown, max = 60): string {
  const text = value === undefined || value === null ? '-' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/**
 * An error as one line for people: geodata's own errors and plain `Error`s by their message
 * (which says what to do), other errors with their name in front (`TypeError: ...`).
 * @example describeError(new TypeError('x is not a function')) // 'TypeError: x is not a function'
 */
export function describeError(error: unknown): string {
  if (error instanceof GeodataError) return error.message;
  if (error instanceof Error) return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return thrownText(error);
}

/**
 * What a thrown value that is not an Error says: `throw { code: 42 }` would read "[object Object]",
 * and an Error of another realm (a vm context) is no `instanceof Error` but has its message.
 */
export function thrownText(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const message = (value as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  try {
    const text = JSON.stringify(value);
    if (text !== undefined && text !== '{}') return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  } catch {
    // A cycle or a BigInt: the class name below still says something.
  }
  let text = '[object Object]';
  try {
    text = String(value);
  } catch {
    // No toString (an object without a prototype): described below.
  }
  return text === '[object Object]' ? `an object (${value.constructor?.name ?? 'no class'}) with no message` : text;
}
