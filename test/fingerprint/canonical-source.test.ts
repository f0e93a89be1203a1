import { describe, expect, it } from 'vitest';
import { canonicalSource, canonicaliseText } from '../../src/fingerprint/canonical-source.js';
import { FingerprintError } from '../../src/errors.js';
import { canonicalSourceText, freeIdentifiers, sourceHash } from '../../src/fingerprint/index.js';

const hashOf = (text: string, name = 'Sample') => canonicaliseText(text, name).hash;

/** Asserts that every text hashes like the first one. */
function expectSameHash(texts: string[], name?: string): void {
  const hashes = texts.map((text) => hashOf(text, name));
  expect(new Set(hashes).size, `texts:\n${texts.join('\n----\n')}`).toBe(1);
}

/** Asserts that all texts hash differently from each other. */
function expectAllDifferent(texts: string[], name?: string): void {
  const hashes = texts.map((text) => hashOf(text, name));
  expect(new Set(hashes).size).toBe(texts.length);
}

const base = `class Sample extends Data {
  scale = 2;
  run(values) {
    const total = values.reduce((sum, v) => sum + v, 0);
    return helper(total * this.scale, "mean");
  }
}`;

describe('sourceHash', () => {
  it('is a 64-hex SHA-256 and is the same for the same class object every time', () => {
    class Probe {
      run() {
        return 1;
      }
    }
    expect(sourceHash(Probe)).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalSource(Probe)).toBe(canonicalSource(Probe));
  });

  it('ignores formatting and comments', () => {
    expectSameHash([
      base,
      `class Sample extends Data { scale = 2; run(values) { const total = values.reduce((sum, v) => sum + v, 0); return helper(total * this.scale, 'mean'); } }`,
      `class Sample extends Data {
        // the scale factor
        scale = 2;
        /* sums, then scales */
        run(values) {
          const total = values.reduce(
            (sum, v) => sum + v, // running sum
            0,
          );
          return helper(total * this.scale, "mean");
        }
      }`,
    ]);
  });

  it('ignores the names of locals, parameters, catch parameters and destructured bindings', () => {
    expectSameHash([
      `class S { run(a, { b, c: [d] }) { let x = a + b + d; try { x++; } catch (e) { return e; } return x; } }`,
      `class S { run(first, { b: bee, c: [dee] }) { let sum = first + bee + dee; try { sum++; } catch (problem) { return problem; } return sum; } }`,
    ]);
  });

  it('counts a changed literal, operator, property, method or called name', () => {
    expectAllDifferent([
      base,
      base.replace('scale = 2', 'scale = 3'),
      base.replace('"mean"', '"median"'),
      base.replace('total * this.scale', 'total / this.scale'),
      base.replace('this.scale,', 'this.factor,'),
      base.replace('run(values)', 'compute(values)'),
      base.replace('return helper(', 'return otherHelper('),
      base.replace('values.reduce', 'values.reduceRight'),
    ]);
  });

  it('tells a local apart from a free name spelt like the canonical local name', () => {
    expectAllDifferent([`class S { run(a) { return a; } }`, `class S { run(a) { return $0; } }`, `class S { run(a) { return x; } }`]);
  });

  it('resolves names by scope: shadowing, hoisting and block scopes', () => {
    const shadowing = `class S { run() { let x = 1; { let x = 2; use(x); } return x; } }`;
    expectSameHash([shadowing, `class S { run() { let a = 1; { let b = 2; use(b); } return a; } }`]);
    // Using the outer binding inside the block is a different program.
    expectAllDifferent([shadowing, `class S { run() { let x = 1; { let y = 2; use(x); } return y; } }`]);
    // Function declarations and var are hoisted: a use before the declaration is the same binding.
    expectSameHash([
      `class S { run() { return twice(n); function twice(v) { return v * 2; } var n = 1; } }`,
      `class S { run() { return f(k); function f(w) { return w * 2; } var k = 1; } }`,
    ]);
    expect(canonicaliseText(`class S { run() { return twice(1); function twice(v) { return v * 2; } } }`, 'S').free).toEqual([]);
  });

  it('does not depend on whether the class keeps its name in the text, and reads self references alike', () => {
    expectSameHash(
      [`class Sample { make() { return new Sample(); } }`, `class { make() { return new Sample(); } }`],
      'Sample',
    );
    expect(canonicaliseText(`class { make() { return new Sample(); } }`, 'Sample').free).toEqual([]);
  });

  it('ignores the superclass expression, which compilers rewrite, but not whether there is one', () => {
    expectSameHash([
      `class Sample extends Data { run() { return 1; } }`,
      `class extends (_a = Data) { run() { return 1; } }`,
      `class extends _classSuper { run() { return 1; } }`,
    ]);
    expectAllDifferent([`class Sample extends Data { run() { return 1; } }`, `class Sample { run() { return 1; } }`]);
  });
});

