/**
 * Typed errors. Callers branch on the class; people read the message, which names the input
 * that was wrong and what to do about it.
 */

/** Base class of every error geodata throws on purpose. */
export class GeodataError extends Error {
  override name = 'GeodataError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A value given by the user is not acceptable (bad spec, bad option, bad parameter). */
export class InvalidInputError extends GeodataError {
  override name = 'InvalidInputError';
}

/** A configuration key or value is wrong, or something needed is not configured. */
export class ConfigError extends GeodataError {
  override name = 'ConfigError';
}

/** A file could not be found or read. `path` names it. */
export class FileError extends GeodataError {
  override name = 'FileError';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A coordinate reference system is unknown, missing or cannot be used. */
export class CrsError extends GeodataError {
  override name = 'CrsError';
}

/** GDAL reported a failure. Carries GDAL's own message, the operation and the file involved. */
export class GdalError extends GeodataError {
  override name = 'GdalError';
  constructor(
    message: string,
    readonly details: {
      operation: string;
      path?: string;
      gdalMessage?: string;
      errorNumber?: number;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A value cannot be fingerprinted (functions, symbols, cycles, foreign class instances). */
export class FingerprintError extends GeodataError {
  override name = 'FingerprintError';
}

/** Something about the cache store failed (quota, I/O, a damaged entry that cannot be repaired). */
export class StoreError extends GeodataError {
  override name = 'StoreError';
}

/** A pipeline step failed: `_process` threw, wrote nothing, or a class is not registered. */
export class PipelineError extends GeodataError {
  override name = 'PipelineError';
}

/** An output would be larger than geodata can produce or load (see `Limits`); nothing was computed or committed. */
export class OutputTooLargeError extends PipelineError {
  override name = 'OutputTooLargeError';
}

/**
 * A value as JSON for an error message, except that NaN and ±Infinity print as themselves
 * (JSON.stringify turns them into null, which would name the wrong value).
 * @example jsonForMessage([1, NaN, Infinity]) // '[1,NaN,Infinity]'
 */
export function jsonForMessage(value: unknown): string {
  const marked = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' && !Number.isFinite(item) ? `\u0000${item}\u0000` : item));
  return marked === undefined ? String(value) : marked.replace(/"\\u0000(-?\w+)\\u0000"/g, '$1');
}

/** Describes a value for an error message: short, quoted strings, no giant dumps. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return `[${value.slice(0, 6).map(describeValue).join(', ')}${value.length > 6 ? ', ...' : ''}]`;
  if (value && typeof value === 'object') return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
  return String(value);
}
