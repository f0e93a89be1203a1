import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanCache, ConfigError, status, defaultRegistry, getConfig, load, memoryStore, process, register, type CleanItem } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { ENTRY_FORMAT_VERSION } from '../../src/pipeline/entry.js';
import { backdate, buildScenario, listTree, loadVersion1, loadVersion2, make, SPEC, type Scenario } from './scenario.js';

const brief = (items: CleanItem[]) => items.map((item) => [item.key, item.className, item.state]);
const byKey = <T extends unknown[]>(rows: T[]) => rows.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
const data = (hash: string) => `data_processed/${hash}/`;
const h = (s: Scenario) => s.hashes;
const reason = (items: CleanItem[], key: string) => items.find((item) => item.key === key)!.reason;

function expectedRemoved(s: Scenario): Array<[string, string | null, string]> {
  const h = s.hashes;
  return byKey([
    [`.staging/${s.staging}/`, null, 'staging'],
    [data(h.constant1v1), 'Constant', 'stale'],
    [data(h.constant2v1), 'Constant', 'stale'],
    [data(h.constant3v1), 'Constant', 'stale'],
    [data(h.doubled), 'Doubled', 'stale'],
    [`figures/${h.chart}/`, 'Chart', 'stale'],
    [data(h.labelV1), 'Label', 'stale'],
    [data(h.truncated), 'Constant', 'damaged'],
    [data(h.oldFormat), 'Constant', 'stale'],
    [data(h.badMeta), null, 'damaged'],
    [data(h.incomplete), null, 'incomplete'],
  ]);
}

function expectedKept(s: Scenario): Array<[string, string | null, string]> {
  const h = s.hashes;
  return byKey([
    [data(h.constant1v2), 'Constant', 'fresh'],
    [data(h.extremeMin), 'Extreme', 'fresh'],
    [data(h.extremeMax), 'Extreme', 'fresh'],
    [data(h.fromFile), 'FromFile', 'input-changed'],
  ]);
}

/** The entries' and staging files only: the input digest memo in .source may be refreshed by a scan. */
async function cacheFiles(root: string): Promise<string[]> {
  return (await listTree(root)).filter((line) => !line.startsWith('.source/input-digests.json') && !line.startsWith('.locks/'));
}

