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

/** A memory engine that records every call made on it (GDAL operations and `engine.fs` methods). */
function recordingEngine(): { engine: GdalEngine; calls: string[] } {
  const inner = createMemoryEngine({ module: nodeGdalModule });
  const calls: string[] = [];
  const recording = <T extends object>(object: T): T =>
    new Proxy(object, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (name === 'fs') return recording(value as object);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${String(name)} ${typeof args[0] === 'string' ? args[0] : ''}`.trim());
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return { engine: recording(inner), calls };
}

describe.skipIf(!HAS_DATA)(`lazyStart${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const { engine: inner, calls } = recordingEngine();
  const engine = lazyStart(inner);
  afterAll(() => engine.close());
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('answers file calls without starting GDAL, then writes the files into GDAL before its first call', async () => {
    const demBytes = new Uint8Array(readFileSync(sample('elev.tif')));
    await engine.fs.mkdir('/staging/a');
    await engine.fs.writeFile('/staging/a/x.txt', bytes('hello'));
    expect(await engine.fs.size('/staging/a/x.txt')).toBe(5);
    expect(await engine.fs.exists('/staging/a')).toBe(true);
    expect(await engine.fs.exists('/staging/b')).toBe(false);
    await engine.fs.rename('/staging/a/x.txt', '/staging/a/y.txt');
    expect(new TextDecoder().decode(await engine.fs.readFile('/staging/a/y.txt'))).toBe('hello');
    await expect(engine.fs.readFile('/staging/a/x.txt')).rejects.toThrow(FileError);

    let reads = 0;
    await engine.deferFile('/cache/never.txt', 3, async () => {
      reads += 1;
      return bytes('abc');
    });
    expect(await engine.fs.size('/cache/never.txt')).toBe(3);
    await engine.fs.removeTree('/cache');
    expect(await engine.fs.exists('/cache/never.txt')).toBe(false);

    let demReads = 0;
    await engine.fs.mkdir('/empty/folder');
    await engine.deferFile('/cache/dem.tif', demBytes.length, async () => {
      demReads += 1;
      return demBytes;
    });
    expect(await engine.fs.size('/cache/dem.tif')).toBe(demBytes.length);
    expect(calls).toEqual([]);
    expect(engine.started).toBe(false);
    expect(reads + demReads).toBe(0);

    // The first GDAL call starts the engine with the files as they are now.
    const info = await engine.info('/cache/dem.tif');
    expect(info.size).toEqual([95, 90]);
    expect(engine.started).toBe(true);
    expect(reads).toBe(0);
    expect(demReads).toBe(1);
    // A file's folders come with it; a folder no file lies in is made.
    expect(calls).toEqual(['mkdir /empty/folder', 'writeFile /staging/a/y.txt', 'writeFile /cache/dem.tif', 'info /cache/dem.tif']);
    expect(new TextDecoder().decode(await engine.fs.readFile('/staging/a/y.txt'))).toBe('hello');
    expect(await engine.fs.exists('/empty/folder')).toBe(true);

    // Once started, a deferred file is written at once.
    await engine.deferFile('/cache/late.txt', 4, async () => bytes('late'));
    expect(calls.at(-1)).toBe('writeFile /cache/late.txt');
  });

  it("refuses what GDAL's file system refuses before GDAL starts, with the same messages as after", async () => {
    // Each case on a fresh engine that has not started, and on one that has (its files in GDAL).
    const cases: Array<[string, (fs: GdalEngine['fs']) => Promise<unknown>]> = [
      ['a file inside a file', (fs) => fs.writeFile('/f/g', bytes('x'))],
      ['a folder inside a file', (fs) => fs.mkdir('/f/sub')],
      ['a folder over a file', (fs) => fs.mkdir('/f')],
      ['a file over a folder', (fs) => fs.writeFile('/d', bytes('x'))],
      ['a folder read as a file', (fs) => fs.readFile('/d')],
      ['a folder removed as a file', (fs) => fs.remove('/d')],
      ['a file moved into a file', (fs) => fs.rename('/f', '/f/g')],
      ['a file moved over a folder', (fs) => fs.rename('/f', '/d')],
      ['a folder moved', (fs) => fs.rename('/d', '/e')],
    ];
    const outcome = (promise: Promise<unknown>) => promise.then(() => 'done', (error: Error) => `${error.constructor.name}: ${error.message}`);
    for (const [what, act] of cases) {
      const outcomes: string[] = [];
      for (const startFirst of [false, true]) {
        const lazy = lazyStart(createMemoryEngine({ module: nodeGdalModule }));
        try {
          await lazy.fs.writeFile('/f', bytes('file'));
          await lazy.fs.mkdir('/d');
          if (startFirst) await lazy.crsInfo('EPSG:4326');
          expect(lazy.started, what).toBe(startFirst);
          outcomes.push(await outcome(act(lazy.fs)));
          expect(lazy.started, what).toBe(startFirst);
        } finally {
          await lazy.close();
        }
      }
      expect(outcomes[0], what).toMatch(/^FileError: /);
      expect(outcomes[0], what).toBe(outcomes[1]);
    }
  });
});
