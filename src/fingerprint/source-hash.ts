import { canonicalSource } from './canonical-source.js';
import { analyseClass } from './dependencies.js';
import { defaultRegistry } from './registry.js';

/** Any class or function whose code can be fingerprinted. */
export type Code = Function;

/**
 * The source hash of a class or function: SHA-256 (64 hex digits) of the canonical AST of its
 * own text (`cls.toString()` parsed by acorn). Positions, comments, formatting, local variable
 * names and what compilers add on their own (tsc, tsx, vitest, esbuild) do not count; literals,
 * operators, property and method names, called names and free names do. For a class registered
 * in the default registry, its free names are read as its module means them (a helper of the
 * project by its place among the class's dependencies, not by a name a bundler may change): the
 * hash `describe` records. Memoised.
 *
 * Dependencies are not included: see `dependencyTree` and `fingerprint`.
 *
 * @example
 * class Slope { run(x: number) { const scaled = x * 2; return scaled; } }
 * sourceHash(Slope); // same after renaming `scaled`, different after changing `2`
 */
export function sourceHash(code: Code): string {
  if (defaultRegistry.nameOf(code) === undefined) return canonicalSource(code).hash;
  try {
    return analyseClass(code).sourceHash;
  } catch {
    // A class that cannot be analysed (a broken `uses`) still has its own text.
    return canonicalSource(code).hash;
  }
}

/**
 * The canonical source printed as JavaScript: locals renamed `$0`, `$1`, …, the class or
 * function itself `$self`, toolchain artefacts gone, the body of `static uses` reduced to its
 * keys. Stable across toolchains and meant to be stored and diffed.
 *
 * @example
 * canonicalSourceText(Slope);
 * // 'class {\n  run($0) {\n    return $0 * 2;\n  }\n}' (a variable used once is inlined, as bundlers do)
 */
export function canonicalSourceText(code: Code): string {
  return canonicalSource(code).text();
}

/**
 * The free names of a class or function body: neither local nor the code itself. Globals
 * (`Math`), imports, other classes and helpers all appear here, sorted.
 *
 * @example
 * freeIdentifiers(class { run() { return Math.max(helper(1), LIMIT); } }); // ['LIMIT', 'Math', 'helper']
 */
export function freeIdentifiers(code: Code): string[] {
  return [...canonicalSource(code).free];
}
