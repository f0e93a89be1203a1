import canonicalize from 'canonicalize';

/**
 * The RFC 8785 canonical JSON text of a value, exactly as the `canonicalize` package writes it,
 * written here directly for the plain JSON values a fingerprint serialises (null, booleans,
 * finite numbers, strings without lone surrogates, arrays, plain objects): the package costs
 * several microseconds per call (a cycle set, a surrogate scan of every string, an array per
 * level), and a chain of N classes serialises a few values per class. Anything else (a `toJSON`
 * method, a non-finite number, a lone surrogate, an array hole, a function, a cycle) goes to
 * the package, which writes it or throws as it always has.
 *
 * @example
 * canonicalText({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 */
export function canonicalText(value: unknown): string | undefined {
  return plain(value, 0) ?? (canonicalize(value) as string | undefined);
}

// Deeper than any value a fingerprint serialises; a cycle gets there and goes to the package.
const MAX_DEPTH = 100;
const SURROGATE = /[\uD800-\uDFFF]/;

/** The canonical text of a plain JSON value, or undefined when the package must decide. */
function plain(value: unknown, depth: number): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'string':
      return SURROGATE.test(value) ? undefined : JSON.stringify(value);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (depth > MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) {
      if (!(index in value)) return undefined;
      const item: unknown = value[index];
      // The package writes `undefined` and symbols in an array as null, as JSON does.
      const text = item === undefined ? 'null' : plain(item, depth + 1);
      if (text === undefined) return undefined;
      out += index === 0 ? text : `,${text}`;
    }
    return `${out}]`;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const object = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    // The package leaves out `undefined` members (and symbols, which go to it here).
    if (item === undefined) continue;
    const text = plain(item, depth + 1);
    if (text === undefined || SURROGATE.test(key)) return undefined;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  return `${out}}`;
}
