// A module a class loads with `import()` is part of what the class does: it is hashed by what it
// exports, found from the class's own module, as a static import would be. Where nothing says
// which module it is (a computed specifier, a class without a module), the import is reported as
// unhashed. These modules are loaded by vitest, which rewrites dynamic imports
// (`__vite_ssr_dynamic_import__`) and so the class's text: the class is still located.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseClass } from '../../src/fingerprint/dependencies.js';
import { NodeModuleReader } from '../../src/fingerprint/module-reader-node.js';
import { buildWorld } from './world.js';

const work = mkdtempSync(join(tmpdir(), 'geodata-dynamic-imports-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fingerprintModule = pathToFileURL(join(import.meta.dirname, '../../src/fingerprint/index.ts')).href;
let projects = 0;

/** Writes a project (its main module registers `Step`), loads it, and analyses `Step` there. */
async function analyseStep(files: Record<string, string>) {
  const dir = join(work, `p${projects++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pipeline', private: true, type: 'module' }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const head = `import { ClassRegistry, markFrameworkBase, register } from ${JSON.stringify(fingerprintModule)};
export const registry = new ClassRegistry();
export class Data {}
markFrameworkBase(Data);
`;
  writeFileSync(join(dir, 'main.mjs'), `${head}${files['main.mjs']}\nregister(Step, undefined, registry);\n`);
  const module = (await import(pathToFileURL(join(dir, 'main.mjs')).href)) as Record<string, any>;
  return analyseClass(module.Step, module.registry, new NodeModuleReader());
}

describe('a module a class loads with import()', () => {
  it('is hashed by the functions it exports: editing one changes the class, editing another function does not', async () => {
    const main = `export class Step extends Data { async run(v) { const { kernel } = await import('./helpers.mjs'); return kernel(v); } }`;
    const helpers = (factor: number, unrelated: number) => `function unrelated() { return ${unrelated}; }\nexport function kernel(v) { return v * ${factor}; }`;
    const before = await analyseStep({ 'main.mjs': main, 'helpers.mjs': helpers(2, 1) });
    const edited = await analyseStep({ 'main.mjs': main, 'helpers.mjs': helpers(3, 1) });
    const unrelatedEdit = await analyseStep({ 'main.mjs': main, 'helpers.mjs': helpers(2, 5) });
    expect(before.unresolved).toEqual([]);
    expect(Object.keys(before.tree.nodes)).toEqual(['Step', 'helpers.mjs', 'kernel']);
    expect(before.tree.edges).toEqual([
      { from: 'Step', to: 'helpers.mjs', kind: 'calls' },
      { from: 'helpers.mjs', to: 'kernel', kind: 'calls' },
    ]);
    expect(edited.depTreeHash).not.toBe(before.depTreeHash);
    expect(unrelatedEdit.depTreeHash).toBe(before.depTreeHash);
  });

  it('of a package is hashed by the package name and version', async () => {
    const analysis = await analyseStep({
      'main.mjs': `export class Step extends Data { async run() { return (await import('kernels')).default; } }`,
      'node_modules/kernels/package.json': JSON.stringify({ name: 'kernels', version: '1.4.2', type: 'module', exports: './index.js' }),
      'node_modules/kernels/index.js': 'export default 1;',
    });
    expect(analysis.unresolved).toEqual([]);
    expect(Object.keys(analysis.tree.nodes)).toEqual(['Step', 'kernels@1.4.2:*']);
  });

  it('named by a computed specifier is reported as unhashed, with the remedy', async () => {
    const analysis = await analyseStep({
      'main.mjs': `const HELPERS = './helpers.mjs';\nexport class Step extends Data { async run(v) { return (await import(HELPERS)).kernel(v); } }`,
      'helpers.mjs': `export function kernel(v) { return v * 2; }`,
    });
    expect(analysis.unresolved).toEqual([
      { className: 'Step', identifier: 'import(…)', reason: expect.stringContaining('import it statically') },
    ]);
  });

  it('of a class without a module (made by new Function) is reported as unhashed', () => {
    const { classes, registry } = buildWorld(`class Step extends Data { async run(v) { return (await import('./helpers.js')).kernel(v); } } return { Step };`);
    expect(analyseClass(classes.Step, registry).unresolved).toEqual([
      { className: 'Step', identifier: 'import("./helpers")', reason: expect.stringContaining('not hashed') },
    ]);
  });
});
