/**
 * `lazyStart` answers file calls before GDAL starts exactly as the same engine answers after, and
 * the GDAL call that starts it sees exactly the files the calls made before it left: arguments,
 * calls made without awaiting, paths that normalise to `/vsimem/`, a close during the start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPY_SLICE_BYTES } from '../../src/copy-in-slices.js';
import { lazyStart, type LazyStartEngine } from '../../wasm/lazy-start-engine.js';
import { createMemoryEngine, nodeGdalModule } from '../../wasm/node.js';
import { readFileSync } from 'node:fs';
import { HAS_DATA, NO_DATA_REASON, sample } from './fixtures.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    (value) => (value instanceof Uint8Array ? `${value.length} bytes` : `done ${JSON.stringify(value)}`),
    (error: Error) => `${error.constructor.name}: ${error.message}`,
  );

/**
 * What `act` answers, then what the files at `probe` are once GDAL runs: on an engine that has not
 * started (the first GDAL call comes after `act`), and on one that has.
 */
async function beforeAndAfterStart(act: (engine: LazyStartEngine) => Promise<string[]>, probe: string[], cleanUp: string[]): Promise<[string[], string[]]> {
  const results: string[][] = [];
  for (const startFirst of [false, true]) {
    const engine = lazyStart(createMemoryEngine({ module: nodeGdalModule }));
    try {
      if (startFirst) await engine.crsInfo('EPSG:4326');
      const answers = await act(engine);
      await engine.crsInfo('EPSG:4326');
      for (const path of probe) answers.push(`${path}: ${await outcome(engine.fs.size(path))}`);
      // The engines of this file share one gdal3.js module, so its files too.
      for (const path of cleanUp) await engine.fs.removeTree(path);
      results.push(answers);
    } finally {
      await engine.close();
    }
  }
  return [results[0]!, results[1]!];
}

