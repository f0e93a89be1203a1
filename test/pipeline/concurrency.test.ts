import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempCache } from '../helpers/cache.js';

const CHILD = fileURLToPath(new URL('./fixtures/child-pipeline.ts', import.meta.url));
const TEMP_CHILD = fileURLToPath(new URL('./fixtures/temp-folder-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

function child(root: string, mode: string, log: string, env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, root, mode], {
    cwd: REPO,
    env: { ...process.env, GEODATA_TEST_LOG: log, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => (stdout += d));
  proc.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    proc.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { proc, done };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('across processes', () => {
  const cache = useTempCache();

  it('computes an entry once when eight processes load it at the same time, and all get the same bytes', async () => {
    const log = join(cache.root, 'computations.log');
    const runs = await Promise.all(Array.from({ length: 8 }, () => child(cache.root, 'load', log).done));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
    const hashes = new Set(runs.map((run) => run.stdout.trim()));
    expect(hashes.size).toBe(1);
    expect([...hashes][0]).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(join(cache.root, 'data_processed'))).toHaveLength(1);
  });

  it('never starts GDAL in a run that only reads the cache', async () => {
    const log = join(cache.root, 'computations.log');
    const first = await child(cache.root, 'cached', log).done;
    expect(first.code, first.stderr).toBe(0);
    // The first run computes the entry and writes its GeoTIFF with GDAL: the check can see GDAL.
    expect(first.stdout.trim().split('\n')[1]).toBe('gdal started');
    const second = await child(cache.root, 'cached', log).done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim().split('\n')).toEqual([first.stdout.trim().split('\n')[0], 'gdal never started']);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('keeps the cache at a relative root as resolved when it was set, after the script changes directory', async () => {
    const elsewhere = join(cache.root, 'elsewhere');
    mkdirSync(elsewhere);
    const run = await child(cache.root, 'chdir', join(cache.root, 'chdir.log'), { GEODATA_TEST_CHDIR: elsewhere }).done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(new RegExp(`^${cache.root}/cache/data_processed/[0-9a-f]{64}/slow_constant\\.tif$`));
    expect(existsSync(run.stdout.trim())).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('removes the temporary folder of a process killed by a signal when the next process makes its own', async () => {
    // All three live at once, so none reclaims another's folder before it is killed.
    const folders = await Promise.all(
      (['SIGKILL', 'SIGINT', 'SIGTERM'] as const).map(async (signal) => {
        const killed = spawn(process.execPath, ['--import', 'tsx', TEMP_CHILD, 'hang'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
        const exited = new Promise((resolve) => killed.on('exit', resolve));
        const folder = await new Promise<string>((resolve) => killed.stdout.on('data', (line) => resolve(String(line).trim())));
        return { folder, kill: () => (killed.kill(signal), exited) };
      }),
    );
    expect(folders.map(({ folder }) => existsSync(join(folder, 'uncompressed.tif')))).toEqual([true, true, true]);
    await Promise.all(folders.map(({ kill }) => kill()));
    // Exit handlers do not run on these signals: the folders are still there.
    expect(folders.map(({ folder }) => existsSync(folder))).toEqual([true, true, true]);
    const next = await new Promise<string>((resolve) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', TEMP_CHILD, 'exit'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      proc.stdout.on('data', (d) => (out += d));
      proc.on('exit', () => resolve(out.trim()));
    });
    expect(next).toMatch(new RegExp(`^${tmpdir()}/geodata-p\\d+\\.`));
    expect(folders.map(({ folder }) => existsSync(folder))).toEqual([false, false, false]);
    expect(existsSync(next)).toBe(false); // its own, removed as it exited
  }, 30_000);

  it('leaves no visible entry when a process is killed inside _process, and the next run recomputes', async () => {
    const log = join(cache.root, 'hang.log');
    const hanging = child(cache.root, 'hang', log, { GEODATA_TEST_HANG: '1' });
    await waitFor(() => existsSync(log), 'the child to start computing');
    hanging.proc.kill('SIGKILL');
    await hanging.done;
    const processed = join(cache.root, 'data_processed');
    expect(existsSync(processed) ? readdirSync(processed) : []).toEqual([]);
    expect(readdirSync(join(cache.root, '.locks'))).toHaveLength(1);
    // The killed run left its lock and staging folder; the next run of the same entry recovers the
    // lock (its owner is dead) and computes the entry in full.
    const rerun = await child(cache.root, 'finish', join(cache.root, 'rerun.log')).done;
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout.trim()).toBe('7');
    expect(readdirSync(processed)).toHaveLength(1);
  });
});
