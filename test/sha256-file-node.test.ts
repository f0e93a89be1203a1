// The cache checks a committed output by its file's SHA-256 (on commit and on every load()), read
// in 1 MiB pieces: the digest must be the one-shot digest of the whole file at any size.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileWithSha256, sha256OfFile } from '../src/sha256-file-node.js';

const folder = mkdtempSync(path.join(tmpdir(), 'geodata-hash-file-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function fileOf(name: string, size: number): { file: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 13)) & 0xff;
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return { file, bytes };
}

describe('sha256OfFile', () => {
  it.each([
    ['empty', 0],
    ['smaller than a piece', 1000],
    ['exactly one piece', 1 << 20],
    ['several pieces and a part', 3 * (1 << 20) + 17],
  ])('gives the size and one-shot SHA-256 of a file %s', async (name, size) => {
    const { file, bytes } = fileOf(`${name}.bin`, size);
    expect(await sha256OfFile(file)).toEqual({ size, sha256: createHash('sha256').update(bytes).digest('hex') });
  });

  it('gives the standard digest of a known content', async () => {
    const file = path.join(folder, 'abc.txt');
    writeFileSync(file, 'abc');
    expect(await sha256OfFile(file)).toEqual({ size: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
  });

  it('rejects with the file system error of a missing file', async () => {
    await expect(sha256OfFile(path.join(folder, 'missing.tif'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('readFileWithSha256', () => {
  it.each([
    ['empty', 0],
    ['smaller than a piece', 1000],
    ['several pieces and a part', 3 * (1 << 20) + 17],
  ])('gives the bytes of a file %s and their one-shot SHA-256', async (name, size) => {
    const { file, bytes } = fileOf(`read-${name}.bin`, size);
    const read = await readFileWithSha256(file);
    expect(Buffer.from(read.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(read.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('rejects with the file system error of a missing file', async () => {
    await expect(readFileWithSha256(path.join(folder, 'missing.tif'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