describe('cleanCache', () => {
  const cache = useTempCache('geodata-clean-cache');

  it('removes stale, damaged and incomplete entries and staging debris, keeps fresh and input-changed ones, and lists unknown ones', async () => {
    const s = await buildScenario();
    const h = s.hashes;
    const report = await cleanCache();
    expect(brief(report.removed)).toEqual(expectedRemoved(s));
    expect(brief(report.kept)).toEqual(expectedKept(s));
    expect(brief(report.unknown)).toEqual([[data(h.gone), 'Gone', 'unknown']]);

    expect(reason(report.removed, data(h.constant1v1))).toMatch(/^Constant's code changed \([0-9a-f]{12} → [0-9a-f]{12}\)$/);
    expect(reason(report.removed, `figures/${h.chart}/`)).toMatch(/^Constant's code changed \([0-9a-f]{12} → [0-9a-f]{12}\), and Chart depends on it$/);
    // Its key holds the tree of its parameter's class, Constant, which changed.
    expect(reason(report.removed, data(h.doubled))).toMatch(/^parameter class Constant's code or dependencies changed \(tree [0-9a-f]{12} → [0-9a-f]{12}\)$/);
    expect(reason(report.removed, data(h.truncated))).toBe('damaged: output constant.txt has 3 bytes, expected 13 (truncated?)');
    expect(reason(report.removed, data(h.oldFormat))).toBe(`meta.json has format_version 0, and this version of geodata writes ${ENTRY_FORMAT_VERSION}`);
    expect(reason(report.removed, data(h.badMeta))).toBe('damaged: meta.json is not a JSON object');
    expect(reason(report.removed, data(h.incomplete))).toBe('incomplete: no meta.json (left by an interrupted run)');
    expect(reason(report.kept, data(h.fromFile))).toMatch(new RegExp(`^input ${s.inputPath} changed \\([0-9a-f]{12} → [0-9a-f]{12}\\)$`));
    expect(reason(report.unknown, data(h.gone))).toBe('class Gone is not registered in this process (import the module that defines it)');

    for (const item of report.removed) expect(existsSync(join(s.root, item.key))).toBe(false);
    for (const item of [...report.kept, ...report.unknown]) expect(existsSync(join(s.root, item.key, 'meta.json'))).toBe(true);
    expect(report.removed.find((item) => item.key === data(h.incomplete))!.bytes).toBe(4);
    expect(report.bytesFreed).toBe(report.removed.reduce((sum, item) => sum + item.bytes, 0));
  });

  it('frees exactly the bytes it reports', async () => {
    const s = await buildScenario();
    const size = async () => (await cacheFiles(s.root)).filter((l) => !l.startsWith('.source/') && !l.startsWith('inputs/')).reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);
    const before = await size();
    const report = await cleanCache();
    expect(before - (await size())).toBe(report.bytesFreed);
    expect(report.bytesFreed).toBeGreaterThan(0);
  });

  it('changes nothing in a dry run, and reports exactly what the real run then removes', async () => {
    const s = await buildScenario();
    const before = await cacheFiles(s.root);
    const dry = await cleanCache({ dryRun: true });
    expect(await cacheFiles(s.root)).toEqual(before);
    expect(brief(dry.removed)).toEqual(expectedRemoved(s));
    const real = await cleanCache();
    expect(real).toEqual(dry);
    expect((await cleanCache({ dryRun: true })).removed).toEqual([]);
  });

  it('keeps unknown entries unless removeUnknown, and input-changed ones unless includeInputChanges', async () => {
    const s = await buildScenario();
    const report = await cleanCache({ removeUnknown: true, includeInputChanges: true });
    const removed = brief(report.removed);
    expect(removed).toContainEqual([data(s.hashes.gone), 'Gone', 'unknown']);
    expect(removed).toContainEqual([data(s.hashes.fromFile), 'FromFile', 'input-changed']);
    expect(report.unknown).toEqual([]);
    expect(brief(report.kept)).toEqual(expectedKept(s).filter(([key]) => key !== data(s.hashes.fromFile)));
    expect(existsSync(join(s.root, data(s.hashes.gone)))).toBe(false);
  });

  it('leaves fresh entries loadable from the cache', async () => {
    await buildScenario();
    await cleanCache();
    cache.resetEvents();
    expect(new TextDecoder().decode(await load<Uint8Array>(make.constant(1), SPEC))).toBe('constant v2 1');
    expect(new TextDecoder().decode(await load<Uint8Array>(make.extreme('min'), SPEC))).toBe('min -5');
    expect(new TextDecoder().decode(await load<Uint8Array>(make.extreme('max'), SPEC))).toBe('max 5');
    expect(cache.computed()).toEqual([]);
    expect(cache.hits()).toEqual(['Constant', 'Extreme', 'Extreme']);
  });

  it('judges an entry whose spec.json is missing or changed damaged, as loading does, and removes it', async () => {
    const s = await buildScenario();
    const { rm } = await import('node:fs/promises');
    await rm(join(s.root, data(s.hashes.extremeMin), 'spec.json'));
    await writeFile(join(s.root, data(s.hashes.extremeMax), 'spec.json'), '{"crs":"EPSG:4326"}');
    const report = await cleanCache({ dryRun: true });
    expect(reason(report.removed, data(s.hashes.extremeMin))).toBe('damaged: spec.json is missing');
    expect(reason(report.removed, data(s.hashes.extremeMax))).toBe('damaged: spec.json does not match its checksum');
    // What a load does with them: computes them (co-outputs, one computation) again.
    cache.resetEvents();
    await load(make.extreme('min'), SPEC);
    expect(cache.computed()).toEqual(['Extreme', 'Extreme']);
  });

  it('leaves an entry alone while a computation holds its lock', async () => {
    const s = await buildScenario();
    const release = await getConfig().store.lock(`entry-${s.hashes.constant2v1}`);
    try {
      const report = await cleanCache({ lockTimeoutMs: 100 });
      const kept = report.kept.find((item) => item.key === data(s.hashes.constant2v1));
      expect(kept?.reason).toMatch(/^Constant's code changed .*; left alone: it changed or was in use while the cleaner ran \(run clean again\)$/);
      expect(report.removed.map((item) => item.key)).not.toContain(data(s.hashes.constant2v1));
      expect(existsSync(join(s.root, data(s.hashes.constant2v1), 'meta.json'))).toBe(true);
    } finally {
      await release();
    }
    expect((await cleanCache()).removed.map((item) => item.key)).toEqual([data(s.hashes.constant2v1)]);
  });

  it('leaves staging folders alone while their computation runs, and recent ones', async () => {
    const s = await buildScenario();
    const running = 'e2'.repeat(32);
    const runningFolder = join(s.root, '.staging', `${running.slice(0, 16)}-Ab12Cd`);
    const recentFolder = join(s.root, '.staging', `${'a3'.repeat(8)}-Ef34Gh`);
    for (const folder of [runningFolder, recentFolder]) {
      await mkdir(folder);
      await writeFile(join(folder, 'out.txt'), 'partial');
    }
    await backdate(runningFolder, 60 * 60_000);
    const release = await getConfig().store.lock(`entry-${running}`);
    try {
      const staging = (await cleanCache()).removed.filter((item) => item.state === 'staging').map((item) => item.key);
      expect(staging).toEqual([`.staging/${s.staging}/`]);
      expect(existsSync(runningFolder) && existsSync(recentFolder)).toBe(true);
    } finally {
      await release();
    }
    const later = await cleanCache({ stagingMinAgeMs: 0 });
    expect(later.removed.map((item) => item.key).sort()).toEqual([`.staging/${'a3'.repeat(8)}-Ef34Gh/`, `.staging/${running.slice(0, 16)}-Ab12Cd/`]);
  });

  it('removes the lock leftovers of killed runs that status counts, once untouched, and never a lock', async () => {
    const s = await buildScenario();
    const hash = 'c4'.repeat(32);
    const locks = join(s.root, '.locks');
    // A run killed between creating its lock folder and writing owner.json into it, ten minutes ago and just now.
    const old = join(locks, `entry-${hash}.geodata-tmp-new-0123456789abcdef01234567`);
    const recent = join(locks, `entry-${hash}.geodata-tmp-new-89abcdef0123456789abcdef`);
    for (const folder of [old, recent]) await mkdir(folder, { recursive: true });
    await backdate(old, 10 * 60_000);
    // A lock held by a live process on another host: a lock, whatever its age.
    const held = join(locks, `entry-${'d5'.repeat(32)}`);
    await mkdir(held);
    await writeFile(join(held, 'owner.json'), JSON.stringify({ pid: 1, hostname: 'another-host', createdAt: '2024-05-01T10:00:00.000Z', token: 't' }));
    await backdate(held, 60 * 60_000);
    // With the scenario's staging folder of an unknown owner.
    expect((await status()).debris).toMatchObject({ staging: 1, locks: 2, owners: { unknown: 3 } });

    const dry = await cleanCache({ dryRun: true, stagingMinAgeMs: 0 });
    const leftovers = (report: Awaited<ReturnType<typeof cleanCache>>) => report.removed.filter((item) => item.key.startsWith('.locks/'));
    expect(leftovers(dry)).toEqual([
      {
        key: `.locks/${basename(old)}/`,
        stateHash: null,
        className: null,
        state: 'staging',
        reason: 'lock folder left by an interrupted run (no lock: it has no owner.json; untouched for 10 min)',
        bytes: 0,
      },
    ]);
    expect(existsSync(old)).toBe(true);
    expect(leftovers(await cleanCache({ stagingMinAgeMs: 0 })).map((item) => item.key)).toEqual([`.locks/${basename(old)}/`]);
    expect((await readdir(locks)).sort()).toEqual([basename(held), basename(recent)].sort());
    expect((await status()).debris).toMatchObject({ count: 1, staging: 0, locks: 1, owners: { unknown: 1 } });
  });

  it('counts and removes the recovery guard of a run killed while taking over a dead process\'s lock', async () => {
    await buildScenario();
    const locks = join(cache.root, '.locks');
    // Killed after renaming the dead owner's lock away, before removing its guard: the lock is gone, the guard stays.
    const guard = join(locks, `entry-${'e6'.repeat(32)}.geodata-tmp-recovering`);
    await mkdir(guard, { recursive: true });
    await backdate(guard, 10 * 60_000);
    expect((await status()).debris).toMatchObject({ locks: 1 });
    const removed = (await cleanCache()).removed.filter((item) => item.key.startsWith('.locks/'));
    expect(removed.map((item) => [item.key, item.reason])).toEqual([
      [`.locks/${basename(guard)}/`, 'lock folder left by an interrupted run (no lock: it has no owner.json; untouched for 10 min)'],
    ]);
    expect(await readdir(locks)).toEqual([]);
  });

  it('refuses removeUnknown when no class is registered, which would remove every entry, unless it is a dry run', async () => {
    const s = await buildScenario();
    const registered = defaultRegistry.names().map((name) => defaultRegistry.get(name)!);
    for (const cls of registered) defaultRegistry.unregister(cls);
    try {
      const before = await cacheFiles(s.root);
      await expect(cleanCache({ removeUnknown: true })).rejects.toThrow(
        new ConfigError(
          'cleanCache({ removeUnknown: true }) refuses to run when no class is registered in this process: every entry would be unknown, and removed; import the pipeline modules first, or pass dryRun: true to see what it would remove',
        ),
      );
      expect(await cacheFiles(s.root)).toEqual(before);
      const dry = await cleanCache({ removeUnknown: true, dryRun: true });
      expect(dry.removed.map((item) => item.key)).toContain(data(h(s).constant1v2));
    } finally {
      for (const cls of registered) register(cls);
    }
  });

  it('cleans a memory store the same way', async () => {
    getConfig().update({ store: memoryStore() });
    loadVersion1();
    const old = await process(make.constant(1), SPEC);
    loadVersion2();
    const current = await process(make.constant(1), SPEC);
    const report = await cleanCache();
    expect(brief(report.removed)).toEqual([[data(old.stateHash), 'Constant', 'stale']]);
    expect(brief(report.kept)).toEqual([[data(current.stateHash), 'Constant', 'fresh']]);
    expect(await getConfig().store.keys(data(old.stateHash))).toEqual([]);
  });
});
