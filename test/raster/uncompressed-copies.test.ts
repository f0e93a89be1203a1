import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeUncompressedCopies } from '../../src/node/uncompressed-copies-node.js';
import { onFileAccess, type FileAccess } from '../../wasm/file-access.js';

const folders: string[] = [];
function folder(): string {
  const made = mkdtempSync(path.join(tmpdir(), 'geodata-copies-test-'));
  folders.push(made);
  return made;
}
afterEach(() => {
  for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
});

/** A "compressed" file and its "uncompressed copy" at the path the copies chose. */
async function fileWithCopy(copies: ReturnType<typeof nodeUncompressedCopies>, at: string, bytes: number) {
  const file = path.join(at, 'dem.tif');
  await writeFile(file, new Uint8Array(10).fill(1));
  const copy = copies.pathFor(file)!;
  await writeFile(copy, new Uint8Array(bytes).fill(2));
  await copies.remember(file, copy);
  return { file, copy };
}

describe('uncompressed copies kept for later reads (Node)', () => {
  it('serves the copy for its file, after a rename too (a commit into the cache), and reports a read of the file', async () => {
    const at = folder();
    const copies = nodeUncompressedCopies(() => path.join(at, 'copies'));
    const { file, copy } = await fileWithCopy(copies, at, 100);
    const moved = path.join(at, 'entry-dem.tif');
    await rename(file, moved);
    const reads: FileAccess[] = [];
    const stop = onFileAccess((access) => reads.push(access));
    try {
      expect(await copies.of(moved)).toBe(copy);
    } finally {
      stop();
    }
    expect(reads).toEqual([{ read: [moved], absent: [] }]);
    expect(await copies.of(path.join(at, 'other.tif'))).toBeUndefined();
  });

  it('serves no copy once the file is rewritten, even with the same bytes', async () => {
    const at = folder();
    const copies = nodeUncompressedCopies(() => path.join(at, 'copies'));
    const { file } = await fileWithCopy(copies, at, 100);
    const replacement = path.join(at, 'replacement.tif');
    await writeFile(replacement, await readFile(file));
    await rename(replacement, file);
    expect(await copies.of(file)).toBeUndefined();
  });

  it('removes the oldest copies beyond its budget, and refuses one larger than the budget', async () => {
    const at = folder();
    const copies = nodeUncompressedCopies(() => path.join(at, 'copies'), 250);
    const first = await fileWithCopy(copies, folder(), 100);
    const second = await fileWithCopy(copies, folder(), 100);
    const third = await fileWithCopy(copies, folder(), 100);
    expect(await copies.of(first.file)).toBeUndefined();
    await expect(stat(first.copy)).rejects.toThrow(/ENOENT/);
    expect(await copies.of(second.file)).toBe(second.copy);
    expect(await copies.of(third.file)).toBe(third.copy);
    const huge = await fileWithCopy(copies, folder(), 300);
    expect(await copies.of(huge.file)).toBeUndefined();
    await expect(stat(huge.copy)).rejects.toThrow(/ENOENT/);
  });

  const shm = existsSync('/dev/shm') && statSync('/dev/shm').dev !== statSync(tmpdir()).dev ? '/dev/shm' : undefined;
  it.skipIf(!shm)(`keeps none where its folder is on another file system than the file (a tmpfs)${shm ? '' : ' (skipped: no /dev/shm on another file system)'}`, async () => {
    const onShm = mkdtempSync(path.join(shm!, 'geodata-copies-test-'));
    folders.push(onShm);
    const copies = nodeUncompressedCopies(() => onShm);
    expect(copies.pathFor(path.join(folder(), 'dem.tif'))).toBeUndefined();
    expect(copies.pathFor(path.join(onShm, 'dem.tif'))).toMatch(/^\/dev\/shm\/.*-dem\.tif$/);
  });

  it('forgets a copy whose file was removed from under it', async () => {
    const at = folder();
    const copies = nodeUncompressedCopies(() => path.join(at, 'copies'));
    const { file, copy } = await fileWithCopy(copies, at, 100);
    rmSync(copy);
    expect(await copies.of(file)).toBeUndefined();
  });
});
