import { describe, expect, it } from 'vitest';
import { FingerprintError } from '../../src/errors.js';
import { canonicaliseText, declaredClassName } from '../../src/fingerprint/canonical-source.js';
import { canonicalSourceText, freeIdentifiers, sourceHash } from '../../src/fingerprint/index.js';

// What each toolchain writes for the same TypeScript, as text, canonicalised alike: the unit-level
// companion of the differential corpus (toolchain-corpus.test.ts), one rewrite at a time, with the
// edits that must still count next to each.

const hashOf = (text: string, name = 'Sample') => canonicaliseText(text, name).hash;

function expectSameHash(texts: string[], name?: string): void {
  const hashes = texts.map((text) => hashOf(text, name));
  expect(new Set(hashes).size, `texts:\n${texts.join('\n----\n')}`).toBe(1);
}

function expectAllDifferent(texts: string[], name?: string): void {
  expect(new Set(texts.map((text) => hashOf(text, name))).size).toBe(texts.length);
}

/** A live class made from JavaScript text, as a compiled module would define it. */
const live = (body: string): Function => new Function(body)() as Function;

describe('values compilers spell differently', () => {
  it('reads undefined, void 0 and void "x" alike, unless the code declares its own undefined', () => {
    expectSameHash([
      `class Sample { run(x) { return x === undefined ? undefined : [undefined, x]; } }`,
      `class Sample { run(x) { return x === void 0 ? void 0 : [void "x", x]; } }`,
    ]);
    expectAllDifferent([`class Sample { run(undefined) { return [undefined]; } }`, `class Sample { run(y) { return [void 0]; } }`]);
    expectAllDifferent([`class Sample { run(undefined) { f(); return undefined; } }`, `class Sample { run(y) { f(); } }`]);
    expect(canonicaliseText(`class Sample { run(x) { return x === undefined; } }`, 'Sample').free).toEqual([]);
  });

  it('folds what esbuild folds (and more), by the value JavaScript computes', () => {
    expectSameHash([
      `class Sample { run(x, f) { return ['geo' + 'data', 'a' + 1 + 'b', 1 + 2, !0, !!'s', true && x, false || f, null ?? x, -(-1), typeof 1, x + 'a' + 'b', \`x\${'y'}z\`, \`plain\`, 2 ** 10]; } }`,
      `class Sample { run(x, f) { return ["geodata", "a1b", 3, true, true, x, f, x, 1, "number", x + "ab", "xyz", "plain", 1024]; } }`,
    ]);
    expectSameHash([`class Sample { run(x) { return typeof x > "u" || typeof x == "string"; } }`, `class Sample { run(x) { return typeof x === "undefined" || typeof x === "string"; } }`]);
    // Another value is another program; an operation that throws stays as written.
    expectAllDifferent([
      `class Sample { run() { return 'a' + 'b'; } }`,
      `class Sample { run() { return 'a' + 'c'; } }`,
      `class Sample { run() { return 1n + 1; } }`,
      `class Sample { run() { return 2n; } }`,
    ]);
    // "a" + x + "b" is not "ab" + x.
    expectAllDifferent([`class Sample { run(x) { return 'a' + x + 'b'; } }`, `class Sample { run(x) { return 'ab' + x; } }`]);
  });

  it('reads a constant declared in uses as its value, as Rolldown inlines it, and an enum member as its value, as esbuild does', () => {
    const withLimit = (limit: number, body: string) =>
      live(`const LIMIT = ${limit}; const Colour = { 0: 'Red', Red: 0, Green: 'green' };
        return class Sample { static uses = { LIMIT, Colour }; run(x) { ${body} } };`);
    expect(sourceHash(withLimit(3, 'return x > LIMIT ? Colour.Red : Colour.Green;'))).toBe(sourceHash(withLimit(3, 'return x > 3 ? 0 : "green";')));
    // A changed constant changes the source hash: its value is part of the canonical code.
    expect(sourceHash(withLimit(3, 'return x > LIMIT;'))).not.toBe(sourceHash(withLimit(4, 'return x > LIMIT;')));
    // A local of the same name is not the constant.
    expect(sourceHash(withLimit(3, 'const LIMIT = 9; return x > LIMIT;'))).not.toBe(sourceHash(withLimit(3, 'const LIMIT = 9; return x > 3;')));
  });
});

