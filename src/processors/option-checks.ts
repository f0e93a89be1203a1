import { InvalidInputError, describeValue } from '../errors.js';
import { creationArgs, type WriteOptions } from '../raster/write-raster.js';
import type { InputRef } from './processor.js';

export { checkOptionKeys } from '../option-keys.js';

/** The `WriteOptions` keys, shared by every processor that writes a GeoTIFF. */
export const WRITE_OPTION_KEYS = ['compress', 'predictor', 'tiled', 'blockSize', 'cog', 'creationOptions'] as const;

/** Checks the write options now (rather than after the work is done) and returns them. */
export function checkWriteOptions(options: Record<string, unknown>): WriteOptions {
  const write: WriteOptions = {};
  for (const key of WRITE_OPTION_KEYS) if (options[key] !== undefined) (write as Record<string, unknown>)[key] = options[key];
  creationArgs(write, { width: 512, height: 512 });
  return write;
}

/** The write options as plain JSON for `settings()`. */
export function writeSettings(write: WriteOptions): Record<string, unknown> {
  return { ...write, ...(write.creationOptions ? { creationOptions: [...write.creationOptions] } : {}) };
}

/** Whether a value is an InputRef (a path or URL, a Blob, bytes). */
export function isInputRef(value: unknown): value is InputRef {
  return (
    (typeof value === 'string' && value !== '') ||
    value instanceof URL ||
    value instanceof Uint8Array ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}

/** A short name of an input for messages: its path or URL, a File's name, or what it is. */
export function describeInput(ref: InputRef): string {
  if (typeof ref === 'string') return ref;
  if (ref instanceof URL) return ref.href;
  if (ref instanceof Uint8Array) return `bytes (${ref.length} B)`;
  if (typeof File !== 'undefined' && ref instanceof File) return ref.name || 'a File';
  return `a Blob (${ref.size} B)`;
}

/** Checks a list of 1-based band numbers. */
export function checkBands(value: unknown, what: string): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((band) => Number.isInteger(band) && band >= 1)) {
    throw new InvalidInputError(`${what} must be a non-empty array of band numbers counted from 1 (for example [3, 2, 1]), got ${JSON.stringify(value)}`);
  }
  return [...value] as number[];
}

/** Checks an optional boolean option. */
export function checkBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new InvalidInputError(`${what} must be true or false, got ${describeValue(value)}`);
}
