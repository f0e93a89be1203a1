import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../wasm/engine-core.js';
import { SharedGdalModule } from '../../wasm/gdal-module.js';
import { gdalWasmFile, compiledGdalWasm } from '../../wasm/gdal-wasm-node.js';
import { hostFileSystem } from '../../wasm/host-fs-node.js';
import { createPoolEngine, nodeGdalLoader, type PoolEngine, type WasmInstantiation } from '../../wasm/node.js';

const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

/** A valid WebAssembly module that imports a function `zz.zz`, which gdal3.js's imports lack. */
const FOREIGN_MODULE = new WebAssembly.Module(
  new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x09, 0x01, 0x02, 0x7a, 0x7a, 0x02, 0x7a, 0x7a, 0x00, 0x00]),
);

describe('the pool sharing one compiled GDAL WebAssembly', () => {
  const engines: PoolEngine[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
  });
  const pool = (options: Parameters<typeof createPoolEngine>[0]) => {
    const engine = createPoolEngine(options);
    engines.push(engine);
    return engine;
  };
  const loadsOf = async (engine: PoolEngine, count: number) => {
    await vi.waitFor(() => expect(engine.wasmLoads.length).toBe(count), { timeout: 60_000, interval: 50 });
    return engine.wasmLoads;
  };

  // First in this file (its own process): nothing has compiled gdal3.js's WebAssembly before.
  it('compiles it once for every thread of every open pool, and each thread instantiates that module', async () => {
    const compile = vi.spyOn(WebAssembly, 'compile');
    const first = pool({ workers: 2 });
    const second = pool({ workers: 2 });
    const codes = await Promise.all([first.crsInfo('EPSG:3035'), second.crsInfo('EPSG:4326')]);
    expect(codes.map((info) => info.authority)).toEqual(['EPSG:3035', 'EPSG:4326']);
    expect(await loadsOf(first, 2)).toEqual([{ shared: true }, { shared: true }]);
    expect(await loadsOf(second, 2)).toEqual([{ shared: true }, { shared: true }]);
    expect(compile).toHaveBeenCalledTimes(1);
    expect((compile.mock.calls[0]![0] as Uint8Array).byteLength).toBe(readFileSync(gdalWasmFile()).byteLength);
  });

  it('with sharedWasm: false, or by default with one worker, lets each thread compile its own and says why', async () => {
    const refused = pool({ workers: 2, warm: false, sharedWasm: false });
    const single = pool({ workers: 1 });
    const codes = await Promise.all([refused.crsInfo('EPSG:3035'), single.crsInfo('EPSG:4326')]);
    expect(codes.map((info) => info.authority)).toEqual(['EPSG:3035', 'EPSG:4326']);
    expect(await loadsOf(refused, 1)).toEqual([{ shared: false, reason: `the pool was created with sharedWasm: false; this thread compiled ${gdalWasmFile()} itself` }]);
    expect(await loadsOf(single, 1)).toEqual([
      { shared: false, reason: `the pool has one worker thread, so there is no other thread to share a compiled module with; this thread compiled ${gdalWasmFile()} itself` },
    ]);
  });
});

describe('loading gdal3.js from a compiled module (on this thread)', () => {
  const readFileSync = fs.readFileSync;
  const instantiate = WebAssembly.instantiate;
  const compile = WebAssembly.compile;

  /** Loads gdal3.js with `compiled`, checks GDAL answers, unloads it; returns what the load reported. */
  async function loadWith(compiled: () => Promise<unknown>): Promise<WasmInstantiation[]> {
    const reports: WasmInstantiation[] = [];
    const engine = createEngine(new SharedGdalModule(nodeGdalLoader({ compiled, onInstantiate: (how) => reports.push(how) })), hostFileSystem);
    try {
      expect((await engine.crsInfo('EPSG:32632')).authority).toBe('EPSG:32632');
    } finally {
      await engine.close();
    }
    // Nothing global is replaced to get there.
    expect(fs.readFileSync).toBe(readFileSync);
    expect(WebAssembly.instantiate).toBe(instantiate);
    expect(WebAssembly.compile).toBe(compile);
    return reports;
  }

  it('instantiates the module it is given', async () => {
    expect(await loadWith(() => compiledGdalWasm())).toEqual([{ shared: true }]);
  });

  it('falls back to the file, saying why, when given something that is not a compiled module', async () => {
    expect(await loadWith(async () => ({ bytes: 1 }))).toEqual([
      { shared: false, reason: `no compiled GDAL WebAssembly was shared with this thread (got an object of class Object), so it compiled ${gdalWasmFile()} itself` },
    ]);
  });

  it('falls back to the file, saying why, when no module could be compiled', async () => {
    expect(await loadWith(() => Promise.reject(new Error('the pool could not compile GDAL\'s WebAssembly once for its threads: disk on fire')))).toEqual([
      { shared: false, reason: `the pool could not compile GDAL's WebAssembly once for its threads: disk on fire; this thread compiled ${gdalWasmFile()} itself` },
    ]);
  });

  it('falls back to the file, saying why, when the module is another build whose imports gdal3.js does not provide', async () => {
    const [report] = await loadWith(async () => FOREIGN_MODULE);
    expect(report).toEqual({ shared: false, reason: expect.stringMatching(/^the shared compiled module did not instantiate \(.*zz.*\), so this thread compiled .*gdal3WebAssembly\.wasm itself$/) });
  });
});
