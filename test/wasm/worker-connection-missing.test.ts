import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { connectWorker } from '../../wasm/web-worker-connection.js';

/** A Web Worker whose script fails to load, as a browser reports it: an `error` event with no message. */
class UnloadableWorker extends EventTarget {
  static started: string[] = [];
  constructor(url: string | URL) {
    super();
    UnloadableWorker.started.push(String(url));
    setTimeout(() => this.dispatchEvent(new Event('error', { cancelable: true })), 0);
  }
  postMessage(): void {}
  terminate(): void {}
}

describe('a GDAL worker script that cannot be loaded', () => {
  const hadWorker = 'Worker' in globalThis;
  const original = (globalThis as { Worker?: unknown }).Worker;
  afterEach(() => {
    if (hadWorker) (globalThis as { Worker?: unknown }).Worker = original;
    else delete (globalThis as { Worker?: unknown }).Worker;
    UnloadableWorker.started = [];
  });

  it('at its default place: the error names the URL looked at and how to put the script there, not only createWorkerEngine', async () => {
    (globalThis as { Worker?: unknown }).Worker = UnloadableWorker;
    const connection = connectWorker({ assets: { wasm: 'http://127.0.0.1/gdal3WebAssembly.wasm', data: 'http://127.0.0.1/gdal3WebAssembly.data' } });
    const failure = await connection.call('info', ['/in/a.tif']).catch((error: unknown) => error);
    const url = new URL('../../wasm/engine-worker.js', import.meta.url).href;
    expect(UnloadableWorker.started).toEqual([url]);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toBe(
      `the worker script ${url} (geodata's default, next to its module) failed: it could not be loaded (wrong URL, or not served as JavaScript); ` +
        "serve geodata's engine-worker.js at that URL (`npx geodata assets <folder>` copies it into the folder your bundle is served from), " +
        'or give its URL: createBrowserEngine({ worker }) or createWorkerEngine({ worker })',
    );
  });
});
