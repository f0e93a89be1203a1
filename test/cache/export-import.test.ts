import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gzipChunks } from '../../src/cache/archive-gzip.js';
import { ustarChunks } from '../../src/cache/archive-tar.js';
import { exportEntries, FileError, getConfig, importArchive, InvalidInputError, load, PipelineError, process } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { listTree, loadVersion2, make, SPEC } from './scenario.js';

const text = (value: string) => new TextEncoder().encode(value);
const HASH = 'ab'.repeat(32);

/** A gzip'd tar with exactly these members, checked by nothing: what an attacker could send. */
async function rawArchive(members: Array<{ path: string; bytes: Uint8Array }>): Promise<Uint8Array> {
  const manifest = { path: 'geodata-export.json', bytes: text('{"format_version": 1, "created_at": "2025-01-31T12:00:00.000Z"}') };
  return gzipChunks(ustarChunks([manifest, ...members], 0));
}

describe('exportEntries and importArchive', () => {
  const cache = useTempCache('geodata-export');
  const others: string[] = [];
  /** Another empty cache root, made the configured one. */
  const switchToEmptyRoot = () => {
    const root = mkdtempSync(join(tmpdir(), 'geodata-import-'));
    others.push(root);
    getConfig().update({ root });
    return root;
  };
  afterEach(() => {
    for (const root of others.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  /** Computes a few entries (co-outputs and a figure with a dependency) and exports them. */
  async function exportSample() {
    loadVersion2();
    const constant = await process(make.constant(1), SPEC);
    const max = await process(make.extreme('max'), SPEC);
    const chart = await process(make.chart(), SPEC);
    const archive = await exportEntries([constant.stateHash.slice(0, 8), max.meta.co_outputs[0]!, chart.stateHash]);
    return { archive, constant, min: max.meta.co_outputs[0]!, chart };
  }

  it('says what it takes, and how to export everything, when called from plain JavaScript with no selection or an entry object', async () => {
    const hint = 'to export every entry: exportEntries((await entries()).map((entry) => entry.stateHash))';
    const call = exportEntries as (selection?: unknown) => Promise<Uint8Array>;
    await expect(call()).rejects.toThrow(new InvalidInputError(`exportEntries takes a state hash, a hash prefix or a list of them, not undefined; ${hint}`));
    await expect(call({ stateHash: 'ab12' })).rejects.toThrow(InvalidInputError);
  });

  it('imports into an empty cache where loading is then a hit, with the code that made the entries', async () => {
    const { archive, constant, min, chart } = await exportSample();
    const root = switchToEmptyRoot();
    const report = await importArchive(archive);
    expect(report.skipped).toEqual([]);
    const entries = report.added.filter((item) => item.kind === 'entry');
    expect(entries.map((item) => `${item.className} ${item.hash}`).sort()).toEqual([`Chart ${chart.stateHash}`, `Constant ${constant.stateHash}`, `Extreme ${min}`]);
    expect(entries.find((item) => item.className === 'Chart')!.key).toBe(`figures/${chart.stateHash}/`);
    // Chart's tree names Constant: both code versions and all three trees come along, and the
    // node:fs/promises writeFile that Extreme's body calls.
    expect(report.added.filter((item) => item.kind === 'code')).toHaveLength(4);
    expect(report.added.filter((item) => item.kind === 'snapshot')).toHaveLength(3);
    expect(readFileSync(join(root, '.source', 'code', constant.meta.source_hash, 'source.js'), 'utf8')).toContain('constant v2');

    cache.resetEvents();
    expect(new TextDecoder().decode(await load<Uint8Array>(make.constant(1), SPEC))).toBe('constant v2 1');
    expect(new TextDecoder().decode(await load<Uint8Array>(make.extreme('min'), SPEC))).toBe('min -5');
    expect((await process(make.chart(), SPEC)).computed).toBe(false);
    expect(cache.computed()).toEqual([]);
    expect(cache.hits()).toEqual(['Constant', 'Extreme', 'Chart']);
  });

  it('takes along the entries a computation loaded, so loading the exported one is a hit on the importing side', async () => {
    loadVersion2();
    const chart = await process(make.chart(), SPEC);
    const constant = await process(make.constant(1), SPEC);
    const archive = await exportEntries(chart.stateHash);
    switchToEmptyRoot();
    const entries = (await importArchive(archive)).added.filter((item) => item.kind === 'entry');
    expect(entries.map((item) => `${item.className} ${item.hash}`).sort()).toEqual([`Chart ${chart.stateHash}`, `Constant ${constant.stateHash}`]);
    cache.resetEvents();
    expect((await process(make.chart(), SPEC)).computed).toBe(false);
    expect(cache.computed()).toEqual([]);
  });

  it('never overwrites: a second import skips everything and reports it', async () => {
    const { archive } = await exportSample();
    switchToEmptyRoot();
    const first = await importArchive(archive);
    const second = await importArchive(archive);
    expect(second.added).toEqual([]);
    expect(second.skipped.map((item) => item.key)).toEqual(first.added.map((item) => item.key));
    expect(second.skipped[0]!.reason).toMatch(/^already in the cache \(fs:.*\); imports never overwrite$/);
  });

  it('says so when it skips an entry because the one in the cache is damaged or incomplete', async () => {
    const { archive, constant, min } = await exportSample();
    // Into the same cache: one entry's output is truncated, another lost its meta.json.
    await truncate(join(cache.root, 'data_processed', constant.stateHash, 'constant.txt'), 3);
    await rm(join(cache.root, 'data_processed', min, 'meta.json'));
    const report = await importArchive(archive);
    const reason = (hash: string) => report.skipped.find((item) => item.hash === hash)!.reason;
    expect(reason(constant.stateHash)).toBe(
      `the entry in the cache is damaged (output constant.txt has 3 bytes, expected 13 (truncated?)); imports never overwrite: run clean-cache, then import again`,
    );
    expect(reason(min)).toBe('the entry in the cache is incomplete (no meta.json: left by an interrupted run); imports never overwrite: run clean-cache, then import again');
    expect(report.added).toEqual([]);
  });

  it('reports in a dry run exactly what a real import adds, and writes nothing', async () => {
    const { archive } = await exportSample();
    const root = switchToEmptyRoot();
    const dry = await importArchive(archive, { dryRun: true });
    expect(await listTree(root)).toEqual([]);
    expect(await importArchive(archive)).toEqual(dry);
  });

  it('writes the archive to a path in Node, and imports from a path', async () => {
    loadVersion2();
    const entry = await process(make.constant(7), SPEC);
    const path = join(cache.root, 'constant.tar.gz');
    const bytes = await exportEntries(entry.stateHash, { path });
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    switchToEmptyRoot();
    expect((await importArchive(path)).added.filter((item) => item.kind === 'entry').map((item) => item.hash)).toEqual([entry.stateHash]);
  });

  it('refuses to export an unknown prefix or a damaged entry', async () => {
    loadVersion2();
    const entry = await process(make.constant(8), SPEC);
    await expect(exportEntries('0123456789')).rejects.toThrow(/no cache entry has a hash starting with 0123456789/);
    await truncate(join(cache.root, 'data_processed', entry.stateHash, 'constant.txt'), 2);
    await expect(exportEntries(entry.stateHash)).rejects.toThrow(PipelineError);
    await expect(exportEntries(entry.stateHash)).rejects.toThrow(/cannot be exported: output constant\.txt has 2 bytes, expected 13/);
  });

  it('refuses an export path that is a folder, naming a file to give instead, and writes nothing', async () => {
    loadVersion2();
    const entry = await process(make.constant(9), SPEC);
    const before = await listTree(cache.root);
    await expect(exportEntries(entry.stateHash, { path: cache.root })).rejects.toThrow(
      new FileError(`cannot write the export archive ${cache.root}: it is a folder; name the archive file, such as ${join(cache.root, 'entries.tar.gz')}`, cache.root),
    );
    expect(await listTree(cache.root)).toEqual(before);
  });

  it('says that an archive path naming a folder is a folder, and which file to give', async () => {
    await expect(importArchive(cache.root)).rejects.toThrow(
      new FileError(`cannot read the archive ${cache.root}: it is a folder; give the .tar.gz file that geodata export wrote`, cache.root),
    );
  });

  it('names the entry asked for when an entry its computation loaded is damaged', async () => {
    loadVersion2();
    const chart = await process(make.chart(), SPEC);
    const constant = await process(make.constant(1), SPEC);
    await truncate(join(cache.root, 'data_processed', constant.stateHash, 'constant.txt'), 2);
    await expect(exportEntries(chart.stateHash.slice(0, 10))).rejects.toThrow(
      new PipelineError(
        `entry ${constant.stateHash.slice(0, 12)} (loaded by the computation of entry ${chart.stateHash.slice(0, 12)}, so it goes along with it) cannot be exported: output constant.txt has 2 bytes, expected 13 (truncated?); run clean-cache and compute it again`,
      ),
    );
  });

  it.each([
    ['a "../" path', `../${HASH}/meta.json`, /has an unsafe path "\.\.\/ab.*": it has a "\.\." segment/],
    ['an absolute path', '/etc/passwd', /has an unsafe path "\/etc\/passwd": it is absolute/],
    ['a key outside the entries and the code registry', 'notes/readme.txt', /member "notes\/readme\.txt" outside the cache's entries/],
    ['the input digest memo', '.source/input-digests.json', /member "\.source\/input-digests\.json" outside the cache's entries/],
  ])('rejects an archive with %s and writes nothing', async (_what, path, message) => {
    const { archive } = await exportSample();
    const { unpackArchive } = await import('../../src/cache/archive.js');
    const good = (await unpackArchive(archive)).files.map((file) => ({ path: file.key, bytes: file.bytes }));
    const evil = await rawArchive([...good, { path, bytes: text('{}') }]);
    const root = switchToEmptyRoot();
    await expect(importArchive(evil)).rejects.toThrow(InvalidInputError);
    await expect(importArchive(evil)).rejects.toThrow(message);
    expect(await listTree(root)).toEqual([]);
  });

  it('rejects an entry whose output does not match its meta.json, and writes nothing', async () => {
    const { archive, constant } = await exportSample();
    const { unpackArchive } = await import('../../src/cache/archive.js');
    const files = (await unpackArchive(archive)).files.map((file) => ({
      path: file.key,
      bytes: file.key.endsWith('/constant.txt') ? text('constant v2 X') : file.bytes,
    }));
    const root = switchToEmptyRoot();
    await expect(importArchive(await rawArchive(files))).rejects.toThrow(
      `entry ${constant.stateHash.slice(0, 12)} is damaged: output constant.txt does not match its checksum; nothing was imported`,
    );
    expect(await listTree(root)).toEqual([]);
  });

  it('refuses to export an entry whose output is larger than an archive holds, saying so before reading it', async () => {
    const { constant } = await exportSample();
    const folder = join(cache.root, 'data_processed', constant.stateHash);
    const size = 2 ** 31; // sparse: nothing is read
    await truncate(join(folder, 'constant.txt'), size);
    const meta = JSON.parse(readFileSync(join(folder, 'meta.json'), 'utf8'));
    writeFileSync(join(folder, 'meta.json'), JSON.stringify({ ...meta, output: { ...meta.output, size } }));
    await expect(exportEntries(constant.stateHash)).rejects.toThrow(
      `entry ${constant.stateHash.slice(0, 12)} cannot be exported: its output constant.txt is 2.1 GB (2,147,483,648 bytes), and archives hold files of at most 2.1 GB (2,147,483,647 bytes) (they are packed in memory); nothing was exported. ` +
        `Copy the folder data_processed/${constant.stateHash}/ (and those of the entries its meta.json records) to the other cache instead`,
    );
  });

  it('refuses a member declaring more than an archive holds, whatever the budget, before allocating it', async () => {
    const [header] = [...ustarChunks([{ path: `data_processed/${HASH}/big.tif`, bytes: new Uint8Array(0) }], 0)];
    const forged = new Uint8Array(header!);
    forged.set(text((8 * 2 ** 30).toString(8).padStart(11, '0')), 124);
    forged.fill(0x20, 148, 156);
    forged.set(text(`${forged.reduce((sum, byte) => sum + byte, 0).toString(8).padStart(6, '0')}\u0000 `), 148);
    const manifest = text('{"format_version": 1, "created_at": "2025-01-31T12:00:00.000Z"}');
    const [manifestHeader] = [...ustarChunks([{ path: 'geodata-export.json', bytes: manifest }], 0)];
    const padded = new Uint8Array(Math.ceil(manifest.length / 512) * 512);
    padded.set(manifest);
    const archive = await gzipChunks([manifestHeader!, padded, forged, new Uint8Array(1024)]);
    const root = switchToEmptyRoot();
    await expect(importArchive(archive, { name: 'big.tar.gz', maxBytes: 100e9 })).rejects.toThrow(
      `archive big.tar.gz has a member "data_processed/${HASH}/big.tif" of 8.6 GB (8,589,934,592 bytes), and geodata archives hold files of at most 2.1 GB (2,147,483,647 bytes); it was not made by geodata's export, or was altered; nothing was imported`,
    );
    expect(await listTree(root)).toEqual([]);
  });

  it('rejects a corrupt archive and writes nothing', async () => {
    const { archive } = await exportSample();
    const root = switchToEmptyRoot();
    await expect(importArchive(archive.subarray(0, archive.length - 40), { name: 'cut.tar.gz' })).rejects.toThrow(/^archive cut\.tar\.gz is corrupt: /);
    expect(existsSync(join(root, 'data_processed'))).toBe(false);
  });

  /** The archive's members, changed by `edit` (return undefined to drop one), packed again without any check. */
  async function altered(archive: Uint8Array, edit: (path: string, bytes: Uint8Array) => { path: string; bytes: Uint8Array } | undefined, extra: Array<{ path: string; bytes: Uint8Array }> = []) {
    const { unpackArchive } = await import('../../src/cache/archive.js');
    const files = (await unpackArchive(archive)).files.flatMap((file) => edit(file.key, file.bytes) ?? []);
    return rawArchive([...files, ...extra]);
  }

  it('records where each imported entry came from in its meta.json, and counts the entries taken on trust', async () => {
    const { archive, constant } = await exportSample();
    const folder = switchToEmptyRoot();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(folder, 'sample.tar.gz'), archive);
    const { importArchive: importFile } = await import('../../src/cache/export-import-node.js');
    const before = Date.now();
    const report = await importFile(join(folder, 'sample.tar.gz'));
    expect(report.trusted).toBe(3);
    const meta = JSON.parse(readFileSync(join(folder, 'data_processed', constant.stateHash, 'meta.json'), 'utf8'));
    expect(meta.imported).toEqual({
      archive: 'sample.tar.gz',
      at: expect.any(String),
      origin: join(folder, 'sample.tar.gz'),
      archive_created_at: expect.any(String),
      archive_library_version: expect.any(String),
    });
    expect(Date.parse(meta.imported.at)).toBeGreaterThanOrEqual(before - 1000);
    // Still a valid entry, and a hit.
    cache.resetEvents();
    expect(new TextDecoder().decode(await load<Uint8Array>(make.constant(1), SPEC))).toBe('constant v2 1');
    expect(cache.computed()).toEqual([]);
    // A second import takes nothing on trust.
    expect((await importFile(join(folder, 'sample.tar.gz'))).trusted).toBe(0);
  });

  it('refuses members that are not part of an entry: a page in an entry folder, a code version no entry uses', async () => {
    const { archive, constant } = await exportSample();
    const root = switchToEmptyRoot();
    const evil = await altered(archive, (path, bytes) => ({ path, bytes }), [{ path: `data_processed/${constant.stateHash}/evil.html`, bytes: text('<script>alert(1)</script>') }]);
    await expect(importArchive(evil, { name: 'evil.tar.gz' })).rejects.toThrow(
      `archive evil.tar.gz has a member "data_processed/${constant.stateHash}/evil.html" that is not part of entry ${constant.stateHash.slice(0, 12)} (an entry holds its output constant.txt, meta.json, parameters.json, spec.json); nothing was imported`,
    );
    const planted = await altered(archive, (path, bytes) => ({ path, bytes }), [{ path: `.source/code/${HASH}/source.js`, bytes: text('fetch("https://evil.example")') }]);
    await expect(importArchive(planted, { name: 'planted.tar.gz' })).rejects.toThrow(
      `archive planted.tar.gz has a code version ".source/code/${HASH}/" that is not part of any of its entries (not their code, nor their dependency trees); nothing was imported`,
    );
    expect(await listTree(root)).toEqual([]);
  });

  it('refuses an entry moved under another state hash, or whose records disagree with each other', async () => {
    const { archive, constant } = await exportSample();
    const root = switchToEmptyRoot();
    // Planted under a state hash the importer may compute one day: meta.json is made to agree, the hashes inside do not.
    const moved = await altered(archive, (path, bytes) => {
      if (!path.startsWith(`data_processed/${constant.stateHash}/`)) return { path, bytes };
      const newPath = path.replace(constant.stateHash, HASH);
      if (!path.endsWith('/meta.json')) return { path: newPath, bytes };
      const meta = JSON.parse(new TextDecoder().decode(bytes));
      return { path: newPath, bytes: text(JSON.stringify({ ...meta, state_hash: HASH })) };
    });
    await expect(importArchive(moved, { name: 'moved.tar.gz' })).rejects.toThrow(
      new RegExp(`^archive moved\\.tar\\.gz has an entry ${HASH.slice(0, 12)} whose state hash does not follow from its instance_hash and spec_hash \\([0-9a-f]{12}\\): it was altered; nothing was imported$`),
    );
    const renamed = await altered(archive, (path, bytes) => {
      if (path !== `data_processed/${constant.stateHash}/meta.json`) return { path, bytes };
      return { path, bytes: text(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(bytes)), class_name: 'Elevation' })) };
    });
    await expect(importArchive(renamed, { name: 'renamed.tar.gz' })).rejects.toThrow(
      `archive renamed.tar.gz has an entry ${constant.stateHash.slice(0, 12)} of Elevation whose code version ${constant.meta.source_hash.slice(0, 12)} is of "Constant" ("data"); nothing was imported`,
    );
    const params = await altered(archive, (path, bytes) => (path === `data_processed/${constant.stateHash}/parameters.json` ? { path, bytes: text('{"value":2}') } : { path, bytes }));
    await expect(importArchive(params, { name: 'params.tar.gz' })).rejects.toThrow(
      `archive params.tar.gz has an entry ${constant.stateHash.slice(0, 12)} whose parameters.json does not match its params_hash: it was altered; nothing was imported`,
    );
    expect(await listTree(root)).toEqual([]);
  });

  it('refuses an entry this cache would read as damaged or outdated: spec.json changed or missing, an older meta.json, recorded dependencies geodata did not write', async () => {
    const { archive, constant } = await exportSample();
    const root = switchToEmptyRoot();
    const folder = `data_processed/${constant.stateHash}/`;
    const short = constant.stateHash.slice(0, 12);
    const withMeta = (change: (meta: Record<string, unknown>) => Record<string, unknown>) =>
      altered(archive, (path, bytes) => (path === `${folder}meta.json` ? { path, bytes: text(JSON.stringify(change(JSON.parse(new TextDecoder().decode(bytes))))) } : { path, bytes }));
    const cases: Array<[string, Uint8Array, string]> = [
      ['spec.tar.gz', await altered(archive, (path, bytes) => ({ path, bytes: path === `${folder}spec.json` ? text(new TextDecoder().decode(bytes).replace('50', '51')) : bytes })), 'is damaged: spec.json does not match its checksum'],
      ['nospec.tar.gz', await altered(archive, (path, bytes) => (path === `${folder}spec.json` ? undefined : { path, bytes })), 'is damaged: spec.json is missing'],
      ['old.tar.gz', await withMeta((meta) => ({ ...meta, format_version: 1 })), 'was written by another version of geodata (meta.json has format_version 1, and this geodata writes 2): this cache would read it as stale and compute it again'],
      ['recorded.tar.gz', await withMeta((meta) => ({ ...meta, recorded: 5 })), 'is damaged: meta.json has recorded dependencies that geodata did not write'],
    ];
    for (const [name, bytes, problem] of cases) {
      await expect(importArchive(bytes, { name })).rejects.toThrow(`archive ${name}: entry ${short} ${problem}; nothing was imported (export the entry again)`);
    }
    expect(await listTree(root)).toEqual([]);
  });

  it('verify names the class of an entry it cannot read, and says what becomes of it', async () => {
    const { constant } = await exportSample();
    const { verifyEntries } = await import('../../src/cache/verify.js');
    await truncate(join(cache.root, 'data_processed', constant.stateHash, 'constant.txt'), 3);
    expect(await verifyEntries(constant.stateHash)).toEqual([
      {
        stateHash: constant.stateHash,
        className: 'Constant',
        result: 'failed',
        replaced: false,
        detail: 'the entry cannot be read (output constant.txt has 3 bytes, expected 13 (truncated?)): loading it computes it again, and clean-cache removes it',
      },
    ]);
  });

  it('verify marks an imported entry verified under its lock, and not once a computation replaced it meanwhile', async () => {
    const { archive, constant } = await exportSample();
    const { verifyEntries } = await import('../../src/cache/verify.js');
    const root = switchToEmptyRoot();
    await importArchive(archive, { name: 'sample.tar.gz' });
    const store = getConfig().store;
    const lockName = `entry-${constant.stateHash}`;
    let asked!: () => void;
    const lockAsked = new Promise<'lock'>((resolve) => (asked = () => resolve('lock')));
    getConfig().update({ store: { ...store, name: store.name, lock: (name, options) => (name === lockName && asked(), store.lock(name, options)) } });
    const held = await store.lock(lockName);
    const verifying = verifyEntries(constant.stateHash);
    expect(await Promise.race([lockAsked, verifying.then(() => 'finished without the lock')])).toBe('lock');
    // What a recompute holding the lock leaves: the entry computed here, no longer imported.
    const metaPath = join(root, 'data_processed', constant.stateHash, 'meta.json');
    const recomputed = { ...JSON.parse(readFileSync(metaPath, 'utf8')), imported: undefined };
    writeFileSync(metaPath, JSON.stringify(recomputed));
    await held();
    expect((await verifying).map((item) => item.result)).toEqual(['same']);
    expect(JSON.parse(readFileSync(metaPath, 'utf8')).imported).toBeUndefined();
  });

  it('verify recomputes imported entries: equal ones are marked verified, a forged one is found and replaced on request', async () => {
    const { archive, constant, chart } = await exportSample();
    const { sha256BytesHex: sha256Hex } = await import('../../src/sha256.js');
    const { verifyEntries } = await import('../../src/cache/verify.js');
    // A self-consistent forgery: another output, with meta.json's size and checksum made to agree.
    const forged = text('constant v2 666');
    const forgedSha = await sha256Hex(forged);
    const evil = await altered(archive, (path, bytes) => {
      if (path === `data_processed/${constant.stateHash}/constant.txt`) return { path, bytes: forged };
      if (path !== `data_processed/${constant.stateHash}/meta.json`) return { path, bytes };
      const meta = JSON.parse(new TextDecoder().decode(bytes));
      return { path, bytes: text(JSON.stringify({ ...meta, output: { ...meta.output, size: forged.length, sha256: forgedSha } })) };
    });
    const root = switchToEmptyRoot();
    expect((await importArchive(evil, { name: 'forged.tar.gz' })).trusted).toBe(3);
    expect(new TextDecoder().decode(await load<Uint8Array>(make.constant(1), SPEC))).toBe('constant v2 666'); // taken on trust

    const found = await verifyEntries('imported');
    expect(found.map((item) => `${item.className} ${item.stateHash} ${item.result}`).sort()).toEqual(
      [`Chart ${chart.stateHash} same`, `Constant ${constant.stateHash} differs`, expect.stringMatching(/^Extreme [0-9a-f]{64} same$/)].sort(),
    );
    expect(found.find((item) => item.className === 'Constant')!.detail).toBe(
      `recomputed here, the output differs: sha256 ${constant.meta.output.sha256.slice(0, 12)} here, ${forgedSha.slice(0, 12)} in the entry`,
    );
    const chartMeta = JSON.parse(readFileSync(join(root, 'figures', chart.stateHash, 'meta.json'), 'utf8'));
    expect(typeof chartMeta.imported.verified_at).toBe('string');
    expect(readFileSync(join(root, 'data_processed', constant.stateHash, 'constant.txt'), 'utf8')).toBe('constant v2 666'); // not replaced unless asked

    const replaced = await verifyEntries(constant.stateHash.slice(0, 10), { replace: true });
    expect(replaced.map((item) => [item.result, item.replaced])).toEqual([['differs', true]]);
    expect(readFileSync(join(root, 'data_processed', constant.stateHash, 'constant.txt'), 'utf8')).toBe('constant v2 1');
    expect(JSON.parse(readFileSync(join(root, 'data_processed', constant.stateHash, 'meta.json'), 'utf8')).imported).toBeUndefined();
    expect((await verifyEntries(constant.stateHash)).map((item) => item.result)).toEqual(['same']);
  });
});
