import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The CLI as a user runs it: `node bin/geodata.js ...` in its own process, against a cache built
 * by the fixture pipeline modules (TypeScript), each run in its own process too.
 */

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
/** The repository's root folder. */
export const REPO = repo;
export const BIN = join(repo, 'bin', 'geodata.js');
export const FIXTURES = join(here, 'fixtures');
export const V1 = join(FIXTURES, 'pipeline-v1.ts');
export const V2 = join(FIXTURES, 'pipeline-v2.ts');
export const BROKEN = join(FIXTURES, 'broken.ts');
const TSX_LOADER = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `geodata <args>` in `cwd`. */
export function geodata(args: string[], cwd: string): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs `geodata <args> --json` and parses stdout. */
export function geodataJson<T = any>(args: string[], cwd: string): { code: number | null; value: T; stderr: string } {
  const run = geodata([...args, '--json'], cwd);
  let value: T;
  try {
    value = JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`geodata ${args.join(' ')} --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, value, stderr: run.stderr };
}

/** Computes (or reads) a fixture module's targets in `root`, in a process of its own; what it computed and hit. */
export function runPipeline(root: string, module: string): { computed: string[]; hits: string[] } {
  const result = spawnSync(process.execPath, ['--import', TSX_LOADER, join(FIXTURES, 'run-pipeline.ts'), root, module], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`run-pipeline ${module} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

/** One entry folder as stored: its hash, class and parameters. */
export interface StoredEntry {
  hash: string;
  key: string;
  className: string;
  parameters: Record<string, unknown>;
  meta: Record<string, any>;
}

/** The entries with a meta.json under a cache root. */
export function storedEntries(root: string): StoredEntry[] {
  const found: StoredEntry[] = [];
  for (const folder of ['data_processed', 'figures']) {
    if (!existsSync(join(root, folder))) continue;
    for (const hash of readdirSync(join(root, folder))) {
      const metaPath = join(root, folder, hash, 'meta.json');
      if (!existsSync(metaPath)) continue;
      const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
      const parameters = JSON.parse(readFileSync(join(root, folder, hash, 'parameters.json'), 'utf8'));
      found.push({ hash, key: `${folder}/${hash}/`, className: meta.class_name, parameters, meta });
    }
  }
  return found;
}

/** Finds the one stored entry of a class (with these parameters). */
export function entryOf(entries: StoredEntry[], className: string, parameters: Record<string, unknown> = {}, source?: string): StoredEntry {
  const matches = entries.filter(
    (e) => e.className === className && JSON.stringify(e.parameters) === JSON.stringify(parameters) && (source === undefined || e.meta.source_hash === source),
  );
  if (matches.length !== 1) throw new Error(`expected one ${className} ${JSON.stringify(parameters)} entry, found ${matches.length}`);
  return matches[0]!;
}

/** A temp folder, removed by `removeAll`. */
const made: string[] = [];
export function tempFolder(label: string): string {
  const folder = mkdtempSync(join(tmpdir(), `geodata-cli-${label}-`));
  made.push(folder);
  return folder;
}
export function removeAll(): void {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/**
 * A project folder for one test: a copy of the built cache under `cache/` and a
 * geodata.config.json naming the version-2 pipeline and that root.
 */
export function project(builtCache: string): string {
  const folder = tempFolder('project');
  cpSync(builtCache, join(folder, 'cache'), { recursive: true, preserveTimestamps: true });
  // Copying touches the folders' own times; the crashed run's staging folder must look old.
  if (existsSync(join(folder, 'cache', '.staging'))) backdate(join(folder, 'cache', '.staging'), 10 * 60_000);
  writeFileSync(join(folder, 'geodata.config.json'), JSON.stringify({ modules: [V2], root: 'cache' }));
  return folder;
}

/** Adds a crashed run's debris: an entry folder without meta.json, and an old staging folder. */
export function addDebris(root: string): { incomplete: string; staging: string } {
  const incomplete = 'c0'.repeat(32);
  mkdirSync(join(root, 'data_processed', incomplete), { recursive: true });
  writeFileSync(join(root, 'data_processed', incomplete, 'constant.txt'), 'half');
  const staging = `${'d1'.repeat(8)}-Xy12Ab`;
  mkdirSync(join(root, '.staging', staging), { recursive: true });
  writeFileSync(join(root, '.staging', staging, 'constant.txt'), 'half written');
  backdate(join(root, '.staging'), 10 * 60_000);
  return { incomplete, staging };
}

/** Moves a folder's (and everything in it) modification times `ageMs` into the past. */
export function backdate(path: string, ageMs: number): void {
  const when = new Date(Date.now() - ageMs);
  try {
    for (const name of readdirSync(path)) backdate(join(path, name), ageMs);
  } catch {
    // a file
  }
  utimesSync(path, when, when);
}
