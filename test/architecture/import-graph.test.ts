import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Imports flow one way: nothing inside the library imports its public surface (`src/api.ts`) or
// an entry (`src/node.ts`, `src/browser.ts`). An inner module that did tied most of `src/` into
// one import cycle, so a bundle could not leave out what a page does not use. The CLI (`src/cli/`,
// the package's bin) sits above the surface, as a user's program does: it may import the entry.

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const SURFACE = ['api.ts', 'node.ts', 'browser.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The modules of `src/` a file imports at run time (type-only imports and exports left out). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specifiers: string[] = [];
  const statement = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;
  for (const match of text.matchAll(statement)) if (!match[2]) specifiers.push(match[3]!);
  for (const match of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(match[1]!);
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'))
    .filter((path) => path.startsWith(SRC + '/'));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, runtimeImports(file)]));
const name = (file: string) => relative(SRC, file);

/** Every module `from` reaches by following imports. */
function reachableFrom(from: string): Set<string> {
  const reached = new Set<string>();
  const pending = [from];
  while (pending.length) {
    for (const next of graph.get(pending.pop()!) ?? []) {
      if (!reached.has(next)) {
        reached.add(next);
        pending.push(next);
      }
    }
  }
  return reached;
}

describe('the import graph of src/', () => {
  it('reads the imports it checks (the entries import api.ts, api.ts imports the pipeline)', () => {
    expect(graph.get(join(SRC, 'node.ts'))).toContain(join(SRC, 'api.ts'));
    expect(graph.get(join(SRC, 'api.ts'))).toContain(join(SRC, 'pipeline/process.ts'));
    expect(files.length).toBeGreaterThan(100);
  });

  it('has no module inside src/ that imports api.ts or an entry file, apart from the entries and the CLI', () => {
    const offenders = files
      .filter((file) => !['node.ts', 'browser.ts'].includes(name(file)) && !name(file).startsWith('cli/'))
      .flatMap((file) => graph.get(file)!.filter((target) => SURFACE.includes(name(target))).map((target) => `${name(file)} → ${name(target)}`));
    expect(offenders).toEqual([]);
  });

  it('has no import cycle through api.ts', () => {
    const api = join(SRC, 'api.ts');
    const backToApi = [...reachableFrom(api)].filter((file) => reachableFrom(file).has(api));
    expect(backToApi.map(name)).toEqual([]);
  });
});
