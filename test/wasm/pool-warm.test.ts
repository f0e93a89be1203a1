import { afterEach, describe, expect, it } from 'vitest';
import { createPoolEngine, type PoolEngine } from '../../wasm/node.js';

describe('the pool starting its threads', () => {
  const engines: PoolEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.close()));
  });
  const pool = (options: Parameters<typeof createPoolEngine>[0]) => {
    const engine = createPoolEngine(options);
    engines.push(engine);
    return engine;
  };

  it('starts no thread until a GDAL call', async () => {
    const engine = pool({ workers: 3 });
    expect(await engine.fs.exists('/nonexistent/geodata-pool-warm')).toBe(false);
    expect(engine.started).toBe(0);
  });

  it('starts every thread on its first GDAL call, so a later split or second call finds GDAL loaded', async () => {
    const engine = pool({ workers: 3 });
    expect((await engine.crsInfo('EPSG:3035')).authority).toBe('EPSG:3035');
    expect(engine.started).toBe(3);
    // The warming threads answer real calls too, all at once.
    const codes = await Promise.all(['EPSG:4326', 'EPSG:32632', 'EPSG:3857'].map(async (crs) => (await engine.crsInfo(crs)).authority));
    expect(codes).toEqual(['EPSG:4326', 'EPSG:32632', 'EPSG:3857']);
    expect(engine.started).toBe(3);
  });

  it('with warm: false, starts a thread only when every started one is busy', async () => {
    const engine = pool({ workers: 3, warm: false });
    await engine.crsInfo('EPSG:3035');
    await engine.crsInfo('EPSG:4326');
    expect(engine.started).toBe(1);
    await Promise.all([engine.crsInfo('EPSG:3035'), engine.crsInfo('EPSG:4326')]);
    expect(engine.started).toBe(2);
  });

  it('ends every thread on close, those still loading GDAL for a warm-up included', async () => {
    const engine = pool({ workers: 3 });
    const { Worker } = await import('node:worker_threads');
    const terminated: number[] = [];
    const original = Worker.prototype.terminate;
    Worker.prototype.terminate = function (this: InstanceType<typeof Worker>) {
      terminated.push(this.threadId);
      return original.call(this);
    };
    try {
      await engine.crsInfo('EPSG:3035');
      await engine.close();
    } finally {
      Worker.prototype.terminate = original;
    }
    expect(engine.started).toBe(3);
    expect(new Set(terminated).size).toBe(3);
  });
});
