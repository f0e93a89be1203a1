import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startWorkerThread, workerExecArgv } from '../../wasm/worker-thread-node.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;

/** Runs `code` in a worker thread started by `startWorkerThread` with `execArgv`; resolves to what it posts back. */
function runInWorker(execArgv: string[]): Promise<unknown> {
  const worker = startWorkerThread("require('node:worker_threads').parentPort.postMessage(process.execArgv)", { eval: true }, execArgv);
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('the Node options a pool worker thread inherits', () => {
  it('drops the code and --input-type of a script run with node --input-type=module -e, which a worker refuses', () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'await run()'])).toEqual([]);
    expect(workerExecArgv(['--input-type', 'module', '--eval', 'x', '--print', 'y'])).toEqual([]);
  });

  it('keeps loaders and other flags', () => {
    expect(workerExecArgv(['--import', 'tsx', '--max-old-space-size=4096', '-p', 'x', '--enable-source-maps'])).toEqual(['--import', 'tsx', '--max-old-space-size=4096', '--enable-source-maps']);
  });

  it('starts a thread without the V8 and process options Node refuses for threads, keeping the others', async () => {
    const given = ['--max-old-space-size=4096', '--expose-gc', '--enable-source-maps', '--stack-size', '2000', '--title=x', '--no-warnings'];
    expect(await runInWorker(given)).toEqual(['--enable-source-maps', '--no-warnings']);
  });

  it('gives a pipeline run with node --max-old-space-size --expose-gc --stack-size --title its GDAL pool', () => {
    const code = `
      import { createPoolEngine } from ${JSON.stringify(pathToFileURL(join(REPO, 'wasm', 'node.ts')).href)};
      const engine = createPoolEngine({ workers: 2 });
      try {
        const wkt = await engine.crsToWkt('EPSG:3035');
        console.log(wkt.includes('LAEA Europe') ? 'wkt ok' : wkt);
      } finally {
        await engine.close();
      }`;
    const run = spawnSync(
      process.execPath,
      ['--import', TSX, '--max-old-space-size=4096', '--expose-gc', '--stack-size=2000', '--title=geodata-argv-test', '--input-type=module', '-e', code],
      { cwd: REPO, encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.stderr).not.toMatch(/invalid execArgv/);
    expect(run.stdout.trim()).toBe('wkt ok');
    expect(run.status).toBe(0);
  }, 150_000);

  it('says that node --jitless turned WebAssembly off, and to start without it, on the pool and on an in-thread engine', () => {
    const code = `
      import { createNodeEngine, createPoolEngine } from ${JSON.stringify(pathToFileURL(join(REPO, 'wasm', 'node.ts')).href)};
      for (const engine of [createPoolEngine({ workers: 1 }), createNodeEngine()]) {
        try {
          await engine.crsToWkt('EPSG:3035');
          console.log('loaded');
        } catch (error) {
          console.log(error.name + ': ' + error.message);
        } finally {
          await engine.close();
        }
      }`;
    const run = spawnSync(process.execPath, ['--jitless', '--import', TSX, '--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(/^ConfigError: cannot load GDAL WebAssembly \(gdal3\.js\): .*; WebAssembly is turned off in this JavaScript runtime \(Node's --jitless flag turns it off, as can a browser's policy\), and GDAL runs as WebAssembly: start Node without --jitless/);
    }
    expect(run.status).toBe(0);
  }, 150_000);
});
