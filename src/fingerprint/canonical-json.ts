import { canonicalText } from './canonical-text.js';
import { FingerprintError } from '../errors.js';
import { sha256Hex } from '../sha256.js';

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** How `toCanonicalValue` treats what plain JSON cannot express. */
export interface CanonicalValueOptions {
  /** Who the value belongs to, for error messages (`ElevationLoader`). */
  owner: string;
  /**
   * Converts objects the plain rules do not cover, such as nested `Data` instances. Returns
   * `undefined` to fall back to the plain rules.
   */
  special?: (value: object, path: string) => JsonValue | undefined;
}

/**
 * Converts a value to the JSON value whose RFC 8785 serialisation identifies it.
 *
 * Plain JSON passes through (object keys sorted later, `-0` becomes `0`, `undefined` object
 * members are left out and `undefined` array items become `null`, as in JSON). What JSON cannot
 * say is tagged, with `$` keys a user object cannot produce (a user key starting with `$` gets a
 * second `$`):
 * - `NaN`, `Infinity`, `-Infinity` → `{ "$number": "NaN" }` (nodata values are often NaN);
 * - `Date` → `{ "$date": "2024-08-24T00:00:00.000Z" }`;
 * - typed arrays → `{ "$typedArray": "Float32Array", "length": n, "sha256": … }`;
 * - `bigint` → `{ "$bigint": "123" }`;
 * - objects with `toJSON()` (a URL, a spatial spec) → their JSON, like `JSON.stringify` does.
 *
 * Functions, symbols (also as object keys), cycles, `Map`, `Set`, `RegExp`, `ArrayBuffer`, `DataView`, invalid dates,
 * strings with lone surrogates and instances of other classes are a `FingerprintError` naming
 * the path (`params.options.callback`).
 *
 * @example
 * toCanonicalValue({ nodata: NaN, when: new Date(0) }, 'params', { owner: 'Elevation' });
 * // { nodata: { $number: 'NaN' }, when: { $date: '1970-01-01T00:00:00.000Z' } }
 */
export function toCanonicalValue(value: unknown, path: string, options: CanonicalValueOptions): JsonValue | undefined {
  return convert(value, path, options, new Set());
}

/**
 * RFC 8785 canonical JSON of a value, after `toCanonicalValue`.
 *
 * @example
 * canonicalJson({ b: 1, a: [1, 2] }); // '{"a":[1,2],"b":1}'
 */
export function canonicalJson(value: unknown, path = 'value', options: CanonicalValueOptions = { owner: 'a value' }): string {
  return canonicalText(toCanonicalValue(value, path, options) ?? null) as string;
}

/** SHA-256 of `canonicalJson(value)`. */
export function canonicalJsonHash(value: unknown, path?: string, options?: CanonicalValueOptions): string {
  return sha256Hex(canonicalJson(value, path, options));
}

/** `parent.key`, or `parent["odd key"]` when the key is not an identifier. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function convert(value: unknown, path: string, options: CanonicalValueOptions, ancestors: Set<object>): JsonValue | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'boolean':
      return value;
    case 'string':
      if (LONE_SURROGATE.test(value)) {
        fail(options, path, 'is a string with a lone surrogate (broken UTF-16), which has no UTF-8 form');
      }
      return value;
    case 'number':
      if (Number.isFinite(value)) return value === 0 ? 0 : value;
      return { $number: String(value) };
    case 'bigint':
      return { $bigint: value.toString() };
    case 'function':
      // Declaring the function in `uses` makes the class depend on its code, but the parameter
      // would still hold a function; an `_` property would leave the choice out of the state hash.
      return fail(
        options,
        path,
        `is a function (${value.name || 'anonymous'}), which has no value to save with the entry; keep functions out of the parameters: take a string naming which helper to call (\`mode = 'double'\`), and declare the helpers the class calls in \`static uses = { … }\``,
      );
    case 'symbol':
      return fail(options, path, `is a symbol (${value.toString()}), which has no stable value`);
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.has(object)) return fail(options, path, 'refers back to an object that contains it (a cycle)');
  ancestors.add(object);
  try {
    return convertObject(object, path, options, ancestors);
  } finally {
    ancestors.delete(object);
  }
}

function convertObject(object: object, path: string, options: CanonicalValueOptions, ancestors: Set<object>): JsonValue {
  if (Array.isArray(object)) {
    return Array.from(object, (item, index) => convert(item, childPath(path, index), options, ancestors) ?? null);
  }
  const special = options.special?.(object, path);
  if (special !== undefined) return special;
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) return fail(options, path, 'is an invalid Date');
    return { $date: object.toISOString() };
  }
  if (ArrayBuffer.isView(object)) {
    if (object instanceof DataView) return fail(options, path, 'is a DataView; pass a typed array (new Uint8Array(buffer)) instead');
    const bytes = new Uint8Array(object.buffer, object.byteOffset, object.byteLength);
    return { $typedArray: object.constructor.name, length: (object as unknown as ArrayLike<unknown>).length, sha256: sha256Hex(bytes) };
  }
  if (object instanceof ArrayBuffer) return fail(options, path, 'is an ArrayBuffer; pass a typed array (new Uint8Array(buffer)) instead');
  if (object instanceof Map || object instanceof Set) {
    return fail(options, path, `is a ${object.constructor.name}, whose order and keys JSON cannot keep; use a plain object or an array`);
  }
  if (object instanceof RegExp) return fail(options, path, 'is a RegExp; pass its source string instead');
  if (typeof (object as { toJSON?: unknown }).toJSON === 'function') {
    return convert((object as { toJSON(): unknown }).toJSON(), path, options, ancestors) ?? null;
  }
  const prototype = Object.getPrototypeOf(object);
  if (prototype === Object.prototype || prototype === null) {
    // JSON (and so the hash) would drop it: { [k]: 1 } and { [k]: 2 } would be one entry.
    const symbol = Object.getOwnPropertySymbols(object).find((key) => Object.prototype.propertyIsEnumerable.call(object, key));
    if (symbol !== undefined) return fail(options, path, `has a symbol key (${symbol.toString()}), which JSON cannot keep; use a string key`);
    const result: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(object)) {
      const converted = convert((object as Record<string, unknown>)[key], childPath(path, key), options, ancestors);
      if (converted !== undefined) result[key.startsWith('$') ? `$${key}` : key] = converted;
    }
    return result;
  }
  const className = (object.constructor as { name?: string } | undefined)?.name || 'an unnamed class';
  return fail(
    options,
    path,
    `is an instance of ${className}, which is neither registered nor plain data; ` +
      'register its class, give it a toJSON() method, or pass a plain object',
  );
}

function fail(options: CanonicalValueOptions, path: string, problem: string): never {
  throw new FingerprintError(`Cannot fingerprint ${options.owner}: ${path} ${problem}.`);
}
