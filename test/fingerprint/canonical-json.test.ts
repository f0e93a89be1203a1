import { describe, expect, it } from 'vitest';
import { FingerprintError } from '../../src/errors.js';
import { canonicalJson, sha256Hex, toCanonicalValue } from '../../src/fingerprint/index.js';

const owner = { owner: 'SlopeLoader' };

describe('canonicalJson', () => {
  it('sorts keys, writes -0 as 0 and leaves out undefined members, like RFC 8785', () => {
    expect(canonicalJson({ b: 1, a: [1, undefined, -0], c: undefined, é: 'x' })).toBe('{"a":[1,null,0],"b":1,"é":"x"}');
  });

  it('writes numbers the way RFC 8785 does', () => {
    // Examples from RFC 8785, appendix B.
    expect(canonicalJson([1e21, 1e-7, 0.000001, 333333333.3333333, 9007199254740991, 1e23, 5e-324])).toBe(
      '[1e+21,1e-7,0.000001,333333333.3333333,9007199254740991,1e+23,5e-324]',
    );
  });

  it('tags NaN, infinities, dates, typed arrays and bigints so they differ from plain look-alikes', () => {
    const value = toCanonicalValue(
      { nodata: NaN, max: Infinity, min: -Infinity, when: new Date(Date.UTC(2024, 7, 24)), big: 10n },
      'params',
      owner,
    );
    expect(value).toEqual({
      nodata: { $number: 'NaN' },
      max: { $number: 'Infinity' },
      min: { $number: '-Infinity' },
      when: { $date: '2024-08-24T00:00:00.000Z' },
      big: { $bigint: '10' },
    });
    // A user object that looks like a tag keeps its `$` escaped, so it cannot collide.
    expect(toCanonicalValue({ $number: 'NaN' }, 'params', owner)).toEqual({ $$number: 'NaN' });
    expect(canonicalJson({ x: NaN })).not.toBe(canonicalJson({ x: { $number: 'NaN' } }));
  });

  it('identifies typed arrays by type, length and the SHA-256 of their bytes', () => {
    const floats = new Float32Array([1.5, 2.5, NaN]);
    expect(toCanonicalValue(floats, 'params.weights', owner)).toEqual({
      $typedArray: 'Float32Array',
      length: 3,
      sha256: sha256Hex(new Uint8Array(floats.buffer)),
    });
    expect(canonicalJson(new Float32Array([1, 2]))).toBe(canonicalJson(new Float32Array([1, 2])));
    expect(canonicalJson(new Float32Array([1, 2]))).not.toBe(canonicalJson(new Float32Array([1, 3])));
    expect(canonicalJson(new Uint8Array([0, 0, 128, 63]))).not.toBe(canonicalJson(new Float32Array([1])));
    // A view hashes only the bytes it shows.
    const bytes = new Uint8Array([9, 1, 2, 9]);
    expect(canonicalJson(bytes.subarray(1, 3))).toBe(canonicalJson(new Uint8Array([1, 2])));
  });

  it('follows toJSON, as JSON.stringify does', () => {
    const spec = { toJSON: () => ({ crs: 'EPSG:4326', shape: [2, 2] }) };
    expect(canonicalJson(spec)).toBe(canonicalJson({ shape: [2, 2], crs: 'EPSG:4326' }));
    expect(canonicalJson({ url: new URL('https://example.org/a') })).toBe('{"url":"https://example.org/a"}');
  });
});

describe('values that cannot be fingerprinted', () => {
  class Unregistered {
    value = 1;
  }
  const cycle: Record<string, unknown> = { name: 'loop' };
  cycle.self = { back: cycle };
  const cases: [string, unknown, RegExp][] = [
    ['a function', { options: { callback: () => 1 } }, /params\.options\.callback is a function \(callback\), .*keep functions out of the parameters: .*static uses/],
    ['a symbol', { tag: Symbol('x') }, /params\.tag is a symbol/],
    // JSON drops symbol keys: { [k]: 1 } and { [k]: 2 } would hash alike.
    ['a symbol key', { options: { [Symbol('band')]: 2 } }, /params\.options has a symbol key \(Symbol\(band\)\), which JSON cannot keep; use a string key/],
    ['a Map', { lookup: new Map() }, /params\.lookup is a Map/],
    ['a Set', { ids: [1, new Set()] }, /params\.ids\[1\] is a Set/],
    ['a RegExp', { pattern: /x/ }, /params\.pattern is a RegExp/],
    ['an ArrayBuffer', { raw: new ArrayBuffer(4) }, /params\.raw is an ArrayBuffer/],
    ['a DataView', { view: new DataView(new ArrayBuffer(4)) }, /params\.view is a DataView/],
    ['an invalid Date', { when: new Date('not a date') }, /params\.when is an invalid Date/],
    ['a lone surrogate', { name: 'a\uD800b' }, /params\.name is a string with a lone surrogate/],
    ['an unregistered class instance', { 'odd key': new Unregistered() }, /params\["odd key"\] is an instance of Unregistered/],
    ['a cycle', { loop: cycle }, /params\.loop\.self\.back refers back to an object that contains it/],
  ];
  for (const [kind, value, message] of cases) {
    it(`rejects ${kind}, naming the class and the path`, () => {
      expect(() => toCanonicalValue(value, 'params', owner)).toThrow(FingerprintError);
      expect(() => toCanonicalValue(value, 'params', owner)).toThrow(/^Cannot fingerprint SlopeLoader: /);
      expect(() => toCanonicalValue(value, 'params', owner)).toThrow(message);
    });
  }

  it('accepts the same object twice when it is shared, not cyclic', () => {
    const shared = { a: 1 };
    expect(canonicalJson({ x: shared, y: [shared] })).toBe('{"x":{"a":1},"y":[{"a":1}]}');
  });
});
