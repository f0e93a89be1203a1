import { describe, expect, it } from 'vitest';
import { COPY_SLICE_BYTES } from '../src/copy-in-slices.js';
import { openEngineFile } from '../src/engine-files-access.js';
import type { EngineFiles } from '../wasm/engine.js';

/** The part of an engine's files that openEngineFile uses, in a Map. */
function mapFiles(): { files: EngineFiles; stored: Map<string, Uint8Array> } {
  const stored = new Map<string, Uint8Array>();
  const files = {
    kind: 'memory',
    readFile: async (path: string) => stored.get(path)!,
    writeFile: async (path: string, bytes: Uint8Array) => void stored.set(path, bytes),
  } as unknown as EngineFiles;
  return { files, stored };
}

describe('openEngineFile for writing', () => {
  it('gives the engine the bytes of the writes in order (later writes win, gaps are zeros), exactly as long as written', async () => {
    const { files, stored } = mapFiles();
    const file = await openEngineFile(files, '/out.tif', 'w');
    const reused = new Uint8Array([1, 2, 3, 4]);
    await file.write(0, reused);
    reused.fill(9); // the caller reuses its buffer: the file keeps what was written
    await file.write(6, new Uint8Array([7, 8]));
    await file.write(2, new Uint8Array([5, 5, 5]));
    expect(Array.from(await file.read(1, 6))).toEqual([2, 5, 5, 5, 0, 7]);
    expect(Array.from(await file.read(6, 10))).toEqual([7, 8]);
    await file.close();
    await file.close();
    expect(Array.from(stored.get('/out.tif')!)).toEqual([1, 2, 5, 5, 5, 0, 7, 8]);
  });

  it('puts a large file together in slices of COPY_SLICE_BYTES with a pause between them', async () => {
    const { files, stored } = mapFiles();
    let pauses = 0;
    const file = await openEngineFile(files, '/big.tif', 'w', async () => {
      pauses += 1;
    });
    // One piece of two and a half slices, then a small one: 3 slices copied, 2 pauses before the last.
    const big = new Uint8Array(COPY_SLICE_BYTES * 2.5).fill(3);
    await file.write(0, big);
    await file.write(big.length, new Uint8Array([4]));
    await file.close();
    const written = stored.get('/big.tif')!;
    expect(written.length).toBe(big.length + 1);
    expect(written[0]).toBe(3);
    expect(written[big.length - 1]).toBe(3);
    expect(written[big.length]).toBe(4);
    expect(pauses).toBe(2);
  });
});