describe('toolchain artefacts', () => {
  it('removes esbuild keep-names calls and blocks', () => {
    expectSameHash([
      `class Sample {
        run() {
          function inner(x) { return x + 1; }
          const arrow = (y) => y * 2;
          class Local { z = 1; }
          return [inner(1), arrow(2), new Local()];
        }
      }`,
      `class Sample {
        static { __name(this, "Sample"); }
        run() {
          function inner(x) { return x + 1; }
          __name(inner, "inner");
          const arrow = /* @__PURE__ */ __name((y) => y * 2, "arrow");
          class Local { static { __name(this, "Local"); } z = 1; }
          return [inner(1), arrow(2), new Local()];
        }
      }`,
    ]);
  });

  it('drops the empty statements vitest writes after blocks', () => {
    expectSameHash([
      `class Sample { run(x) { if (x) { return 1; } return 2; } }`,
      `class Sample { run(x) { if (x) { return 1; }; return 2; } }`,
    ]);
  });

  it('reads a single-statement body with and without braces alike, as Rolldown drops them', () => {
    expectSameHash([
      `class Sample { run(x) { if (x) { throw new Error('no'); } else { x = 1; } for (const y of x) { f(y); } while (x) { x--; } return x; } }`,
      `class Sample { run(x) { if (x) throw new Error('no'); else x = 1; for (const y of x) f(y); while (x) x--; return x; } }`,
    ]);
    expectSameHash([`class Sample { run(x) { if (x) {} } }`, `class Sample { run(x) { if (x); } }`]);
    // What the branches do still counts. An else after a branch that returns is the code after it.
    expectAllDifferent([
      `class Sample { run(x) { if (x) { return 1; } else if (x > 1) { return 2; } } }`,
      `class Sample { run(x) { if (x) { return 1; } else if (x > 1) { return 3; } } }`,
      `class Sample { run(x) { if (x) { f(); } if (x > 1) { return 2; } } }`,
    ]);
    expectSameHash([
      `class Sample { run(x) { if (x) { return 1; } else if (x > 1) { return 2; } } }`,
      `class Sample { run(x) { if (x) { return 1; } if (x > 1) { return 2; } } }`,
    ]);
  });

  it('drops a return of nothing at the end of a function, as Rolldown does, but not one that ends early', () => {
    expectSameHash([
      `class Sample { get driver() { return undefined; } run() { work(); return; } }`,
      `class Sample { get driver() { return void 0; } run() { work(); } }`,
      `class Sample { get driver() {} run() { work(); return void 0; } }`,
    ]);
    expectAllDifferent([
      `class Sample { run(x) { if (x) { return; } work(); } }`,
      `class Sample { run(x) { if (x) { } work(); } }`,
      `class Sample { get driver() { return null; } }`,
    ]);
  });

  it("undoes every bundler rename of a free name in the library's own classes, and only there", async () => {
    const { markLibraryClass } = await import('../../src/fingerprint/code-marks.js');
    const library = (name: string) => markLibraryClass(new Function(`const ${name} = 'Rasterizer'; return class Rasterizer { who() { return ${name}; } }`)());
    const user = (name: string) => new Function(`const ${name} = 'Mine'; return class Mine { who() { return ${name}; } }`)();
    expect(new Set(['WHO', 'WHO2', 'WHO$1', 'WHO2$1'].map((name) => sourceHash(library(name)))).size).toBe(1);
    expect(sourceHash(library('WHO'))).not.toBe(sourceHash(library('OTHER')));
    expect(new Set(['WHO', 'WHO2', 'WHO$1'].map((name) => sourceHash(user(name)))).size).toBe(3);
  });

  it("keeps a user's free names as written: a helper2 is not a bundler's renamed helper, nor layer_1 a compiled import", () => {
    // Without the code's module, nothing says what a name means; module resolution reads
    // bundler renames and compiled imports (see test/fingerprint/names/).
    expectAllDifferent([`class Sample { run() { return upscale(); } }`, `class Sample { run() { return upscale2(); } }`, `class Sample { run() { return upscale$1(); } }`]);
    expectAllDifferent([`class S { run(x) { return layer_1.load; } }`, `class S { run(x) { return load; } }`]);
    expect(canonicaliseText(`class S { run() { return (0, helpers_1.load)(1) + layer_1.max; } }`, 'S').free).toEqual(['helpers_1', 'layer_1']);
  });

  it('reads a uses alias only where the code does not also write the alias key itself', () => {
    // A bundler renames a helper (`scale` → `scale2`) and writes `uses = { scale: scale2 }`.
    expectSameHash([
      `class S { static uses = { scale }; run(x) { return scale(x); } }`,
      `class S { static uses = { scale: scale2 }; run(x) { return scale2(x); } }`,
    ]);
    // Here `scale` and `other` are two different functions: `other` must not read as `scale`.
    expectAllDifferent([
      `class S { static uses = { scale: other }; run(x) { return scale(x) + scale(x); } }`,
      `class S { static uses = { scale: other }; run(x) { return scale(x) + other(x); } }`,
    ]);
    expect(canonicaliseText(`class S { static uses = { scale: other }; run(x) { return scale(x) + other(x); } }`, 'S').free).toEqual(['other', 'scale']);
  });

  it('removes the renamed keep-names helper of code compiled twice (__name2)', () => {
    expectSameHash([
      `class Sample { run() { return 1; } }`,
      `class Sample { static { __name2(this, "Sample"); } static { __name(this, "Sample"); } run() { return 1; } }`,
    ]);
    expectAllDifferent([`class Sample { run() { return 1; } }`, `class Sample { run() { __named(this, "Sample"); return 1; } }`]);
  });

  it('removes the static blocks of tsc decorator lowering, and every static block: its effect counts by the values it leaves', () => {
    const clean = `class Sample extends Data { kind = 'x'; run() { return 1; } }`;
    const lowered = `class extends _classSuper {
      static { _classThis = this; }
      static {
        const _metadata = typeof Symbol === "function" && Symbol.metadata ? Object.create(_classSuper[Symbol.metadata] ?? null) : void 0;
        __esDecorate(null, _classDescriptor = { value: _classThis }, _classDecorators, { kind: "class", name: _classThis.name, metadata: _metadata }, null, _classExtraInitializers);
        Sample = _classThis = _classDescriptor.value;
      }
      kind = 'x';
      run() { return 1; }
      static { __runInitializers(_classThis, _classExtraInitializers); }
    }`;
    expectSameHash([clean, lowered]);
    // Target ES2020 moves a static block out of the class: what it does is seen in the class's values.
    const withBlock = (value: number) => new Function(`return class Sample { static { Sample.limit = ${value}; } run() { return 1; } }`)();
    expect(sourceHash(withBlock(1))).not.toBe(sourceHash(withBlock(2)));
    const movedOut = new Function(`const Sample = class { run() { return 1; } }; Sample.limit = 1; return Sample;`)();
    expect(sourceHash(movedOut)).toBe(sourceHash(withBlock(1)));
  });

  it('reads vite and vitest SSR import rewrites as the bare imported name', () => {
    expectSameHash([
      `class S { run(x) { return load(x) + LIMIT; } }`,
      `class S { run(x) { return __vite_ssr_import_0__.load(x) + __vite_ssr_import_1__.LIMIT; } }`,
      `class S { run(x) { return (0,__vite_ssr_import_2__.load)(x) + __vite_ssr_import_0__["LIMIT"]; } }`,
      `class S { run(x) { return (0, __vi_import_0__.load)(x) + __vi_ssr_import_3__.LIMIT; } }`,
      `class S { run(x) { return (0,__vite_ssr_import_2__.load)(x) + (0,__vite_ssr_import_1__.LIMIT); } }`,
    ]);
    // A user's own (0, x) is left alone.
    expectAllDifferent([`class S { run() { return typeof (0, LIMIT); } }`, `class S { run() { return typeof LIMIT; } }`]);
    expect(canonicaliseText(`class S { run(x) { return (0,__vite_ssr_import_2__.load)(x); } }`, 'S').free).toEqual(['load']);
  });

  it('removes use strict directives', () => {
    expectSameHash([`class S { run() { return 1; } }`, `class S { run() { "use strict"; return 1; } }`]);
    expectSameHash([`function f() { return 1; }`, `function f() { 'use strict'; return 1; }`], 'f');
  });

  it('treats TypeScript parameter properties alike whether or not a field declaration precedes them', () => {
    // tsc (ES2022) declares the fields first and keeps the constructor in place; esbuild moves the
    // constructor first. Both assign in the constructor.
    expectSameHash([
      `class S extends Data { a; b; kind = 'x'; static uses = { f }; cache; constructor(a, b = 2) { super(); this.a = a; this.b = b; } run() {} }`,
      `class S extends Data { constructor(a, b = 2) { super(); this.a = a; this.b = b; } a; b; kind = 'x'; static uses = { f }; cache; run() {} }`,
    ]);
    // A field without an initializer does not count; one with an initializer does.
    expectSameHash([`class S { kind; }`, `class S { }`]);
    expectAllDifferent([`class S { kind = 'x'; }`, `class S { }`]);
  });

  it('reduces static uses to its sorted keys and reads a bundler-renamed helper by its key', () => {
    expectSameHash([
      `class S { static uses = { helper, LIMIT }; run() { return helper(LIMIT); } }`,
      `class S { static uses = { LIMIT: LIMIT, helper: helper2 }; run() { return helper2(LIMIT); } }`,
      `class S { static uses = { helper: __vite_ssr_import_0__.helper, LIMIT }; run() { return (0,__vite_ssr_import_0__.helper)(LIMIT); } }`,
    ]);
    expect(canonicaliseText(`class S { static uses = { helper: helper2 }; run() { return helper2(); } }`, 'S')).toMatchObject({
      free: ['helper'],
      usesKeys: ['helper'],
    });
    expectAllDifferent([`class S { static uses = { helper }; }`, `class S { static uses = { helper, other }; }`]);
  });

  it('counts template literal parts by value, except in tagged templates', () => {
    expectSameHash(['class S { run() { return `a\\nb`; } }', 'class S { run() { return `a\nb`; } }']);
    expectAllDifferent(['class S { run() { return String.raw`a\\nb`; } }', 'class S { run() { return String.raw`a\nb`; } }']);
  });
});

