// A pipeline module may set its own cache root as it loads; the command must report the root whose
// store it reads.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, geodataJson } from './cli-helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'geodata-module-root-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(): string {
  const folder = mkdtempSync(join(scratch, 'project-'));
  mkdirSync(join(folder, 'asked'));
  mkdirSync(join(folder, 'module-cache'));
  const library = pathToFileURL(join(REPO, 'dist', 'bundle', 'node.js')).href;
  writeFileSync(join(folder, 'pipeline.mjs'), `import { getConfig } from ${JSON.stringify(library)};\ngetConfig().update({ root: ${JSON.stringify(join(folder, 'module-cache'))} });\n`);
  return folder;
}

describe('a pipeline module that sets its own root', () => {
  it('reads the root given with --root, and says so, when the module sets another', () => {
    const folder = project();
    const { code, value } = geodataJson(['status', '-m', 'pipeline.mjs', '--root', 'asked'], folder);
    expect(code).toBe(0);
    expect([value.root, value.store]).toEqual([join(folder, 'asked'), `fs:${join(folder, 'asked')}`]);
  });

  it("reads the module's root, and says so, when no root is given", () => {
    const folder = project();
    const { code, value } = geodataJson(['status', '-m', 'pipeline.mjs'], folder);
    expect(code).toBe(0);
    expect([value.root, value.store]).toEqual([join(folder, 'module-cache'), `fs:${join(folder, 'module-cache')}`]);
  });
});