describe('class features lowered by compilers', () => {
  it('hashes static fields by their values on the live class, wherever a compiler put the initialiser', () => {
    const inClass = live(`return class Sample { static THRESHOLD = 5; static NAMES = ['a']; static double = (x) => x * 2; run(x) { return x > Sample.THRESHOLD; } }`);
    // esbuild with legacy decorators, and tsc below ES2022, move static fields out of the class.
    const movedOut = live(`let Sample = class { run(x) { return x > Sample.THRESHOLD; } };
      Sample.THRESHOLD = 5; Sample.NAMES = ['a']; Sample.double = (x) => x * 2; return Sample;`);
    const changed = live(`let Sample = class { run(x) { return x > Sample.THRESHOLD; } }; Sample.THRESHOLD = 6; Sample.NAMES = ['a']; Sample.double = (x) => x * 2; return Sample;`);
    const otherCode = live(`let Sample = class { run(x) { return x > Sample.THRESHOLD; } }; Sample.THRESHOLD = 5; Sample.NAMES = ['a']; Sample.double = (x) => x * 3; return Sample;`);
    expect(sourceHash(movedOut)).toBe(sourceHash(inClass));
    expect(sourceHash(changed)).not.toBe(sourceHash(inClass));
    expect(sourceHash(otherCode)).not.toBe(sourceHash(inClass));
    expect(canonicalSourceText(inClass)).toContain('static THRESHOLD = 5;');
  });

  it('hashes classes that hold each other in static properties the same whichever is fingerprinted first', () => {
    const make = () => live(`class Alpha { run() { return 1; } } class Beta { run() { return 2; } } Alpha.partner = Beta; Beta.partner = Alpha; return [Alpha, Beta];`) as unknown as Function[];
    const [alpha, beta] = make();
    const first = [sourceHash(alpha!), sourceHash(beta!)];
    const [alphaAgain, betaAgain] = make();
    const betaFirst = sourceHash(betaAgain!);
    expect([sourceHash(alphaAgain!), betaFirst]).toEqual(first);
  });

  it('refuses a static value it cannot read as data, saying what to do', () => {
    const withMap = live(`return class Cached { static cache = new Map(); run() { return 1; } }`);
    expect(() => sourceHash(withMap)).toThrow(FingerprintError);
    expect(() => sourceHash(withMap)).toThrow(/Cached\.cache is a Map.*private static field/s);
  });

  it('reads the names compilers give the class inside itself as the class, not as an import', () => {
    expectSameHash(
      [
        `class Sample { static { Sample_1 = this; } run() { return Sample_1.LIMIT + new Sample_1().x; } }`,
        `class Sample { run() { return Sample.LIMIT + new Sample().x; } }`,
        `class _Sample { run() { return _Sample.LIMIT + new _Sample().x; } }`,
        `class { static { _classThis = this; } run() { return _classThis.LIMIT + new Sample().x; } }`,
      ],
      'Sample',
    );
    expect(canonicaliseText(`class Sample { run() { return Sample_1.LIMIT; } }`, 'Sample').free).toEqual([]);
  });

  it('reads instance fields and constructor assignments (useDefineForClassFields: false) alike', () => {
    expectSameHash([
      `class Sample extends Data { a = 1; b = this.a + 1; constructor(width = 2) { super(); this.width = width; this.list = []; } }`,
      // tsc at ES2020: parameter property, then fields, then the body.
      `class Sample extends Data { constructor(width = 2) { super(); this.width = width; this.a = 1; this.b = this.a + 1; this.list = []; } }`,
      // esbuild with legacy decorators.
      `class Sample extends Data { constructor(width = 2) { super(); this.width = width; __publicField(this, "a", 1); __publicField(this, "b", this.a + 1); this.list = []; } }`,
    ]);
    expectSameHash([`class Sample extends Data { kind = 'x'; }`, `class Sample extends Data { constructor() { super(...arguments); this.kind = 'x'; } }`]);
    // A field that reads the parameter property keeps its place: the order is then observable.
    expectAllDifferent([
      `class Sample { a = this.width; constructor(width) { this.width = width; } }`,
      `class Sample { constructor(width) { this.width = width; this.a = this.width; } }`,
    ]);
  });

  it('reads private fields lowered to helpers (tsc, esbuild) as private fields', () => {
    expectSameHash([
      `class Sample { #count = 0; #label; constructor(label) { this.#label = label; } run() { this.#count++; this.#count += 2; return [this.#label, #count in this]; } }`,
      `class Sample { constructor(label) { _Sample_count.set(this, 0); _Sample_label.set(this, void 0); __classPrivateFieldSet(this, _Sample_label, label, "f"); }
        run() { var _a; __classPrivateFieldSet(this, _Sample_count, (_a = __classPrivateFieldGet(this, _Sample_count, "f"), _a++, _a), "f");
          __classPrivateFieldSet(this, _Sample_count, __classPrivateFieldGet(this, _Sample_count, "f") + 2, "f");
          return [__classPrivateFieldGet(this, _Sample_label, "f"), __classPrivateFieldIn(_Sample_count, this)]; } }`,
      `class Sample { constructor(label) { __privateAdd(this, _count, 0); __privateAdd(this, _label); __privateSet(this, _label, label); }
        run() { __privateWrapper(this, _count)._++; __privateSet(this, _count, __privateGet(this, _count) + 2); return [__privateGet(this, _label), __privateIn(_count, this)]; } }`,
    ]);
    expect(canonicaliseText(`class Sample { run() { return __privateGet(this, _count); } }`, 'Sample')).toMatchObject({ free: [], privateFields: ['#count'] });
  });

  it('refuses a private method compiled into a function outside the class, naming it', () => {
    for (const text of [
      `class Sample { run(x) { return __classPrivateFieldGet(this, _Sample_instances, "m", _Sample_double).call(this, x); } }`,
      `class Sample { run(x) { return __privateMethod(this, _Sample_instances, double_fn).call(this, x); } }`,
    ]) {
      expect(() => hashOf(text)).toThrow(FingerprintError);
      expect(() => hashOf(text)).toThrow(/private method #double was compiled into a function outside the class.*private double\(\)/s);
    }
  });

  it('removes the machinery of TC39 member decorators', () => {
    expectSameHash([
      `class Sample { threshold = 2; run(x) { return x * this.threshold; } }`,
      `class Sample { threshold = (__runInitializers(this, _instanceExtraInitializers), __runInitializers(this, _threshold_initializers, 2)); run(x) { return x * this.threshold; } constructor() { __runInitializers(this, _threshold_extraInitializers); } }`,
      `class Sample { constructor() { __runInitializers(_init, 5, this); __publicField(this, "threshold", __runInitializers(_init, 8, this, 2)), __runInitializers(_init, 11, this); } run(x) { return x * this.threshold; } }`,
    ]);
  });

  it('expands logical assignments as target ES2020 lowers them', () => {
    expectSameHash([
      `class Sample { run(x) { this.cache ??= new Map(); x ||= 1; return x; } }`,
      `class Sample { run(x) { this.cache ?? (this.cache = new Map()); x || (x = 1); return x; } }`,
    ]);
  });
});

describe('what bundlers and minifiers rewrite', () => {
  it("reads tsx's dynamic import wrapper, vitest's resolved path and a bundler's inlined module as the import", () => {
    expectSameHash([
      `class Sample { async load() { return (await import('./helpers.js')).LIMIT; } }`,
      `class Sample { async load() { return (await import("./helpers.js").then((m) => { const k = "default"; return m[k] && typeof m[k] == "object" && "__esModule" in m[k] ? m[k] : m; })).LIMIT; } }`,
      `class Sample { async load() { return (await __vite_ssr_dynamic_import__("/src/helpers.ts")).LIMIT; } }`,
      `class Sample { async load() { return (await Promise.resolve().then(() => helpers_exports)).LIMIT; } }`,
      `class Sample { async load() { return (await Promise.resolve().then(() => (init_helpers(), helpers_exports))).LIMIT; } }`,
    ]);
    expectAllDifferent([`class Sample { load() { return import('./helpers.js'); } }`, `class Sample { load() { return import('./other.js'); } }`, `class Sample { load() { return import('proj4'); } }`]);
  });

  it("normalises what Rolldown's dce-only build rewrites", () => {
    expectSameHash([
      `class Sample {
        pick(x) { const list = [undefined, x]; return typeof x === 'undefined' ? list[0] : this.other(x); }
        scale(values) { const factor = this.units === 'degrees' ? 180 / Math.PI : 100; return helper(values, factor); }
        name(x) { switch (x) { case 1: return 'one'; case 2: { const two = 'two'; return two; } default: break; } }
        dead(x) { if (false) { log(); } if (true) { x += 1; } return x; }
        misc(items) { const seq = (void items.length, items.length); return [{ ...{ c: 2 } }, Number.NaN, seq]; }
      }`,
      `class Sample {
        pick(x) { return typeof x === "undefined" ? [void 0, x][0] : this.other(x); }
        scale(values) { return helper(values, this.units === "degrees" ? 180 / Math.PI : 100); }
        name(x) { switch (x) { case 1: return "one"; case 2: return "two"; } }
        dead(x) { x += 1; return x; }
        misc(items) { return [{ c: 2 }, NaN, (items.length, items.length)]; }
      }`,
    ]);
  });

  it("normalises what esbuild's --minify-syntax rewrites, as far as it goes", () => {
    expectSameHash([
      `class Sample { run(x) { const a = x * 2; this.seen = true; if (a > 1) { this.big = a; } if (x) return 'yes'; return 'no'; } }`,
      `class Sample { run(x) { let a = x * 2; return this.seen = !0, a > 1 && (this.big = a), x ? "yes" : "no"; } }`,
    ]);
    expectSameHash([`class Sample { run(xs) { for (const x of xs) f(x); while (g()) h(); return () => { return 1; }; } }`, `class Sample { run(xs) { for (let x of xs) f(x); for (; g();) h(); return () => 1; } }`]);
  });

  it('renames labels and private names, which identifier minifiers shorten', () => {
    expectSameHash([
      `class Sample { #count = 0; run(items) { outer: for (const a of items) { for (const b of items) { if (a === b) continue outer; } } return this.#count; } }`,
      `class Sample { #n = 0; run(items) { n: for (const a of items) { for (const b of items) { if (a === b) continue n; } } return this.#n; } }`,
    ]);
  });

  it('inlines a single-use variable only where nothing could see the difference', () => {
    expectSameHash([`class Sample { run() { const x = f(); return g(x); } }`, `class Sample { run() { return g(f()); } }`]);
    // Moving f() after g(), past an assignment, or into a loop or a callback changes what runs when.
    expectAllDifferent([`class Sample { run() { const x = f(); return g() + x; } }`, `class Sample { run() { return g() + f(); } }`]);
    expectAllDifferent([`class Sample { run() { const x = this.v; this.v = 1; return x; } }`, `class Sample { run() { this.v = 1; return this.v; } }`]);
    expectAllDifferent([`class Sample { run(xs) { const x = f(); return xs.map(() => x); } }`, `class Sample { run(xs) { return xs.map(() => f()); } }`]);
    expectAllDifferent([`class Sample { run(c) { const x = f(); return c && x; } }`, `class Sample { run(c) { return c && f(); } }`]);
    // A closure made before the declaration reads it too.
    expectAllDifferent([`class Sample { run() { const g = () => x; const x = 1; return g() + x; } }`, `class Sample { run() { const g = () => x; return g() + 1; } }`]);
  });
});

describe('identifier minification', () => {
  it('refuses a class whose name and every name in it a minifier shortened, saying how to build', () => {
    const minified = [`class{run(e,t){return n(e)+t}}`, `class extends g{constructor(e){super(),this.id=e}}`, `class{run(){return[1]}}`];
    for (const text of minified) {
      expect(() => canonicaliseText(text, 'h')).toThrow(FingerprintError);
      expect(() => canonicaliseText(text, 'h')).toThrow(/looks minified: its name "h".*build: \{ minify: false \}/s);
    }
  });

  it('does not refuse short names people write: a class with one longer name, or formatted, or a helper function', () => {
    for (const [text, name] of [
      [`class A extends Data { run(x) { return f(x); } }`, 'A'],
      [`class B { static defaults = { z: 1 }; }`, 'B'],
      [`class A {}`, 'A'],
      [`class Sample { run(a) { return x; } }`, 'Sample'],
      [`function f(x) { return x * 2; }`, 'f'],
      [`(x) => x * 2`, 'sq'],
    ] as const) {
      expect(() => canonicaliseText(text, name), text).not.toThrow();
    }
  });

  it("names a class as it was declared, though esbuild names one that refers to itself '_Name' in a bundle", () => {
    const bundled = live(`var Sample = class _Sample { make() { return new _Sample(); } }; return Sample;`);
    expect(bundled.name).toBe('_Sample');
    expect(declaredClassName(bundled)).toBe('Sample');
    expect(declaredClassName(live(`return class _Private { run() { return 1; } }`))).toBe('_Private');
    expect(freeIdentifiers(bundled)).toEqual([]);
  });
});
