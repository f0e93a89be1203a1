import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { packArchive, unpackArchive, type ArchiveFile } from '../../src/cache/archive.js';
import { InvalidInputError } from '../../src/errors.js';
import { HAS_CHROMIUM, withBrowserPage } from '../helpers/browser.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const scratch = await mkdtemp(join(tmpdir(), 'geodata-archive-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const HAS_TAR = existsSync('/usr/bin/tar') || existsSync('/bin/tar');
const CREATED_AT = '2025-01-31T12:00:00.000Z';
const text = (value: string) => new TextEncoder().encode(value);
const HASH = 'ab'.repeat(32);

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  randomFillSync(bytes); // fills large buffers in one call, unlike getRandomValues (64 KiB max)
  return bytes;
}

const sampleFiles = (): ArchiveFile[] => [
  { key: `data_processed/${HASH}/elevation_loader.tif`, bytes: randomBytes(5 * 1024 * 1024) },
  { key: `data_processed/${HASH}/meta.json`, bytes: text('{"class":"ElevationLoader"}') },
  { key: `data_processed/${HASH}/empty.bin`, bytes: new Uint8Array(0) },
  // 127 bytes: longer than ustar's 100-byte name field, so it needs the prefix field.
  { key: `data_processed/${HASH}/hillshade_from_elevation_loader_at_noon.tif`, bytes: randomBytes(1000) },
  { key: '.source/code/cd34/source.js', bytes: text('class Élévation extends Data {}') },
  { key: 'figures/ef56/figure_élévation.png', bytes: randomBytes(512) },
];

// ---- a hand-made ustar writer, so hostile archives can have any name, type and checksum ----

interface RawMember {
  name: string;
  data?: Uint8Array;
  type?: string;
  prefix?: string;
  /** Added to the correct checksum, to break it. */
  checksumError?: number;
}

