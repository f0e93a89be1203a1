import { FingerprintError } from '../errors.js';
import { type JsonValue, childPath, toCanonicalValue } from './canonical-json.js';

/** What a function held in a static property contributes: its code's hash, free names and text. */
export interface CodeSummary {
  kind: string;
  hash: string;
  free: readonly string[];
  text(): string;
}

/** A class's own static values, as the source hash counts them. */
export interface StaticValues {
  /** Canonical JSON value by property name (keys sorted when serialised). */
  values: Record<string, JsonValue>;
  /** Free names of the code held in static properties (an arrow function, a class). */
  free: string[];
  /** `static key = value;` lines for the printed canonical source, sorted by key. */
  lines(): string[];
}

// Functions every class has, which are not values a user gave it.
const NOT_VALUES = new Set(['length', 'name', 'prototype', 'caller', 'arguments']);

/**
 * The own static properties of a live class, by value: what `static THRESHOLD = 5`, a static block
 * or `X.THRESHOLD = 5` after the class left on it, however a compiler wrote that. Enumerable
 * string-keyed properties count (static methods and accessors are part of the class text);
 * `uses` counts by its keys (its values are dependencies, hashed as such). A value counts as its
 * canonical JSON; a function as the hash of its code, a class as the hash of its own text (the
 * class itself as `$self`).
 *
 * Read once per class, when it is first fingerprinted: treat static properties as constants.
 * Values JSON cannot express (a `Map`, an instance of a class) are a `FingerprintError`.
 *
 * @example
 * class Slope { static THRESHOLD = 5; static uses = { helper }; }
 * staticValues(Slope, 'Slope', summarise).values; // { THRESHOLD: 5, uses: { $uses: ['helper'] } }
 */
export function staticValues(cls: Function, label: string, summarise: (code: Function) => CodeSummary): StaticValues {
  const values: Record<string, JsonValue> = {};
  const free = new Set<string>();
  const texts = new Map<string, () => string>();
  for (const key of Object.keys(cls).sort()) {
    if (NOT_VALUES.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(cls, key)!;
    if (!descriptor.enumerable) continue;
    if (descriptor.get || descriptor.set) {
      const accessor = [descriptor.get, descriptor.set].filter(Boolean).map((code) => summarise(code!).hash);
      values[key] = { $accessor: accessor };
      continue;
    }
    const value: unknown = descriptor.value;
    // A declared field without a value (`static cache?: Map<…>`) is undefined under some compilers and absent under others.
    if (value === undefined) continue;
    if (key === 'uses' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      values[key] = { $uses: Object.keys(value).sort() };
      texts.set(key, () => `{ ${Object.keys(value).sort().join(', ')} }`);
      continue;
    }
    const converter = new Converter(cls, label, summarise, free);
    values[key] = converter.convert(value, childPath(label, key));
    texts.set(key, () => converter.print(value));
  }
  return {
    values,
    free: [...free].sort(),
    lines: () => [...texts].map(([key, text]) => `static ${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)} = ${text()};`),
  };
}

class Converter {
  constructor(
    private readonly owner: Function,
    private readonly label: string,
    private readonly summarise: (code: Function) => CodeSummary,
    private readonly free: Set<string>,
  ) {}

  convert(value: unknown, path: string): JsonValue {
    if (typeof value === 'function') {
      if (value === this.owner) return { $self: true };
      const summary = this.summarise(value);
      for (const name of summary.free) this.free.add(name);
      return { $code: summary.hash };
    }
    if (Array.isArray(value)) return value.map((item, index) => (item === undefined ? null : this.convert(item, childPath(path, index))));
    if (isPlainObject(value)) {
      const result: Record<string, JsonValue> = {};
      for (const key of Object.keys(value)) {
        const item = value[key];
        if (item !== undefined) result[key.startsWith('$') ? `$${key}` : key] = this.convert(item, childPath(path, key));
      }
      return result;
    }
    try {
      return toCanonicalValue(value, path, { owner: this.label }) ?? null;
    } catch (error) {
      if (!(error instanceof FingerprintError)) throw error;
      throw new FingerprintError(
        `${error.message} Static properties count by their value (compilers move static initialisers out of the ` +
          'class text, so the value is what all of them agree on); keep state that is not plain data in a private ' +
          'static field (`static #cache`) or outside the class.',
        { cause: error },
      );
    }
  }

  print(value: unknown, depth = 1): string {
    if (typeof value === 'function') {
      if (value === this.owner) return '$self';
      const summary = this.summarise(value);
      // A class is shown by name and hash, not its whole text.
      if (summary.kind === 'class') return `${value.name || 'class'} /* ${summary.hash.slice(0, 12)} */`;
      return indent(summary.text(), depth);
    }
    if (Array.isArray(value)) return `[${value.map((item) => this.print(item, depth)).join(', ')}]`;
    if (isPlainObject(value)) {
      const keys = Object.keys(value).filter((key) => value[key] !== undefined);
      if (keys.length === 0) return '{}';
      return `{ ${keys.map((key) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${this.print(value[key], depth)}`).join(', ')} }`;
    }
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
    if (value === undefined) return 'undefined';
    return JSON.stringify(value) ?? String(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function indent(text: string, depth: number): string {
  return text.replace(/\n/g, `\n${'  '.repeat(depth)}`);
}