describe('canonicalSourceText', () => {
  it('prints locals as $n and the class itself as $self', () => {
    class Slope {
      run(x: number) {
        const scaled = x * 2;
        return scaled > 1 ? new Slope() : scaled;
      }
    }
    expect(canonicalSourceText(Slope)).toBe(
      ['class {', '  run($0) {', '    let $1 = $0 * 2;', '    if ($1 > 1) {', '      return new $self();', '    }', '    return $1;', '  }', '}'].join('\n'),
    );
  });

  it('prints code that parses back to the same canonical form', () => {
    const samples = [
      base,
      `class S { static uses = { helper, LIMIT }; #secret = 1; static count = 0; get doubled() { return this.a * 2; }
        set doubled(v) { this.a = v / 2; } static async *gen() { yield* [1, 2]; await null; }
        [Symbol.iterator]() { return this.#secret; } static { S.count++; } }`,
      `class S extends Base { constructor() { super(); } run(a, ...rest) {
        label: for (let i = 0, j = 1; i < 10; i++) { if (i % 2) continue label; else break; }
        for (const [k, v] of Object.entries(a ?? {})) { switch (k) { case "x": { let y = v; use(y); break; } default: use(k); } }
        for (var key in a) { do { key = key + "!"; } while (key.length < 3); }
        const o = { a, b: [1, , 3], ...rest, [key]: -(-1), c: typeof a === "object" && !(a instanceof Array), m() { return this; } };
        const f = async ({ p = 1, q: [r] = [] } = {}) => ({ p, r });
        const g = function named(n) { return n ? named(n - 1) : 0; };
        try { throw new Error("x"); } catch { return (a, b); } finally { void 0; }
        const t = tag\`raw\\n\${a}\`;
        const n = new (f())(), m = new a.b.C(), p = (-2) ** 2, q = (a || b) ?? c, r = a?.b?.[0]?.(1);
        return [o, f, g, t, n, m, p, q, r, 1.5e21, 10n, /x+/gi, \`a\${a}b\`, a ? b : c, (a = 1), x => x, i++, --i, import.meta];
      } }`,
      `function helper(values, { zFactor = 1 } = {}) { return values.map((v) => v * zFactor); }`,
      `function strictHelper(values) { "use strict"; return values.length; }`,
      `async (x) => { const y = await x; return y; }`,
    ];
    for (const text of samples) {
      const first = canonicaliseText(text, 'S');
      const again = canonicaliseText(first.text(), '$self');
      expect(again.hash, first.text()).toBe(first.hash);
    }
  });
});

