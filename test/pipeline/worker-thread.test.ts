// geodata imports and runs inside a Node worker_thread (geotiff's web-worker dependency used to
// crash there: "Cannot destructure property 'mod' of 'threads.workerData'").
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';

const fixture = new URL('./fixtures/worker-thread.ts', import.meta.url).href;
const scratch = mkdtempSync(join(tmpdir(), 'geodata-worker-thread-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the fixture in a worker thread (TypeScript through tsx) and resolves to what it posts. */
function runInWorker(options: { workerData?: unknown }): Promise<unknown> {
  const root = mkdtempSync(join(scratch, 'root-'));
  const code = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(fixture)});`;
  const worker = new Worker(code, { eval: true, argv: [root], ...options });
  return new Promise((resolve, reject) => {
    worker.once('message', (message) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker exited with ${code} before posting`)));
  });
}

/** Starts the temporary-folder fixture in a worker thread; resolves to the worker and its folder. */
async function tempFolderWorker(): Promise<{ worker: Worker; folder: string }> {
  const code = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(new URL('./fixtures/temp-folder-worker.ts', import.meta.url).href)});`;
  const worker = new Worker(code, { eval: true });
  const folder = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, folder };
}

describe('geodata in a Node worker_thread', () => {
  it('removes the temporary folder of a terminated worker thread when another thread makes its own', async () => {
    const first = await tempFolderWorker();
    await first.worker.terminate();
    // A terminated thread runs no exit handler: its folder is still there.
    expect(existsSync(join(first.folder, 'uncompressed.tif'))).toBe(true);
    const second = await tempFolderWorker();
    expect(existsSync(first.folder)).toBe(false);
    expect(existsSync(second.folder)).toBe(true);
    await second.worker.terminate();
  }, 60_000);

  it('computes an entry through GDAL and reads it back with geotiff.js in a thread without workerData', async () => {
    expect(await runInWorker({})).toEqual({ values: [1, 2, 3, 4], workerData: undefined });
  }, 60_000);

  it('leaves a thread its own workerData, even one with a "mod" key that web-worker would take for its own', async () => {
    const workerData = { mod: 'not-a-script.js', job: 7 };
    expect(await runInWorker({ workerData })).toEqual({ values: [1, 2, 3, 4], workerData });
  }, 60_000);
});
