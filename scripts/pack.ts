/**
 * Around `npm pack` and `npm publish` (the package's prepack and postpack scripts):
 *
 *   tsx scripts/pack.ts prepack    builds dist/ if a source changed since the last build, and
 *                                  takes the `prepare` script out of package.json
 *   tsx scripts/pack.ts postpack   puts package.json back as it was (its time too)
 *
 * `prepare` builds a clone on `npm install`; in the published package it would do nothing (npm
 * runs it only for git dependencies) but make npm warn, on every install, that geodata has an
 * install script that was not approved.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackage, staleBuild } from './build.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = join(REPO, 'package.json');
/** package.json as it was before prepack, and its modification time (gitignored). */
const SAVED = join(REPO, '.package.json.prepack');

async function prepack(): Promise<void> {
  // A pack that failed after prepack never ran postpack: put that package.json back first.
  if (existsSync(SAVED)) postpack();
  const stale = staleBuild();
  if (stale) {
    console.log(`${stale}: building it`);
    await buildPackage();
  }
  const text = readFileSync(MANIFEST, 'utf8');
  writeFileSync(SAVED, JSON.stringify({ text, mtimeMs: statSync(MANIFEST).mtimeMs }));
  const manifest = JSON.parse(text) as { scripts: Record<string, string> };
  delete manifest.scripts.prepare;
  replaceManifest(`${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Writes package.json by a rename, so a process reading it meanwhile (a bundler or a test run
 * resolving the package) sees the old text or the new, never a truncated file.
 */
function replaceManifest(text: string, mtimeMs?: number): void {
  const next = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(next, text);
  if (mtimeMs !== undefined) utimesSync(next, new Date(), new Date(mtimeMs));
  renameSync(next, MANIFEST);
}

function postpack(): void {
  const saved = JSON.parse(readFileSync(SAVED, 'utf8')) as { text: string; mtimeMs: number };
  // The build's freshness check compares times: the manifest did not change.
  replaceManifest(saved.text, saved.mtimeMs);
  rmSync(SAVED);
}

const step = process.argv[2];
if (step === 'prepack') await prepack();
else if (step === 'postpack') postpack();
else throw new Error(`usage: tsx scripts/pack.ts prepack|postpack, got ${step}`);