describe('freeIdentifiers', () => {
  it('lists free names, sorted, without locals, property names, labels or the class itself', () => {
    class Sample {
      run(values: number[]) {
        const max = Math.max(...values);
        outer: for (const v of values) if (v > max) break outer;
        return { max, limit: LIMIT_FOR_TEST, make: () => new Sample() };
      }
    }
    expect(freeIdentifiers(Sample)).toEqual(['LIMIT_FOR_TEST', 'Math']);
  });
});

describe('functions and built-ins', () => {
  it('hashes functions, arrow functions and object methods, ignoring their own name', () => {
    expectSameHash([`function scale(v) { return v * 2; }`, `function scale2(w) { return w * 2; }`], 'scale');
    expect(hashOf(`(v) => v * 2`)).not.toBe(hashOf(`(v) => v * 3`));
    expect(hashOf(`scale(v) { return v * 2; }`, 'scale')).toBe(hashOf(`function (v) { return v * 2; }`, 'scale'));
  });

  it('hashes native functions by name and rejects bound functions', () => {
    expect(sourceHash(Math.max)).not.toBe(sourceHash(Math.min));
    expect(canonicalSource(Math.max).kind).toBe('native');
    const bound = function scale(this: unknown, v: number) {
      return v;
    }.bind(null);
    expect(() => sourceHash(bound)).toThrow(FingerprintError);
    expect(() => sourceHash(bound)).toThrow(/bound function "bound scale"/);
  });
});

// Referenced, never called: a free name for `freeIdentifiers` to find.
declare const LIMIT_FOR_TEST: number;
