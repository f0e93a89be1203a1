import { InvalidInputError, describeValue } from '../errors.js';

/**
 * Key rules shared by every adapter, so a key that works in memory also works on disk and in
 * IndexedDB. A key is a relative `/`-separated path of non-empty segments; the fs adapter maps
 * it to a file, so anything that could escape the root or collide with the adapter's own files
 * is refused up front rather than by one adapter only.
 */

/** Top-level folders the fs adapter keeps for itself; refused as keys everywhere for parity. */
export const RESERVED_ROOT_SEGMENTS: readonly string[] = ['.staging', '.locks'];

/** Marks a temporary file name (fs writes `<name>.geodata-tmp-<pid>-<random>` before renaming). */
export const TEMP_MARKER = '.geodata-tmp-';

const EXAMPLE = '"data_processed/<state_hash>/meta.json"';

/**
 * Checks a full key and returns its segments. Throws InvalidInputError naming the key and the
 * store when the key is empty, absolute, has empty, `.` or `..` segments, backslashes or NUL,
 * or uses a name reserved for the store's internal files.
 * @example keySegments('figures/ab12/figure_elevation.png', 'memory') // ['figures', 'ab12', 'figure_elevation.png']
 */
export function keySegments(key: string, storeName: string): string[] {
  if (typeof key !== 'string' || key === '') {
    throw new InvalidInputError(`store ${storeName}: a key must be a non-empty string such as ${EXAMPLE}, got ${JSON.stringify(key) ?? String(key)}`);
  }
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) {
    throw new InvalidInputError(`store ${storeName}: key ${JSON.stringify(key)} is absolute; use a path relative to the store, such as ${EXAMPLE}`);
  }
  const segments = key.split('/');
  segments.forEach((segment, index) => checkSegment(segment, index, key, storeName));
  return segments;
}

/**
 * Checks a key prefix (`''` for everything, `'data_processed/'` for a folder, or a partial name
 * such as `'data_processed/ab'`) with the same rules as keys, the last segment may be partial
 * or empty. Returns the prefix unchanged.
 */
export function checkPrefix(prefix: string, storeName: string): string {
  if (typeof prefix !== 'string') {
    throw new InvalidInputError(`store ${storeName}: a key prefix must be a string, got ${String(prefix)}`);
  }
  if (prefix === '') return prefix;
  if (prefix.startsWith('/') || /^[A-Za-z]:/.test(prefix)) {
    throw new InvalidInputError(`store ${storeName}: prefix ${JSON.stringify(prefix)} is absolute; use a path relative to the store, such as "data_processed/"`);
  }
  const segments = prefix.split('/');
  const last = segments.pop()!;
  segments.forEach((segment, index) => checkSegment(segment, index, prefix, storeName));
  if (last === '..' || last.includes('\\') || last.includes('\0')) {
    throw new InvalidInputError(`store ${storeName}: prefix ${JSON.stringify(prefix)} contains ${JSON.stringify(last)}; prefixes follow the key rules`);
  }
  return prefix;
}

/** Turns `prefix` (`'data_processed/ab12'` or `'data_processed/ab12/'`) into the folder key `'data_processed/ab12'`. */
export function folderKey(prefix: string, storeName: string): string {
  const key = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  keySegments(key, storeName);
  return key;
}

/** Checks that a value to store is a Uint8Array (plain JavaScript callers get a clear error, not a corrupt entry). */
export function checkBytes(value: unknown, key: string, storeName: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidInputError(
      `store ${storeName}: the value for key ${JSON.stringify(key)} must be a Uint8Array, got ${describeValue(value)}; encode text with TextEncoder and JSON with JSON.stringify first`,
    );
  }
}

/** Whether `key` would pass {@link keySegments}; for callers that filter rather than throw. */
export function isValidKey(key: string): boolean {
  try {
    keySegments(key, '');
    return true;
  } catch {
    return false;
  }
}

function checkSegment(segment: string, index: number, key: string, storeName: string): void {
  const problem =
    segment === '' ? 'an empty segment (a doubled or trailing "/")'
    : segment === '.' || segment === '..' ? `a ${JSON.stringify(segment)} segment`
    : segment.includes('\\') ? 'a backslash (use "/" between segments)'
    : segment.includes('\0') ? 'a NUL character'
    : segment.includes(TEMP_MARKER) ? `${JSON.stringify(TEMP_MARKER)}, which marks the store's temporary files`
    : index === 0 && RESERVED_ROOT_SEGMENTS.includes(segment) ? `${JSON.stringify(segment)}, a folder the store reserves for itself`
    : undefined;
  if (problem) {
    throw new InvalidInputError(`store ${storeName}: key ${JSON.stringify(key)} contains ${problem}; use a relative path such as ${EXAMPLE}`);
  }
}