function rawHeader(member: RawMember): Uint8Array {
  const header = new Uint8Array(512);
  const put = (offset: number, value: string) => header.set(text(value), offset);
  put(0, member.name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${(member.data?.length ?? 0).toString(8).padStart(11, '0')}\0`);
  put(136, '00000000000\0');
  put(156, member.type ?? '0');
  put(257, 'ustar\u000000');
  if (member.prefix) put(345, member.prefix);
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0) + (member.checksumError ?? 0);
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

function rawTar(members: RawMember[], { end = true } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const member of members) {
    parts.push(rawHeader(member));
    if (member.data) parts.push(member.data, new Uint8Array((512 - (member.data.length % 512)) % 512));
  }
  if (end) parts.push(new Uint8Array(1024));
  return new Uint8Array(Buffer.concat(parts));
}

const manifestMember = (manifest: unknown = { format_version: 1, created_at: CREATED_AT }): RawMember => ({
  name: 'geodata-export.json',
  data: text(JSON.stringify(manifest)),
});
const gz = (tar: Uint8Array) => new Uint8Array(gzipSync(tar));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Reads member names and mtimes straight from tar headers (no prefix support needed here). */
function headers(tar: Uint8Array): Array<{ name: string; mtime: number; size: number }> {
  const out = [];
  for (let offset = 0; tar[offset] !== 0; ) {
    const field = (at: number, length: number) => Buffer.from(tar.subarray(offset + at, offset + at + length)).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12), 8);
    const prefix = field(345, 155);
    out.push({ name: prefix ? `${prefix}/${field(0, 100)}` : field(0, 100), mtime: parseInt(field(136, 12), 8), size });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('packArchive and unpackArchive', () => {
  it('round-trips several files, including a 5 MB random binary, an empty file and a 127-byte key', async () => {
    const files = sampleFiles();
    const archive = await packArchive(files, { created_at: CREATED_AT, entries: [HASH], note: 'from laptop' });
    const { manifest, files: back } = await unpackArchive(archive, 'laptop.tar.gz');
    expect(manifest).toEqual({ format_version: 1, created_at: CREATED_AT, entries: [HASH], note: 'from laptop' });
    expect(back.map((file) => file.key)).toEqual(files.map((file) => file.key));
    back.forEach((file, index) => expect(Buffer.from(file.bytes).equals(Buffer.from(files[index]!.bytes))).toBe(true));
    expect(back[2]!.bytes.byteLength).toBe(0);
  });

  it('writes the manifest first as pretty JSON and gives every member the mtime of created_at', async () => {
    const archive = await packArchive([{ key: 'a/b.txt', bytes: text('b') }], { created_at: CREATED_AT, entries: ['x'] });
    const tar = new Uint8Array(gunzipSync(archive));
    const members = headers(tar);
    expect(members.map((member) => member.name)).toEqual(['geodata-export.json', 'a/b.txt']);
    expect(members.map((member) => member.mtime)).toEqual([Date.parse(CREATED_AT) / 1000, Date.parse(CREATED_AT) / 1000]);
    const manifestText = Buffer.from(tar.subarray(512, 512 + members[0]!.size)).toString('utf8');
    expect(manifestText).toBe(`${JSON.stringify({ format_version: 1, created_at: CREATED_AT, entries: ['x'] }, null, 2)}\n`);
  });

  it('adds created_at (now) and format_version 1 when the manifest has neither', async () => {
    const before = Date.now();
    const { manifest } = await unpackArchive(await packArchive([], { entries: [] }));
    const createdAt = Date.parse(manifest.created_at as string);
    expect(manifest.format_version).toBe(1);
    expect(manifest.created_at).toBe(new Date(createdAt).toISOString());
    expect(createdAt).toBeGreaterThanOrEqual(before);
    expect(createdAt).toBeLessThanOrEqual(Date.now());
  });

  it('gives the same bytes for the same files and manifest, and different bytes for another created_at', async () => {
    const files = sampleFiles();
    const first = await packArchive(files, { created_at: CREATED_AT });
    const second = await packArchive(files, { created_at: CREATED_AT });
    const later = await packArchive(files, { created_at: '2025-02-01T00:00:00.000Z' });
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(later).equals(Buffer.from(first))).toBe(false);
  });

  it('holds each member in a buffer of its own size, never the whole decompressed archive', async () => {
    const { files } = await unpackArchive(await packArchive(sampleFiles(), { created_at: CREATED_AT }));
    for (const file of files) expect([file.bytes.byteOffset, file.bytes.buffer.byteLength]).toEqual([0, file.bytes.byteLength]);
  });

  it.skipIf(!HAS_TAR)('writes archives that GNU tar extracts to the same bytes', async () => {
    const files = sampleFiles();
    const folder = join(scratch, 'gnu-extract');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'export.tar.gz'), await packArchive(files, { created_at: CREATED_AT }));
    execFileSync('tar', ['-xzf', 'export.tar.gz'], { cwd: folder });
    for (const file of files) expect((await readFile(join(folder, file.key))).equals(Buffer.from(file.bytes))).toBe(true);
    expect(JSON.parse(await readFile(join(folder, 'geodata-export.json'), 'utf8'))).toEqual({ format_version: 1, created_at: CREATED_AT });
  });

  it.skipIf(!HAS_TAR)('imports an archive made by GNU tar in ustar format, ignoring its directory members', async () => {
    const folder = join(scratch, 'gnu-create');
    await mkdir(join(folder, 'data_processed', HASH), { recursive: true });
    await writeFile(join(folder, 'geodata-export.json'), JSON.stringify({ format_version: 1, created_at: CREATED_AT }));
    await writeFile(join(folder, 'data_processed', HASH, 'meta.json'), '{"x":1}');
    execFileSync('tar', ['--format=ustar', '-czf', 'made-by-tar.tar.gz', 'geodata-export.json', 'data_processed'], { cwd: folder });
    const { files } = await unpackArchive(new Uint8Array(await readFile(join(folder, 'made-by-tar.tar.gz'))), 'made-by-tar.tar.gz');
    expect(files.map((file) => [file.key, Buffer.from(file.bytes).toString('utf8')])).toEqual([[`data_processed/${HASH}/meta.json`, '{"x":1}']]);
  });

  it.skipIf(!HAS_CHROMIUM)('packs in a real browser an archive that Node unpacks', async () => {
    const entry = join(scratch, 'browser-entry.ts');
    const archiveModule = join(repoRoot, 'src', 'cache', 'archive.ts');
    await writeFile(
      entry,
      `import { packArchive, unpackArchive } from ${JSON.stringify(archiveModule)};
       (window as any).roundTrip = async () => {
         const bytes = new Uint8Array(300000).map((_, i) => (i * 7919) % 251);
         const archive = await packArchive([{ key: 'data_processed/ab/x.tif', bytes }], { created_at: '${CREATED_AT}' });
         const back = await unpackArchive(archive, 'in-browser');
         return { archive: Array.from(archive), sameInBrowser: back.files[0].bytes.every((b, i) => b === bytes[i]) };
       };`,
    );
    const result = await withBrowserPage({ entry }, async (page) => {
      await page.waitForFunction(() => typeof (window as any).roundTrip === 'function');
      return page.evaluate(() => (window as any).roundTrip()) as Promise<{ archive: number[]; sameInBrowser: boolean }>;
    });
    expect(result.sameInBrowser).toBe(true);
    const { files } = await unpackArchive(new Uint8Array(result.archive), 'from-browser');
    const expected = new Uint8Array(300000).map((_, i) => (i * 7919) % 251);
    expect(Buffer.from(files[0]!.bytes).equals(Buffer.from(expected))).toBe(true);
  });

  it('bundles for the browser without Node builtins', async () => {
    const result = await build({
      entryPoints: [join(repoRoot, 'src', 'cache', 'archive.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });
});

describe('unpackArchive refuses unsafe members', () => {
  it.each([
    ['../evil', 'it has a ".." segment'],
    ['/abs', 'it is absolute'],
    ['a/../../b', 'it has a ".." segment'],
    ['C:\\x', 'it is absolute'],
    ['data\\evil', 'it contains a backslash'],
    ['a//b', 'it has an empty segment'],
    ['./a', 'it has a "." segment'],
  ])('refuses the member path %s', async (path, reason) => {
    const archive = gz(rawTar([manifestMember(), { name: 'data_processed/ok/meta.json', data: text('{}') }, { name: path, data: text('x') }]));
    const error = await rejection(unpackArchive(archive, 'hostile.tar.gz'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(
      `archive hostile.tar.gz has an unsafe path ${JSON.stringify(path)}: ${reason}; members must be relative store keys such as "data_processed/<hash>/meta.json"`,
    );
  });

  it('refuses a path made unsafe by the ustar prefix field', async () => {
    const archive = gz(rawTar([manifestMember(), { name: 'passwd', prefix: '../../etc', data: text('x') }]));
    expect((await rejection(unpackArchive(archive, 'prefix.tar.gz'))).message).toMatch(/^archive prefix\.tar\.gz has an unsafe path "\.\.\/\.\.\/etc\/passwd": it has a "\.\." segment/);
  });

  it.each([
    ['2', 'a symbolic link'],
    ['1', 'a hard link'],
    ['3', 'a character device'],
    ['4', 'a block device'],
    ['6', 'a named pipe (FIFO)'],
  ])('refuses a member of type %s (%s)', async (type, what) => {
    const archive = gz(rawTar([manifestMember(), { name: 'data_processed/ab/link', type }]));
    const error = await rejection(unpackArchive(archive, 'links.tar.gz'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(new RegExp(`^archive links\\.tar\\.gz has an unsafe member "data_processed/ab/link": it is ${what.replace(/[()]/g, '\\$&')}, and geodata imports only regular files`));
  });

  it('refuses PAX extended headers, which could rename the next member', async () => {
    const archive = gz(rawTar([manifestMember(), { name: 'PaxHeader/x', type: 'x', data: text('20 path=../../evil\n') }, { name: 'x', data: text('x') }]));
    expect((await rejection(unpackArchive(archive, 'pax.tar.gz'))).message).toMatch(/^archive pax\.tar\.gz has an unsupported member "PaxHeader\/x": it is a PAX extended header/);
  });

  it('refuses a member name the store reserves for itself', async () => {
    const archive = gz(rawTar([manifestMember(), { name: '.staging/x', data: text('x') }]));
    expect((await rejection(unpackArchive(archive, 'reserved.tar.gz'))).message).toMatch(/^archive reserved\.tar\.gz has a member "\.staging\/x" that cannot be imported: the store refuses it/);
  });

  it('refuses duplicate member paths', async () => {
    const member = { name: 'data_processed/ab/meta.json', data: text('{}') };
    const archive = gz(rawTar([manifestMember(), member, member]));
    expect((await rejection(unpackArchive(archive, 'twice.tar.gz'))).message).toBe(
      'archive twice.tar.gz has a member "data_processed/ab/meta.json" that cannot be imported: it appears twice',
    );
  });

  it('refuses a member that is a file and also the folder of another member', async () => {
    const archive = gz(rawTar([manifestMember(), { name: 'data_processed/ab', data: text('x') }, { name: 'data_processed/ab/meta.json', data: text('{}') }]));
    expect((await rejection(unpackArchive(archive, 'clash.tar.gz'))).message).toBe(
      'archive clash.tar.gz has a member "data_processed/ab" that cannot be imported: it is a file, and also the folder of another key',
    );
  });
});

describe('unpackArchive refuses damaged archives', () => {
  const good = async () => packArchive([{ key: 'data_processed/ab/x.bin', bytes: randomBytes(200_000) }], { created_at: CREATED_AT });

  it('refuses data that is not gzip', async () => {
    const error = await rejection(unpackArchive(rawTar([manifestMember()]), 'plain.tar'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(
      'archive plain.tar is corrupt: it is not gzip data (2048 bytes starting with 67 65 6f 64; a .tar.gz starts with 1f 8b); export it again or check the download',
    );
  });

  it('refuses gzip data with a damaged byte', async () => {
    const archive = await good();
    const middle = Math.floor(archive.length / 2);
    archive[middle] = archive[middle]! ^ 0xff;
    const error = await rejection(unpackArchive(archive, 'flipped.tar.gz'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/^archive flipped\.tar\.gz is corrupt: its gzip data is damaged or cut short \(.+\)/);
  });

  it('refuses an archive cut short', async () => {
    const archive = await good();
    const error = await rejection(unpackArchive(archive.subarray(0, archive.length - 5000), 'partial.tar.gz'));
    expect(error.message).toMatch(/^archive partial\.tar\.gz is corrupt: its gzip data is damaged or cut short/);
  });

  it('refuses a tar whose last member is cut short, naming the member', async () => {
    const tar = rawTar([manifestMember(), { name: 'data_processed/ab/x.bin', data: randomBytes(5000) }], { end: false });
    const error = await rejection(unpackArchive(gz(tar.subarray(0, 3072)), 'short.tar.gz'));
    expect(error.message).toBe(
      'archive short.tar.gz is corrupt: member "data_processed/ab/x.bin" declares 5000 bytes but only 1536 remain (truncated); export it again or check the download',
    );
  });

  it('refuses a tar without its end-of-archive blocks', async () => {
    const error = await rejection(unpackArchive(gz(rawTar([manifestMember()], { end: false })), 'noend.tar.gz'));
    expect(error.message).toBe(
      'archive noend.tar.gz is corrupt: the tar data ends without the end-of-archive blocks after member "geodata-export.json" (truncated); export it again or check the download',
    );
  });

  it('refuses a header with a bad checksum, naming the member', async () => {
    const tar = rawTar([manifestMember(), { name: 'data_processed/ab/meta.json', data: text('{}'), checksumError: 1 }]);
    const error = await rejection(unpackArchive(gz(tar), 'checksum.tar.gz'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/^archive checksum\.tar\.gz is corrupt: the header of member "data_processed\/ab\/meta\.json" at byte 1024 has a bad checksum \(stored "(\d+)", computed (\d+)\)/);
    const [, stored, computed] = /stored "(\d+)", computed (\d+)/.exec(error.message)!;
    expect(parseInt(stored!, 8) - parseInt(computed!, 8)).toBe(1);
  });

  it('refuses data after the end-of-archive blocks', async () => {
    const tar = Buffer.concat([rawTar([manifestMember()]), rawHeader({ name: 'smuggled', data: text('x') }), new Uint8Array(512)]);
    expect((await rejection(unpackArchive(gz(tar), 'tail.tar.gz'))).message).toMatch(/^archive tail\.tar\.gz is corrupt: there is data after the end-of-archive blocks at byte 1024/);
  });

  it('refuses an archive without geodata-export.json, at its first member', async () => {
    const error = await rejection(unpackArchive(gz(rawTar([{ name: 'data_processed/ab/meta.json', data: text('{}') }])), 'other.tar.gz'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(
      'archive other.tar.gz is not a geodata export: geodata-export.json is not the first member (the first is "data_processed/ab/meta.json"); only archives made by geodata\'s export can be imported',
    );
    const empty = await rejection(unpackArchive(gz(rawTar([])), 'empty.tar.gz'));
    expect(empty.message).toBe("archive empty.tar.gz is not a geodata export: geodata-export.json is missing; only archives made by geodata's export can be imported");
  });

  it('refuses an archive whose geodata-export.json is not the first member', async () => {
    const error = await rejection(unpackArchive(gz(rawTar([{ name: 'data_processed/ab/meta.json', data: text('{}') }, manifestMember()])), 'late.tar.gz'));
    expect(error.message).toMatch(/^archive late\.tar\.gz is not a geodata export: geodata-export\.json is not the first member \(the first is "data_processed\/ab\/meta\.json"\)/);
  });

  it('refuses a geodata-export.json that is not JSON, or not an object, or has no format_version', async () => {
    const manifestOf = async (data: string) =>
      (await rejection(unpackArchive(gz(rawTar([{ name: 'geodata-export.json', data: text(data) }])), 'bad.tar.gz'))).message;
    expect(await manifestOf('{"format_version": 1')).toMatch(/^archive bad\.tar\.gz has an invalid geodata-export\.json: it is not UTF-8 JSON \(/);
    expect(await manifestOf('[1]')).toBe('archive bad.tar.gz has an invalid geodata-export.json: it holds [1], not an object; export the entries again');
    expect(await manifestOf('{"created_at":"x"}')).toBe('archive bad.tar.gz has an invalid geodata-export.json: it has no format_version; export the entries again');
  });

  it('refuses a format_version other than 1', async () => {
    const error = await rejection(unpackArchive(gz(rawTar([manifestMember({ format_version: 2 })])), 'future.tar.gz'));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe('archive future.tar.gz has format_version 2, and this version of geodata reads only format_version 1; upgrade geodata to import it');
  });

  it('names the archive "archive" when no name is given', async () => {
    expect((await rejection(unpackArchive(new Uint8Array([1, 2, 3])))).message).toMatch(/^archive archive is corrupt: it is not gzip data/);
  });
});

describe('packArchive refuses what unpackArchive would refuse', () => {
  const bytes = text('x');

  it.each([
    [[{ key: '../evil', bytes }], 'packArchive: cannot export key "../evil": the store refuses it'],
    [[{ key: 'a/b', bytes }, { key: 'a/b', bytes }], 'packArchive: cannot export key "a/b": it appears twice'],
    [[{ key: 'geodata-export.json', bytes }], 'packArchive: cannot export key "geodata-export.json": geodata-export.json is the manifest\'s name'],
    [[{ key: 'a', bytes }, { key: 'a/b', bytes }], 'packArchive: cannot export key "a": it is a file, and also the folder of another key'],
    [[{ key: `a/${'n'.repeat(101)}`, bytes }], 'packArchive: cannot export key "a/nnn'],
  ])('refuses files %#', async (files, message) => {
    const error = await rejection(packArchive(files, { created_at: CREATED_AT }));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('refuses bytes that are not a Uint8Array', async () => {
    const error = await rejection(packArchive([{ key: 'a/b', bytes: 'text' as unknown as Uint8Array }], {}));
    expect(error.message).toBe('packArchive: the bytes of "a/b" must be a Uint8Array, got "text"');
  });

  it('refuses a manifest with another format_version, a bad created_at, or values JSON cannot hold', async () => {
    expect((await rejection(packArchive([], { format_version: 2 }))).message).toBe(
      'packArchive: manifest format_version is 2, but this version of geodata writes 1; leave it out',
    );
    expect((await rejection(packArchive([], { created_at: 'yesterday' }))).message).toMatch(/^packArchive: manifest created_at must be a date string/);
    expect((await rejection(packArchive([], { size: 10n }))).message).toMatch(/^packArchive: the manifest cannot be written as JSON/);
  });
});

describe('unpackArchive size budget', () => {
  const MiB = 2 ** 20;

  it('refuses a gzip of zeros behind a manifest as soon as its member passes the budget, naming the archive and the budget', async () => {
    const bomb = gz(rawTar([manifestMember(), { name: `data_processed/${HASH}/zeros.tif`, data: new Uint8Array(16 * MiB) }])); // 16 KB that inflate 1000-fold
    const error = await rejection(unpackArchive(bomb, 'zeros.tar.gz', { maxBytes: MiB }));
    expect(error.name).toBe('ArchiveTooLargeError');
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(
      /^archive zeros\.tar\.gz is too large to import: its members declare 17 MB \([\d,]+ bytes\) so far \(member "data_processed\/(ab)+\/zeros\.tif"\), over the budget of 1\.0 MB \(1,048,576 bytes\); nothing was imported\. If you trust it, raise the budget \(geodata import --max-size, or getConfig\(\)\.update\(\{ limits: \{ archiveBytes \} \}\)\)$/,
    );
  });

  it('refuses a member whose declared size passes the budget at its header, before holding its data', async () => {
    const big = rawTar([manifestMember(), { name: `data_processed/${HASH}/big.tif`, data: new Uint8Array(2 * MiB) }]);
    const error = await rejection(unpackArchive(gz(big), 'big.tar.gz', { maxBytes: MiB }));
    expect(error.message).toMatch(/^archive big\.tar\.gz is too large to import: its members declare 2\.1 MB \(2,097,\d+ bytes\) so far \(member "data_processed\/(ab)+\/big\.tif"\), over the budget of 1\.0 MB/);
  });

  it('takes its default budget from the configured limits, and passes archives within it', async () => {
    const { getConfig } = await import('../../src/config.js');
    const archive = await packArchive(sampleFiles(), { created_at: CREATED_AT }); // about 5 MB inflated
    const before = getConfig().limits;
    try {
      getConfig().update({ limits: { archiveBytes: 4 * MiB } });
      expect((await rejection(unpackArchive(archive, 'five.tar.gz'))).name).toBe('ArchiveTooLargeError');
      getConfig().update({ limits: { archiveBytes: 8 * MiB } });
      expect((await unpackArchive(archive, 'five.tar.gz')).files.length).toBe(sampleFiles().length);
      expect(() => getConfig().update({ limits: { archiveBytes: -1 } })).toThrow('config limits must be an object whose archiveBytes is a positive number of bytes, got');
    } finally {
      getConfig().update({ limits: before });
    }
  });
});

describe('unpackArchive and endless zeros', () => {
  it('refuses a gzip of zeros within the first record, not after inflating it all', async () => {
    const error = await rejection(unpackArchive(gz(new Uint8Array(64 * 2 ** 20)), 'zeros.tar.gz'));
    expect(error.message).toBe(
      'archive zeros.tar.gz is corrupt: it goes on with zeros after its end-of-archive blocks (more than 20480 bytes, where tar pads to at most one 10240-byte record); export it again or check the download',
    );
  });
});
