// canonicalText must write exactly what the canonicalize package writes (every stored hash was
// made with it), and throw where it throws.
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalText } from '../../src/fingerprint/canonical-text.js';

/** A deterministic pseudo-random source (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ['', 'a', 'EPSG:4326', 'é 日本', '😀', 'line\nbreak "quoted" \\ \u0001 \u2028', '$data', 'b', 'B', '10', '9', '\u00e9', 'e\u0301'];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789.123, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, -9999, 2 ** 53 + 2];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const kind = depth > 3 ? Math.floor(next() * 4) : Math.floor(next() * 7);
  switch (kind) {
    case 0:
      return pick([null, true, false]);
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick(STRINGS);
    case 3:
      return pick([undefined, null, 'x']);
    case 4:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 5); i > 0; i--) object[pick(STRINGS)] = value(next, depth + 1);
      return object;
    }
  }
}

function outcome(write: () => unknown): unknown {
  try {
    return { text: write() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('canonicalText', () => {
  it('writes what the canonicalize package writes, for a thousand generated JSON values', () => {
    const next = random(12);
    for (let i = 0; i < 1000; i++) {
      const generated = value(next, 0);
      expect(canonicalText(generated)).toBe(canonicalize(generated));
    }
  });

  it('writes keys sorted by code unit, undefined members left out, undefined items as null', () => {
    expect(canonicalText({ b: 1, a: [true, undefined, null], B: -0, c: undefined, é: 'x' })).toBe('{"B":0,"a":[true,null,null],"b":1,"é":"x"}');
  });

  it('answers as the package does (a value or the same error) for what is not plain JSON', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: unknown[] = [
      undefined,
      NaN,
      Infinity,
      { n: -Infinity },
      'lone \uD800',
      { 'key \uDC00': 1 },
      ['😀', { '😀': '😀' }],
      [1, , 3], // eslint-disable-line no-sparse-arrays
      { toJSON: () => ({ z: 1, a: 2 }) },
      new Date(0),
      new URL('https://example.com/a b'),
      { when: new Date(0), nested: { url: new URL('file:///x') } },
      new Map([[1, 2]]),
      { f: () => 1 },
      [() => 1, Symbol('s')],
      { s: Symbol('s') },
      cyclic,
      [cyclic],
      Object.assign(Object.create(null), { b: 2, a: 1 }),
      JSON.parse('{"__proto__": 1, "a": 2}'),
    ];
    for (const item of cases) expect(outcome(() => canonicalText(item))).toEqual(outcome(() => canonicalize(item)));
  });

  it('writes values nested deeper than its own limit as the package does', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 150; i++) deep = i % 2 ? [deep] : { level: deep };
    expect(canonicalText(deep)).toBe(canonicalize(deep));
  });
});
