import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultGdalAssets, resolveGdalAssets } from '../../wasm/assets.js';
import { createWorkerEngine } from '../../wasm/worker-engine.js';

/** The folder of wasm/assets.ts and wasm/worker-engine.ts, as module URLs see it. */
const WASM_FOLDER = new URL('../../wasm/', import.meta.url);

/**
 * A Worker that records how it was started and the messages it got, and answers every call with
 * null: enough for the worker engine to start one in Node. (test/browser/default-engine.test.ts
 * starts the real one in Chromium.)
 */
class RecordingWorker extends EventTarget {
  static started: RecordingWorker[] = [];
  readonly messages: unknown[] = [];
  constructor(readonly url: string | URL, readonly options: WorkerOptions) {
    super();
    RecordingWorker.started.push(this);
  }
  postMessage(message: { type: string; id?: number }) {
    this.messages.push(message);
    if (message.type === 'call') queueMicrotask(() => this.dispatchEvent(new MessageEvent('message', { data: { type: 'result', id: message.id, value: null } })));
  }
  terminate() {}
}

afterEach(() => {
  vi.unstubAllGlobals();
  RecordingWorker.started = [];
});

describe('the default GDAL asset URLs', () => {
  it('name the .wasm and .data files next to the module, and no gdal3.js URL', () => {
    const assets = defaultGdalAssets();
    expect(String(assets.wasm)).toBe(new URL('gdal3WebAssembly.wasm', WASM_FOLDER).href);
    expect(String(assets.data)).toBe(new URL('gdal3WebAssembly.data', WASM_FOLDER).href);
    expect(Object.keys(assets).sort()).toEqual(['data', 'wasm']);
  });

  it('are replaced one by one by overrides', () => {
    expect(resolveGdalAssets({ wasm: '/static/g.wasm' })).toEqual({ wasm: '/static/g.wasm', data: defaultGdalAssets().data });
  });

  it('are what the worker engine sends its worker, which it starts from engine-worker.js next to the module', async () => {
    vi.stubGlobal('Worker', RecordingWorker);
    const engine = createWorkerEngine();
    expect(await engine.fs.exists('/x')).toBeNull();
    const [worker] = RecordingWorker.started;
    expect(RecordingWorker.started).toHaveLength(1);
    expect(String(worker!.url)).toBe(new URL('engine-worker.js', WASM_FOLDER).href);
    expect(worker!.options).toEqual({ type: 'module' });
    expect(worker!.messages[0]).toEqual({
      type: 'init',
      assets: { wasm: new URL('gdal3WebAssembly.wasm', WASM_FOLDER).href, data: new URL('gdal3WebAssembly.data', WASM_FOLDER).href },
      warnings: false,
    });
  });
});
