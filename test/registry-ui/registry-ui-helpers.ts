import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A real cache with a history, for the registry browser's tests: the fixture pipeline computed
 * by version 1 and then version 2 (Constant and Label edited, Gone deleted), each in a process of
 * its own as a user's script would, plus a damaged entry and the debris of a crashed run.
 */

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..');
export const FIXTURES = join(here, 'fixtures');
export const V1 = join(FIXTURES, 'pipeline-v1.ts');
export const V2 = join(FIXTURES, 'pipeline-v2.ts');
export const BIN = join(REPO, 'bin', 'geodata.js');
export const SCREENSHOTS = join(REPO, 'test-output', 'browse');
const TSX_LOADER = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;

/** One entry as stored on disk. */
export interface StoredEntry {
  hash: string;
  key: string;
  className: string;
  parameters: Record<string, unknown>;
  meta: Record<string, any>;
}

/** What {@link buildCache} made. */
export interface BuiltCache {
  root: string;
  entries: StoredEntry[];
  /** An entry whose output was truncated after it was committed. */
  truncated: StoredEntry;
  /** A folder without meta.json, as a crashed run leaves. */
  incomplete: string;
  /** A staging folder nobody holds, backdated. */
  staging: string;
  /** Finds the one stored entry of a class with these parameters (and, optionally, this source hash). */
  entry(className: string, parameters?: Record<string, unknown>, sourceHash?: string): StoredEntry;
}

/** A fresh temp folder. */
export function tempFolder(label: string): string {
  return mkdtempSync(join(tmpdir(), `geodata-browse-${label}-`));
}

/** Computes a fixture module's targets into `root` in a process of its own; the classes it computed. */
export function runPipeline(root: string, module: string, exportName = 'targets'): string[] {
  const result = spawnSync(process.execPath, ['--import', TSX_LOADER, join(FIXTURES, 'run-pipeline.ts'), root, module, exportName], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`run-pipeline ${module} failed:\n${result.stderr}`);
  return (JSON.parse(result.stdout.trim().split('\n').pop()!) as { computed: string[] }).computed;
}

/** Builds the cache under `<folder>/cache`. */
export function buildCache(folder: string): BuiltCache {
  const root = join(folder, 'cache');
  runPipeline(root, V1);
  runPipeline(root, V2);
  const entries = storedEntries(root);
  const find = (className: string, parameters: Record<string, unknown> = {}, sourceHash?: string) => {
    const found = entries.filter((e) => e.className === className && JSON.stringify(e.parameters) === JSON.stringify(parameters) && (sourceHash === undefined || e.meta.source_hash === sourceHash));
    if (found.length !== 1) throw new Error(`expected one ${className} ${JSON.stringify(parameters)} entry, found ${found.length}`);
    return found[0]!;
  };
  // Damage: Constant(2)'s output loses bytes after it was committed.
  const truncated = find('Constant', { value: 2 });
  truncateSync(join(root, truncated.key, truncated.meta.output.file), 3);
  // A crashed run: a folder without meta.json, and a staging folder nobody holds.
  const incomplete = 'c0'.repeat(32);
  mkdirSync(join(root, 'data_processed', incomplete), { recursive: true });
  writeFileSync(join(root, 'data_processed', incomplete, 'constant.txt'), 'half');
  const staging = `${'d1'.repeat(8)}-Xy12Ab`;
  mkdirSync(join(root, '.staging', staging), { recursive: true });
  writeFileSync(join(root, '.staging', staging, 'constant.txt'), 'half written');
  backdate(join(root, '.staging'), 10 * 60_000);
  return { root, entries, truncated, incomplete, staging, entry: find };
}

/** The entries with a meta.json under a cache root. */
export function storedEntries(root: string): StoredEntry[] {
  const found: StoredEntry[] = [];
  for (const folder of ['data_processed', 'figures']) {
    if (!existsSync(join(root, folder))) continue;
    for (const hash of readdirSync(join(root, folder)).sort()) {
      const metaPath = join(root, folder, hash, 'meta.json');
      if (!existsSync(metaPath)) continue;
      const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
      const parameters = JSON.parse(readFileSync(join(root, folder, hash, 'parameters.json'), 'utf8'));
      found.push({ hash, key: `${folder}/${hash}/`, className: meta.class_name, parameters, meta });
    }
  }
  return found;
}

/** Moves modification times `ageMs` into the past, recursively. */
export function backdate(path: string, ageMs: number): void {
  const when = new Date(Date.now() - ageMs);
  try {
    for (const name of readdirSync(path)) backdate(join(path, name), ageMs);
  } catch {
    // a file
  }
  utimesSync(path, when, when);
}

export function removeFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
}

/** A response read whole. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

/**
 * An HTTP request sent exactly as given: the path is not normalised (so `..` and `%2e%2e` reach
 * the server as typed) and any Host header can be set.
 */
export function rawRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string; host?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: options.host ?? '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: `127.0.0.1:${port}`, ...options.headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** The action token a server embedded in its page. */
export async function pageToken(port: number): Promise<string> {
  const page = await rawRequest(port, '/');
  const token = /<meta name="geodata-token" content="([0-9a-f]+)">/.exec(page.text)?.[1];
  if (!token) throw new Error(`no token in the page:\n${page.text}`);
  return token;
}