describe.skipIf(!HAS_DATA)(`lazyStart before and after GDAL starts${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  // Holds gdal3.js loaded between the engines of these tests (the last engine to close unloads it).
  const keeper = createMemoryEngine({ module: nodeGdalModule });
  beforeAll(() => keeper.crsInfo('EPSG:4326'));
  afterAll(() => keeper.close());

  it('refuses a bad path or bytes before GDAL starts with the error the started engine gives', async () => {
    const [before, after] = await beforeAndAfterStart(
      async (engine) => {
        const anyFs = engine.fs as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
        return Promise.all([
          outcome(engine.fs.readFile('')),
          outcome(anyFs.exists!(42)),
          outcome(anyFs.writeFile!('/same/x', 'text')),
          outcome(engine.fs.rename('/same/x', '')),
          outcome(engine.fs.mkdir('')),
          outcome(engine.deferFile('', 1, async () => bytes('x'))),
        ]);
      },
      [],
      [],
    );
    expect(before).toEqual([
      'InvalidInputError: readFile: path must be a non-empty path string, got ""',
      'InvalidInputError: exists: path must be a non-empty path string, got 42',
      'InvalidInputError: writeFile: bytes for /same/x must be a Uint8Array',
      'InvalidInputError: rename: to must be a non-empty path string, got ""',
      'InvalidInputError: mkdir: path must be a non-empty path string, got ""',
      'InvalidInputError: deferFile: path must be a non-empty path string, got ""',
    ]);
    expect(after).toEqual(before);
  });

  it('applies calls made without awaiting in the order they were made, a write larger than a copy slice included', async () => {
    const large = new Uint8Array(COPY_SLICE_BYTES + 10);
    const [before, after] = await beforeAndAfterStart(
      async (engine) => {
        const calls = [
          engine.fs.writeFile('/order/moved-later', large),
          engine.fs.rename('/order/moved-later', '/order/moved'),
          engine.fs.writeFile('/order/overwritten', large),
          engine.fs.writeFile('/order/overwritten', bytes('small')),
          engine.fs.writeFile('/order/deferred-over', large),
          engine.deferFile('/order/deferred-over', 8, async () => bytes('deferred')),
          // The GDAL call that starts the engine, then a write before it finished starting.
          engine.fs.writeFile('/order/racing', large),
          engine.crsInfo('EPSG:4326'),
        ];
        return Promise.all(calls.map((call) => outcome(call).then((text) => text.replace(/^done .*/, 'done'))));
      },
      ['/order/moved-later', '/order/moved', '/order/overwritten', '/order/deferred-over', '/order/racing'],
      ['/order'],
    );
    expect(before.slice(-5)).toEqual([
      '/order/moved-later: done undefined',
      `/order/moved: done ${large.length}`,
      '/order/overwritten: done 5',
      '/order/deferred-over: done 8',
      `/order/racing: done ${large.length}`,
    ]);
    expect(after).toEqual(before);
  });

  it('keeps a plain path that normalises to /vsimem/ (//vsimem/x, a/../vsimem/x) in the engine file system, apart from GDAL’s /vsimem/', async () => {
    const [before, after] = await beforeAndAfterStart(
      async (engine) =>
        Promise.all([
          outcome(engine.deferFile('/vsimem/plain/z', 3, async () => bytes('zzz'))),
          outcome(engine.fs.writeFile('//vsimem/plain/x', bytes('x'))),
          outcome(engine.fs.mkdir('a/../vsimem/plain/empty')),
          outcome(engine.fs.writeFile('/plain/y', bytes('yy'))),
          outcome(engine.fs.rename('/plain/y', '/vsimem/plain/y')),
        ]),
      ['//vsimem/plain/x', '/vsimem/plain/x', '/vsimem/plain/y', '//vsimem/plain/y', '/vsimem/plain/z', '//vsimem/plain/z', '//vsimem/plain/empty'],
      ['//vsimem', '/vsimem'],
    );
    expect(before.slice(-7)).toEqual([
      '//vsimem/plain/x: done 1',
      '/vsimem/plain/x: done undefined',
      '/vsimem/plain/y: done 2',
      '//vsimem/plain/y: done undefined',
      '/vsimem/plain/z: done 3',
      '//vsimem/plain/z: done undefined',
      '//vsimem/plain/empty: done undefined',
    ]);
    expect(after).toEqual(before);
  });

  it('closes the engine when close() comes while the first GDAL call starts it, dropping its files', async () => {
    const engine = lazyStart(createMemoryEngine({ module: nodeGdalModule }));
    try {
      await engine.fs.writeFile('/closing/x', bytes('x'));
      const call = outcome(engine.crsToWkt('EPSG:4326'));
      await engine.close();
      expect(engine.started).toBe(false);
      expect(await engine.fs.exists('/closing/x')).toBe(false);
      expect(engine.started).toBe(false);
      // The call made before close ran: on the engine it started, then closed.
      expect(await call).toMatch(/^done "GEOGCRS\[\\"WGS 84\\"/);
    } finally {
      await engine.close();
    }
  });

  it('gives a copy of a deferred file, so changing what readFile gave changes nothing', async () => {
    const [before, after] = await beforeAndAfterStart(
      async (engine) => {
        const cached = bytes('abc');
        await engine.deferFile('/copied/x', 3, async () => cached);
        const read = await engine.fs.readFile('/copied/x');
        read[0] = 122;
        return [new TextDecoder().decode(await engine.fs.readFile('/copied/x'))];
      },
      [],
      ['/copied'],
    );
    expect(before).toEqual(['abc']);
    expect(after).toEqual(before);
  });

  it('lets the calls made after a deferFile whose read is slow find the file it left, once GDAL runs as before', async () => {
    const dem = new Uint8Array(readFileSync(sample('elev.tif')));
    const slow = (value: Uint8Array) => () => new Promise<Uint8Array>((resolve) => setTimeout(() => resolve(value), 20));
    const [before, after] = await beforeAndAfterStart(
      async (engine) =>
        Promise.all([
          outcome(engine.deferFile('/slow/over', 8, slow(bytes('deferred')))),
          outcome(engine.fs.writeFile('/slow/over', bytes('written'))),
          outcome(engine.deferFile('/slow/dem.tif', dem.length, slow(dem))),
          outcome(engine.info('/slow/dem.tif').then((info) => info.size)),
        ]),
      ['/slow/over'],
      ['/slow'],
    );
    expect(before).toEqual(['done undefined', 'done undefined', 'done undefined', 'done [95,90]', '/slow/over: done 7']);
    expect(after).toEqual(before);
  });

  it('answers the file calls made while a start fails on a deferred read as before GDAL started, and starts once the read succeeds', async () => {
    const engine = lazyStart(createMemoryEngine({ module: nodeGdalModule }));
    try {
      let available = false;
      await engine.deferFile('/failing/x', 1, async () => {
        if (!available) throw new Error('cache entry unreadable');
        return bytes('x');
      });
      const calls = [engine.crsInfo('EPSG:4326'), engine.fs.writeFile('/failing/y', bytes('yy')), engine.fs.rename('/failing/x', '/failing/moved'), engine.fs.exists('/failing/moved'), engine.deferFile('/failing/z', 3, async () => bytes('zzz'))];
      expect(await Promise.all(calls.map(outcome))).toEqual(['Error: cache entry unreadable', 'done undefined', 'done undefined', 'done true', 'done undefined']);
      expect(engine.started).toBe(false);
      available = true;
      await engine.crsInfo('EPSG:4326');
      expect(engine.started).toBe(true);
      expect([await outcome(engine.fs.size('/failing/y')), await outcome(engine.fs.size('/failing/moved')), await outcome(engine.fs.size('/failing/z'))]).toEqual(['done 2', 'done 1', 'done 3']);
      await engine.fs.removeTree('/failing');
    } finally {
      await engine.close();
    }
  });

  it('writes the bytes a writeFile was given when it was made, though the write waits its turn', async () => {
    const engine = lazyStart(createMemoryEngine({ module: nodeGdalModule }));
    try {
      const changed = bytes('abc');
      const calls = [engine.fs.writeFile('/copy/large', new Uint8Array(COPY_SLICE_BYTES + 10)), engine.fs.writeFile('/copy/small', changed)];
      // As a worker engine copies what it sends: the caller may reuse its array at once.
      changed[0] = 122;
      await Promise.all(calls);
      expect(new TextDecoder().decode(await engine.fs.readFile('/copy/small'))).toBe('abc');
      expect(engine.started).toBe(false);
    } finally {
      await engine.close();
    }
  });

  it('leaves GDAL closed when close() comes while a deferred file is read, and does not write the file', async () => {
    const inner = createMemoryEngine({ module: nodeGdalModule });
    const writes: string[] = [];
    const writeFile = inner.fs.writeFile.bind(inner.fs);
    inner.fs.writeFile = (path, data) => {
      writes.push(path);
      return writeFile(path, data);
    };
    const engine = lazyStart(inner);
    try {
      await engine.crsInfo('EPSG:4326');
      let finishRead!: (bytes: Uint8Array) => void;
      const deferred = engine.deferFile('/slow.bin', 3, () => new Promise<Uint8Array>((resolve) => (finishRead = resolve)));
      await new Promise((resolve) => setTimeout(resolve, 10));
      await engine.close();
      finishRead(bytes('abc'));
      await deferred;
      expect(writes).toEqual([]);
      expect(engine.started).toBe(false);
      expect(await engine.fs.exists('/slow.bin')).toBe(false);
      expect(engine.started).toBe(false);
    } finally {
      await engine.close();
      await inner.close();
    }
  });
});
