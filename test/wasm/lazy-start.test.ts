/**
 * `lazyStart`: the browser engine's files wait in JavaScript until a GDAL call needs GDAL, so a
 * page that only reads cache hits or draws figures in JavaScript never starts it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { readFileSync } from 'node:fs';
import type { GdalEngine } from '../../wasm/engine.js';
import { lazyStart } from '../../wasm/lazy-start-engine.js';
import { createMemoryEngine, nodeGdalModule } from '../../wasm/node.js';
import { HAS_DATA, NO_DATA_REASON, sample } from './fixtures.js';

/** A memory engine that records every call made on it. */
function recordingEngine(): { engine: GdalEngine; calls: string[] } {
  const inner = createMemoryEngine({ module: nodeGdalModule });
  const calls: string[] = [];
  const engine = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${String(name)} ${typeof args[0] === 'string' ? args[0] : ''}`.trim());
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { engine, calls };
}

describe.skipIf(!HAS_DATA)(`lazyStart${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const { engine: inner, calls } = recordingEngine();
  const engine = lazyStart(inner);
  afterAll(() => engine.close());
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('answers file calls without starting GDAL, then writes the files into GDAL before its first call', async () => {
    const demBytes = new Uint8Array(readFileSync(sample('elev.tif')));
    await engine.mkdir('/staging/a');
    await engine.writeFile('/staging/a/x.txt', bytes('hello'));
    expect(await engine.size('/staging/a/x.txt')).toBe(5);
    expect(await engine.exists('/staging/a')).toBe(true);
    expect(await engine.exists('/staging/b')).toBe(false);
    await engine.rename('/staging/a/x.txt', '/staging/a/y.txt');
    expect(new TextDecoder().decode(await engine.readFile('/staging/a/y.txt'))).toBe('hello');
    await expect(engine.readFile('/staging/a/x.txt')).rejects.toThrow(FileError);

    let reads = 0;
    await engine.deferFile('/cache/never.txt', 3, async () => {
      reads += 1;
      return bytes('abc');
    });
    expect(await engine.size('/cache/never.txt')).toBe(3);
    await engine.removeTree('/cache');
    expect(await engine.exists('/cache/never.txt')).toBe(false);

    let demReads = 0;
    await engine.deferFile('/cache/dem.tif', demBytes.length, async () => {
      demReads += 1;
      return demBytes;
    });
    expect(await engine.size('/cache/dem.tif')).toBe(demBytes.length);
    expect(calls).toEqual([]);
    expect(engine.started).toBe(false);
    expect(reads + demReads).toBe(0);

    // The first GDAL call starts the engine with the files as they are now.
    const info = await engine.info('/cache/dem.tif');
    expect(info.size).toEqual([95, 90]);
    expect(engine.started).toBe(true);
    expect(reads).toBe(0);
    expect(demReads).toBe(1);
    expect(calls).toEqual(['mkdir /staging/a', 'writeFile /staging/a/y.txt', 'writeFile /cache/dem.tif', 'info /cache/dem.tif']);
    expect(new TextDecoder().decode(await engine.readFile('/staging/a/y.txt'))).toBe('hello');

    // Once started, a deferred file is written at once.
    await engine.deferFile('/cache/late.txt', 4, async () => bytes('late'));
    expect(calls.at(-1)).toBe('writeFile /cache/late.txt');
  });
});
