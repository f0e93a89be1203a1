import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What Node runs from the package is dist/bundle (scripts/build.ts), not tsc's dist/src: the
// library's classes must hash, name and register the same from it, or every user's entries would
// recompute after an upgrade that only changed how the package is laid out.

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = join(REPO, 'test/package/fixtures/print-fingerprints.mjs');
const BUNDLE = pathToFileURL(join(REPO, 'dist/bundle/node.js')).href;
const COMPILED = pathToFileURL(join(REPO, 'dist/src/node.js')).href;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'geodata-node-bundle-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function node(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [script, ...args], { cwd: work, maxBuffer: 16 << 20 });
  return stdout;
}

async function nodeWithSourceMaps(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--enable-source-maps', script, ...args], { cwd: work, maxBuffer: 16 << 20 });
  return stdout;
}

describe("the package's Node bundle", () => {
  it('fingerprints pipelines that use every library processor and terrain dataset as dist/src does', async () => {
    const [bundled, compiled] = await Promise.all([node(FIXTURE, BUNDLE), node(FIXTURE, COMPILED)]);
    const hashes = JSON.parse(bundled) as Record<string, { stateHash: string }>;
    expect(Object.keys(hashes)).toEqual(['Reprojector', 'Rasterizer', 'Mosaic', 'Slope', 'Aspect', 'Hillshade', 'Roughness', 'Tpi', 'Tri', 'ColorRelief']);
    expect(hashes).toEqual(JSON.parse(compiled));
    // Stacks mapped to the TypeScript sources (the bundle's map goes through tsc's) change nothing.
    expect(JSON.parse(await nodeWithSourceMaps(FIXTURE, BUNDLE))).toEqual(hashes);
  }, 60_000);

  it('records where a class was registered in the user\'s module, not in the chunk holding register()', async () => {
    const script = join(work, 'site.mjs');
    writeFileSync(script, [`const g = await import(${JSON.stringify(BUNDLE)});`, 'class Foo extends g.Data {}', 'g.register(Foo);', 'console.log(g.defaultRegistry.siteOf(Foo));', ''].join('\n'));
    expect((await node(script)).trim()).toBe(`${pathToFileURL(script).href}:3:3`);
  });

  it('keeps the names tsc gives every exported class and function', async () => {
    const script = join(work, 'names.mjs');
    writeFileSync(
      script,
      [
        `const bundled = await import(${JSON.stringify(BUNDLE)});`,
        `const compiled = await import(${JSON.stringify(COMPILED)});`,
        'const names = (m) => Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === "function").map(([k, v]) => [k, v.name]));',
        'console.log(JSON.stringify([names(bundled), names(compiled)]));',
        '',
      ].join('\n'),
    );
    const [bundled, compiled] = JSON.parse(await node(script)) as [Record<string, string>, Record<string, string>];
    expect(bundled.Mosaic).toBe('Mosaic');
    expect(bundled).toEqual(compiled);
  });

  it('loads none of dist/src when a script imports geodata by name', async () => {
    // A package-internal script resolves `geodata` through package.json's exports, as a user's does.
    const script = join(REPO, 'dist', 'bundle', `which-files-${process.pid}.mjs`);
    const hook = join(work, 'hook.mjs');
    writeFileSync(hook, "export async function load(url, context, next) { process.stderr.write(url + '\\n'); return next(url, context); }\n");
    writeFileSync(join(work, 'register-hook.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
    writeFileSync(script, "await import('geodata');\n");
    try {
      const { stderr } = await run(process.execPath, ['--import', pathToFileURL(join(work, 'register-hook.mjs')).href, script], { cwd: work });
      const ours = stderr.split('\n').filter((url) => url.startsWith(pathToFileURL(join(REPO, 'dist')).href));
      expect(ours.filter((url) => !url.includes('/dist/bundle/'))).toEqual([]);
      expect(ours).toContain(BUNDLE);
    } finally {
      rmSync(script, { force: true });
    }
  });
});
