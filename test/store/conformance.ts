import { describe, expect, it } from 'vitest';
import { InvalidInputError, StoreError } from '../../src/errors.js';
import type { LockingStoreAdapter } from '../../src/store/in-process-lock.js';

/**
 * The behaviour every store adapter shares. Each adapter's test file calls `testStore` with a
 * factory that returns a fresh, empty store, then adds what is specific to that adapter.
 */
export function testStore(name: string, makeStore: () => Promise<LockingStoreAdapter> | LockingStoreAdapter): void {
  const bytes = (...values: number[]) => new Uint8Array(values);
  const text = (value: string) => new TextEncoder().encode(value);

  describe(`${name} store (conformance)`, () => {
    it('returns undefined, false and no stat for a key never written', async () => {
      const store = await makeStore();
      expect(await store.get('data_processed/ab12/meta.json')).toBeUndefined();
      expect(await store.has('data_processed/ab12/meta.json')).toBe(false);
      expect(await store.stat('data_processed/ab12/meta.json')).toBeUndefined();
      expect(await store.keys()).toEqual([]);
    });

    it('reads back exactly the bytes it was given, as a plain Uint8Array', async () => {
      const store = await makeStore();
      const value = new Uint8Array(256 * 1024).map((_, index) => (index * 31 + 7) % 256);
      await store.set('data_processed/ab12/elevation_loader.tif', value);
      const read = await store.get('data_processed/ab12/elevation_loader.tif');
      expect(Object.getPrototypeOf(read)).toBe(Uint8Array.prototype);
      expect(read!.byteLength).toBe(value.byteLength);
      // Buffer.equals instead of toEqual: the element-by-element diff is slow on 256 KiB.
      expect(Buffer.from(read!.buffer, read!.byteOffset, read!.byteLength).equals(value)).toBe(true);
    });

    it('stores an empty value as an empty value, not as a missing key', async () => {
      const store = await makeStore();
      await store.set('empty.bin', new Uint8Array(0));
      expect(await store.get('empty.bin')).toEqual(new Uint8Array(0));
      expect(await store.has('empty.bin')).toBe(true);
      expect((await store.stat('empty.bin'))?.size).toBe(0);
    });

    it('reports the size and modification time of a key in stat', async () => {
      const store = await makeStore();
      const before = Date.now();
      await store.set('figures/cd34/figure_elevation.png', text('twelve bytes'));
      const after = Date.now();
      const stat = await store.stat('figures/cd34/figure_elevation.png');
      expect(stat?.size).toBe(12);
      // File systems keep coarse clocks: allow a second either side, this checks the unit (ms since epoch).
      expect(stat!.mtimeMs).toBeGreaterThanOrEqual(before - 1000);
      expect(stat!.mtimeMs).toBeLessThanOrEqual(after + 1000);
      expect(await store.has('figures/cd34/figure_elevation.png')).toBe(true);
    });

    it('overwrites a key on a second set', async () => {
      const store = await makeStore();
      await store.set('a/meta.json', text('{"version":1,"long":true}'));
      await store.set('a/meta.json', text('{"version":2}'));
      expect(new TextDecoder().decode(await store.get('a/meta.json'))).toBe('{"version":2}');
      expect((await store.stat('a/meta.json'))?.size).toBe(13);
      expect(await store.keys()).toEqual(['a/meta.json']);
    });

    it('returns copies from get: changing one does not change the stored value', async () => {
      const store = await makeStore();
      await store.set('k', bytes(1, 2, 3));
      const first = (await store.get('k'))!;
      first[0] = 99;
      expect(await store.get('k')).toEqual(bytes(1, 2, 3));
    });

    it('keeps its own copy on set: changing the input afterwards does not change the stored value', async () => {
      const store = await makeStore();
      const input = bytes(1, 2, 3);
      await store.set('k', input);
      input[0] = 99;
      const many = bytes(4, 5);
      await store.setMany([['m', many]]);
      many[0] = 99;
      expect(await store.get('k')).toEqual(bytes(1, 2, 3));
      expect(await store.get('m')).toEqual(bytes(4, 5));
    });

    it('stores only the viewed bytes of a Uint8Array that views a larger buffer', async () => {
      const store = await makeStore();
      const big = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
      await store.set('view', big.subarray(2, 5));
      await store.set('buffer', Buffer.from([9, 8, 7]));
      const view = (await store.get('view'))!;
      expect(view).toEqual(bytes(2, 3, 4));
      expect(view.buffer.byteLength).toBe(3);
      expect(await store.get('buffer')).toEqual(bytes(9, 8, 7));
      expect((await store.stat('view'))?.size).toBe(3);
    });

    it('lists every key sorted by code unit, nested keys included, folders never', async () => {
      const store = await makeStore();
      for (const key of ['b', 'a/c/d', 'a-b', 'a/b', '.source/code/ef56/source.js', 'A']) await store.set(key, bytes(1));
      // '-' (0x2d) sorts before '/' (0x2f): a tree walk that lists a folder's content first would get this wrong.
      expect(await store.keys()).toEqual(['.source/code/ef56/source.js', 'A', 'a-b', 'a/b', 'a/c/d', 'b']);
    });

    it('lists only the keys that start with a prefix, whether it names a folder or part of a name', async () => {
      const store = await makeStore();
      const keys = ['data_processed/ab12/meta.json', 'data_processed/ab12/spec.json', 'data_processed/abc/meta.json', 'data_processed/b/meta.json', 'data_processed_old/ab12/meta.json', 'figures/ab12/x.png'];
      for (const key of keys) await store.set(key, bytes(1));
      expect(await store.keys('data_processed/')).toEqual(['data_processed/ab12/meta.json', 'data_processed/ab12/spec.json', 'data_processed/abc/meta.json', 'data_processed/b/meta.json']);
      expect(await store.keys('data_processed/ab')).toEqual(['data_processed/ab12/meta.json', 'data_processed/ab12/spec.json', 'data_processed/abc/meta.json']);
      expect(await store.keys('data_processed/ab12/')).toEqual(['data_processed/ab12/meta.json', 'data_processed/ab12/spec.json']);
      expect(await store.keys('data_processed')).toEqual(keys.slice(0, 5));
      expect(await store.keys('data_processed/ab12/meta.json')).toEqual(['data_processed/ab12/meta.json']);
      expect(await store.keys('nothing/')).toEqual([]);
      expect(await store.keys('data_processed/zz')).toEqual([]);
    });

    it('makes every key of setMany visible', async () => {
      const store = await makeStore();
      await store.set('data_processed/ab12/meta.json', text('old'));
      await store.setMany([
        ['data_processed/ab12/elevation_loader.tif', bytes(1, 2)],
        ['data_processed/ab12/parameters.json', text('{}')],
        ['data_processed/ab12/meta.json', text('new')],
      ]);
      expect(await store.keys('data_processed/ab12/')).toEqual([
        'data_processed/ab12/elevation_loader.tif',
        'data_processed/ab12/meta.json',
        'data_processed/ab12/parameters.json',
      ]);
      expect(new TextDecoder().decode(await store.get('data_processed/ab12/meta.json'))).toBe('new');
      expect(await store.get('data_processed/ab12/elevation_loader.tif')).toEqual(bytes(1, 2));
    });

    it('stores nothing from a setMany that has an invalid key', async () => {
      const store = await makeStore();
      await expect(store.setMany([['ok/one', bytes(1)], ['../escape', bytes(2)]])).rejects.toThrow(InvalidInputError);
      expect(await store.keys()).toEqual([]);
    });

    it('removes a key, and removing a missing key is not an error', async () => {
      const store = await makeStore();
      await store.set('a/one', bytes(1));
      await store.set('a/two', bytes(2));
      await store.remove('a/one');
      await store.remove('a/one');
      await store.remove('never/written');
      expect(await store.keys()).toEqual(['a/two']);
      expect(await store.get('a/one')).toBeUndefined();
    });

    it('removes every key under a folder prefix, returns how many, and keeps look-alike siblings', async () => {
      const store = await makeStore();
      for (const key of ['data_processed/ab12/meta.json', 'data_processed/ab12/sub/deep.bin', 'data_processed/ab123/meta.json', 'figures/ab12/x.png']) {
        await store.set(key, bytes(1));
      }
      expect(await store.removePrefix('data_processed/ab12/')).toBe(2);
      expect(await store.keys()).toEqual(['data_processed/ab123/meta.json', 'figures/ab12/x.png']);
      expect(await store.removePrefix('data_processed/ab12/')).toBe(0);
    });

    it('removes the keys starting with a partial-name prefix', async () => {
      const store = await makeStore();
      for (const key of ['data_processed/ab12/meta.json', 'data_processed/ab34/meta.json', 'data_processed/cd56/meta.json']) await store.set(key, bytes(1));
      expect(await store.removePrefix('data_processed/ab')).toBe(2);
      expect(await store.keys()).toEqual(['data_processed/cd56/meta.json']);
    });

    it('refuses invalid keys (parent segments, absolute, empty, doubled slashes) with an error naming the key', async () => {
      const store = await makeStore();
      const invalid = ['../x', 'a/../../x', '/etc/passwd', 'C:/Windows', '', 'a//b', 'a/', './a', 'a\\b', 'a\0b'];
      for (const key of invalid) {
        for (const call of [() => store.get(key), () => store.has(key), () => store.stat(key), () => store.set(key, bytes(1)), () => store.remove(key)]) {
          const error = await call().then(() => undefined, (thrown: unknown) => thrown);
          expect(error, `key ${JSON.stringify(key)}`).toBeInstanceOf(InvalidInputError);
          expect((error as Error).message).toContain(JSON.stringify(key));
          expect((error as Error).message).toContain(store.name);
        }
      }
      expect(await store.keys()).toEqual([]);
    });

    it('refuses invalid prefixes the same way', async () => {
      const store = await makeStore();
      await expect(store.keys('../')).rejects.toThrow(InvalidInputError);
      await expect(store.keys('/abs/')).rejects.toThrow(InvalidInputError);
      await expect(store.removePrefix('a/../')).rejects.toThrow(InvalidInputError);
    });

    it('refuses the names it reserves for its own files', async () => {
      const store = await makeStore();
      for (const key of ['.staging/x', '.locks/x', 'a/meta.json.geodata-tmp-tmp-1-ab']) {
        await expect(store.set(key, bytes(1)), key).rejects.toThrow(/reserves|temporary/);
      }
    });

    it('refuses a value that is not a Uint8Array, naming the key', async () => {
      const store = await makeStore();
      await expect(store.set('k', 'text' as unknown as Uint8Array)).rejects.toThrow(/"k" must be a Uint8Array/);
      await expect(store.setMany([['k', [1, 2] as unknown as Uint8Array]])).rejects.toThrow(InvalidInputError);
    });

    it('never lets two async holders of the same lock overlap', async () => {
      const store = await makeStore();
      let inside = 0;
      let most = 0;
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 6 }, async (_, index) => {
          const release = await store.lock('data_processed/ab12');
          inside++;
          most = Math.max(most, inside);
          order.push(index);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await Promise.resolve();
          inside--;
          await release();
        }),
      );
      expect(most).toBe(1);
      expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('lets the next waiter in only when the holder releases', async () => {
      const store = await makeStore();
      const release = await store.lock('entry');
      let second = false;
      const waiting = store.lock('entry').then((next) => {
        second = true;
        return next;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(second).toBe(false);
      await release();
      const releaseSecond = await waiting;
      expect(second).toBe(true);
      await releaseSecond();
      // Releasing twice is harmless and does not release someone else's hold.
      const third = await store.lock('entry');
      await release();
      let fourth = false;
      const waitingFourth = store.lock('entry').then((next) => ((fourth = true), next));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fourth).toBe(false);
      await third();
      await (await waitingFourth)();
    });

    it('does not make holders of different locks wait for each other', async () => {
      const store = await makeStore();
      const first = await store.lock('data_processed/ab12');
      const second = await store.lock('data_processed/cd34');
      await first();
      await second();
    });

    it('gives up waiting for a lock after timeoutMs with a StoreError naming the lock', async () => {
      const store = await makeStore();
      const release = await store.lock('busy-entry');
      const error = await store.lock('busy-entry', { timeoutMs: 50 }).then(() => undefined, (thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain('"busy-entry"');
      expect((error as Error).message).toContain('50 ms');
      await release();
      // The timed-out waiter left the queue: the lock is free again.
      await (await store.lock('busy-entry', { timeoutMs: 1000 }))();
    });

    it('stops waiting for a lock when its signal aborts, rejecting with the reason', async () => {
      const store = await makeStore();
      const release = await store.lock('entry');
      const controller = new AbortController();
      const waiting = store.lock('entry', { signal: controller.signal });
      controller.abort(new Error('user cancelled'));
      await expect(waiting).rejects.toThrow('user cancelled');
      await release();
      await (await store.lock('entry', { timeoutMs: 1000 }))();
    });
  });
}
