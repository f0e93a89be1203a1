import { getConfig, type CacheLayout } from '../config.js';
import { InvalidInputError, PipelineError, describeValue } from '../errors.js';
import { sha256Hex } from '../sha256.js';
import { checkEntry, type EntryMeta } from '../pipeline/entry.js';
import canonicalize from 'canonicalize';
import { entryPrefix, META_FILE, PARAMETERS_FILE, SPEC_FILE } from '../pipeline/layout.js';
import { resolveEntryPrefix, type EntryLocation } from '../pipeline/load-from-hash.js';
import { LIBRARY_VERSION } from '../version.js';
import { MAX_ARCHIVE_FILE_BYTES, packArchive, unpackArchive, type ArchiveFile } from './archive.js';
import { describeBytes } from '../limits.js';
import { archiveEntryView } from './archive-entry-view.js';
import { parseJsonObject } from './json-object.js';
import type { CacheProgress } from './scan.js';
import { codeFolder, readSnapshotTree, snapshotFolder } from './source-registry.js';
import type { StoreAdapter } from '../store/adapter.js';

/** Options of {@link exportEntries}. */
export interface ExportOptions {
  /**
   * The store to read the entries' files from: the configured one by default. The registry
   * browser gives its own, which refuses files that lead outside the cache.
   */
  store?: StoreAdapter;
  onProgress?: (progress: CacheProgress) => void;
  /**
   * Called once the archive is packed, with every entry it holds: those asked for
   * (`requested: true`) and the entries their computations loaded, which go along.
   */
  onExported?: (entries: readonly ExportedEntry[]) => void;
}

/** An entry an archive holds (see {@link ExportOptions.onExported}). */
export interface ExportedEntry {
  stateHash: string;
  className: string;
  objectType: 'data' | 'figure';
  /** Whether it was asked for, rather than taken along as an entry a computation loaded. */
  requested: boolean;
}

/**
 * Packs entries (by state hash or unique prefix) into a `.tar.gz`: their files, their tree
 * snapshots, and the code versions of every node of their trees, so the importing side can show
 * the code that made them; and, the same way, the entries their computations loaded (recorded in
 * meta.json), which a hit on the importing side checks. Damaged entries are refused, and so are
 * entries with a file that cannot be read (rather than an archive without it).
 * @example const bytes = await exportEntries(['68107b', 'a1b2c3']);
 */
export async function exportEntries(selection: string | readonly string[], options: ExportOptions = {}): Promise<Uint8Array> {
  // Plain JavaScript (a notebook cell) can call it with nothing, or one entry's object.
  if (typeof selection !== 'string' && !Array.isArray(selection)) {
    throw new InvalidInputError(
      `exportEntries takes a state hash, a hash prefix or a list of them, not ${describeValue(selection)}; to export every entry: exportEntries((await entries()).map((entry) => entry.stateHash))`,
    );
  }
  const prefixes = typeof selection === 'string' ? [selection] : [...selection];
  if (prefixes.length === 0) throw new InvalidInputError('exportEntries needs at least one state hash or hash prefix');
  const store = options.store ?? getConfig().store;
  const files: ArchiveFile[] = [];
  const seen = new Set<string>();
  const add = async (key: string, stateHash: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const bytes = await store.get(key);
    if (!bytes) {
      throw new PipelineError(
        `entry ${stateHash.slice(0, 12)} cannot be exported: its file ${key} cannot be read (it vanished, or it leads outside the cache); nothing was exported`,
      );
    }
    files.push({ key, bytes });
  };
  const exported: Array<{ state_hash: string; class_name: string; object_type: string }> = [];
  const queue: EntryLocation[] = [];
  for (const prefix of prefixes) queue.push(await resolveEntryPrefix(prefix));
  const requested = new Set(queue.map((location) => location.stateHash));
  // Which entry's computation loaded each entry that goes along: a refusal names the one asked for.
  const loadedBy = new Map<string, string>();
  const named = (stateHash: string) => {
    const by = loadedBy.get(stateHash);
    return `entry ${stateHash.slice(0, 12)}${by ? ` (loaded by the computation of entry ${by.slice(0, 12)}, so it goes along with it)` : ''}`;
  };
  for (let index = 0; index < queue.length; index++) {
    const location = queue[index]!;
    if (exported.some((e) => e.state_hash === location.stateHash)) continue;
    await refuseOversizedOutput(store, location);
    const check = await checkEntry(location.objectType, location.stateHash, { bytes: true, store });
    if (check.state !== 'valid') {
      throw new PipelineError(`${named(location.stateHash)} cannot be exported: ${check.state === 'absent' ? 'it vanished' : check.problem}; run clean-cache and compute it again`);
    }
    const meta = check.meta;
    const tree = await readSnapshotTree(store, meta.dep_tree_hash);
    const codeHashes = new Set([meta.source_hash, ...Object.values(tree?.nodes ?? {}).map((node) => node.sourceHash)]);
    for (const hash of [...codeHashes].sort()) for (const key of await store.keys(`${codeFolder()}/${hash}/`)) await add(key, meta.state_hash);
    for (const key of await store.keys(`${snapshotFolder()}/${meta.dep_tree_hash}/`)) await add(key, meta.state_hash);
    // meta.json last: an importer that writes in archive order makes the entry visible last.
    const entryKeys = await store.keys(entryPrefix(location.objectType, location.stateHash));
    for (const key of [...entryKeys.filter((k) => !k.endsWith(`/${META_FILE}`)), ...entryKeys.filter((k) => k.endsWith(`/${META_FILE}`))]) await add(key, meta.state_hash);
    exported.push({ state_hash: meta.state_hash, class_name: meta.class_name, object_type: meta.object_type });
    // The entries its computation loaded go along: a hit on the importing side checks they are there.
    for (const used of meta.recorded.entries) {
      if (queue.some((queued) => queued.stateHash === used.state_hash)) continue;
      if (!(await store.has(entryPrefix(used.object_type, used.state_hash) + META_FILE))) continue;
      queue.push({ stateHash: used.state_hash, objectType: used.object_type });
      loadedBy.set(used.state_hash, meta.state_hash);
    }
    options.onProgress?.({ phase: 'exporting entries', done: index + 1, total: queue.length });
  }
  const archive = await packArchive(files, { entries: exported, layout: getConfig().layout, library_version: LIBRARY_VERSION });
  options.onExported?.(
    exported.map((entry) => ({ stateHash: entry.state_hash, className: entry.class_name, objectType: entry.object_type as 'data' | 'figure', requested: requested.has(entry.state_hash) })),
  );
  return archive;
}

/**
 * Refuses, before anything is read, an entry whose output is larger than an archive carries
 * (outputs of any size commit; `load()` and archives read at most 2 GiB into memory).
 */
async function refuseOversizedOutput(store: StoreAdapter, location: EntryLocation): Promise<void> {
  const prefix = entryPrefix(location.objectType, location.stateHash);
  const output = (parseJsonObject(await store.get(prefix + META_FILE)) as Partial<EntryMeta> | undefined)?.output;
  const size = typeof output?.file === 'string' ? (await store.stat(prefix + output.file).catch(() => undefined))?.size : undefined;
  if (size !== undefined && size > MAX_ARCHIVE_FILE_BYTES) {
    throw new PipelineError(
      `entry ${location.stateHash.slice(0, 12)} cannot be exported: its output ${output!.file} is ${describeBytes(size)}, and archives hold files of at most ${describeBytes(MAX_ARCHIVE_FILE_BYTES)} (they are packed in memory); nothing was exported. ` +
        `Copy the folder ${prefix} (and those of the entries its meta.json records) to the other cache instead`,
    );
  }
}

/** One entry, code version or snapshot of an import report. */
export interface ImportItem {
  /** Its store prefix in this cache. */
  key: string;
  kind: 'entry' | 'code' | 'snapshot';
  hash: string;
  /** The entry's class; null for code versions and snapshots. */
  className: string | null;
  bytes: number;
  /** Why it was skipped. */
  reason?: string;
}

/** What {@link importArchive} added and skipped, each sorted by key. */
export interface ImportReport {
  added: ImportItem[];
  skipped: ImportItem[];
  bytesAdded: number;
  /**
   * How many entries were added on trust: their outputs are the archive author's bytes, checked
   * against their own meta.json but not recomputed here (`verify` recomputes them).
   */
  trusted: number;
}

/** Where an imported entry came from, recorded in its meta.json as `imported`. */
export interface ImportProvenance {
  /** The archive's name (its file name in Node). */
  archive: string;
  /** When it was imported (ISO 8601). */
  at: string;
  /** Where the archive was read from (its absolute path in Node, or what the caller said); null when unknown. */
  origin: string | null;
  /** The archive's own `created_at` and `library_version`, as its manifest says. */
  archive_created_at: string | null;
  archive_library_version: string | null;
}

/** Options of {@link importArchive}. */
export interface ImportOptions {
  /** Report what would be added, and write nothing. */
  dryRun?: boolean;
  /** The archive's name, for messages and provenance. */
  name?: string;
  /** Where the archive came from (a path or a URL), recorded with every imported entry. */
  origin?: string;
  /** The most bytes the archive may inflate to; default `limits.archiveBytes`. */
  maxBytes?: number;
  onProgress?: (progress: CacheProgress) => void;
}

interface Group {
  kind: ImportItem['kind'];
  hash: string;
  /** The store prefix in this cache. */
  key: string;
  files: Array<readonly [string, Uint8Array]>;
}

/**
 * Imports an archive made by `exportEntries`. Everything is checked before anything is
 * written: paths that would escape the store, keys outside the entries and code folders, entries
 * without a meta.json that matches their output (size and checksum). Nothing already in the
 * cache is overwritten: existing entries, code versions and snapshots are skipped and reported,
 * an entry in the cache that is damaged or incomplete as such (clean-cache removes it, and the
 * import can then be run again).
 * Each entry is written at once with meta.json last, under its entry lock.
 * @example const { added, skipped } = await importArchive(bytes, { name: 'elevation.tar.gz' });
 */
export async function importArchive(bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportReport> {
  const name = options.name ?? 'archive';
  const { manifest, files } = await unpackArchive(bytes, name, options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes });
  const groups = groupFiles(files, archiveLayout(manifest), name);
  for (const group of groups) if (group.kind === 'entry') await checkEntryGroup(group, name);
  await checkRecords(groups, name);
  const provenance: ImportProvenance = {
    archive: name,
    at: new Date().toISOString(),
    origin: options.origin ?? null,
    archive_created_at: typeof manifest.created_at === 'string' ? manifest.created_at : null,
    archive_library_version: typeof manifest.library_version === 'string' ? manifest.library_version : null,
  };
  for (const group of groups) if (group.kind === 'entry') recordProvenance(group, provenance);

  const report: ImportReport = { added: [], skipped: [], bytesAdded: 0, trusted: 0 };
  // Code and snapshots first, so an entry never appears without the code that made it.
  const order = { code: 0, snapshot: 1, entry: 2 };
  const ordered = [...groups].sort((a, b) => order[a.kind] - order[b.kind] || (a.key < b.key ? -1 : 1));
  for (const [index, group] of ordered.entries()) {
    const item: ImportItem = {
      key: group.key,
      kind: group.kind,
      hash: group.hash,
      className: group.kind === 'entry' ? metaOf(group)!.class_name : null,
      bytes: group.files.reduce((sum, [, data]) => sum + data.length, 0),
    };
    const skipped = await writeGroup(group, options.dryRun ?? false);
    if (skipped === undefined) {
      report.added.push(item);
      report.bytesAdded += item.bytes;
      if (item.kind === 'entry') report.trusted++;
    } else {
      report.skipped.push({ ...item, reason: skipped });
    }
    options.onProgress?.({ phase: options.dryRun ? 'checking' : 'importing', done: index + 1, total: ordered.length });
  }
  for (const list of [report.added, report.skipped]) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return report;
}

/**
 * Writes a group unless its folder holds anything already; resolves to why it was skipped, or
 * undefined when it was written (or, in a dry run, would be).
 */
async function writeGroup(group: Group, dryRun: boolean): Promise<string | undefined> {
  const store = getConfig().store;
  const release = dryRun || group.kind !== 'entry' ? undefined : await store.lock(`entry-${group.hash}`);
  try {
    const existing = await store.keys(group.key);
    if (existing.length > 0) return group.kind === 'entry' ? await skippedEntry(group, existing) : `already in the cache (${store.name}); imports never overwrite`;
    if (!dryRun) {
      const metaLast = [...group.files.filter(([key]) => !key.endsWith(`/${META_FILE}`)), ...group.files.filter(([key]) => key.endsWith(`/${META_FILE}`))];
      await store.setMany(metaLast);
    }
    return undefined;
  } finally {
    await release?.();
  }
}

/**
 * Why an entry already in the cache is skipped. Imports never overwrite, not even an entry
 * that is damaged or incomplete: that one is named as such, so clean-cache can remove it first.
 */
async function skippedEntry(group: Group, existing: string[]): Promise<string> {
  const store = getConfig().store;
  const retry = 'imports never overwrite: run clean-cache, then import again';
  if (!existing.includes(`${group.key}${META_FILE}`)) return `the entry in the cache is incomplete (no ${META_FILE}: left by an interrupted run); ${retry}`;
  const objectType = group.key.startsWith(`${getConfig().layout.figures}/`) ? 'figure' : 'data';
  const check = await checkEntry(objectType, group.hash, { store });
  if (check.state === 'damaged') return `the entry in the cache is damaged (${check.problem}); ${retry}`;
  return `already in the cache (${store.name}); imports never overwrite`;
}

/** The layout the archive was written with (older archives: the default layout). */
function archiveLayout(manifest: Record<string, unknown>): CacheLayout {
  const layout = manifest.layout as Partial<CacheLayout> | undefined;
  const valid = layout && typeof layout === 'object' && ['data', 'figures', 'source'].every((k) => typeof (layout as Record<string, unknown>)[k] === 'string');
  return valid ? (layout as CacheLayout) : { data: 'data_processed', figures: 'figures', source: '.source' };
}

/** Sorts archive members into entries, code versions and snapshots, mapped to this cache's layout. */
function groupFiles(files: ArchiveFile[], from: CacheLayout, archiveName: string): Group[] {
  const to = getConfig().layout;
  const groups = new Map<string, Group>();
  for (const file of files) {
    const parts = file.key.split('/');
    let kind: Group['kind'] | undefined;
    let folder: string | undefined;
    if (parts.length === 3 && (parts[0] === from.data || parts[0] === from.figures)) {
      kind = 'entry';
      folder = `${parts[0] === from.data ? to.data : to.figures}/${parts[1]}`;
    } else if (parts.length === 4 && parts[0] === from.source && (parts[1] === 'code' || parts[1] === 'snapshots')) {
      kind = parts[1] === 'code' ? 'code' : 'snapshot';
      folder = `${to.source}/${parts[1]}/${parts[2]}`;
    }
    const hash = parts[parts.length - 2]!;
    if (!kind || !folder || !/^[0-9a-f]{64}$/.test(hash)) {
      throw new InvalidInputError(
        `archive ${archiveName} has a member ${JSON.stringify(file.key)} outside the cache's entries (${from.data}/<hash>/, ${from.figures}/<hash>/) and code registry (${from.source}/code/<hash>/, ${from.source}/snapshots/<hash>/); nothing was imported`,
      );
    }
    let group = groups.get(folder);
    if (!group) groups.set(folder, (group = { kind, hash, key: `${folder}/`, files: [] }));
    group.files.push([`${folder}/${parts[parts.length - 1]}`, file.bytes]);
  }
  return [...groups.values()];
}

/** The files an entry folder may hold besides its output: what commit writes, and GDAL's sidecars of the output. */
const ENTRY_FILES = new Set([META_FILE, PARAMETERS_FILE, SPEC_FILE]);
const OUTPUT_SIDECARS = ['.aux.xml', '.ovr', '.msk'];
/** The files of a code version and of a tree snapshot. */
const GROUP_FILES: Record<'code' | 'snapshot', Set<string>> = { code: new Set(['source.js', 'source.json', 'written.ts', 'written.js']), snapshot: new Set(['tree.json', 'graph.svg']) };

/** Replaces an entry's meta.json with one that says where it came from (any `imported` it had is the author's word, and goes). */
function recordProvenance(group: Group, provenance: ImportProvenance): void {
  const index = group.files.findIndex(([key]) => key.endsWith(`/${META_FILE}`));
  const meta = { ...metaOf(group)!, imported: provenance };
  group.files[index] = [group.files[index]![0], new TextEncoder().encode(`${JSON.stringify(meta, null, 2)}\n`)];
}

/**
 * Checks what an archive's records say of each other, before anything is written: every member
 * belongs to an entry (entry folders hold their output, its GDAL sidecars and the three JSON
 * files; code versions and snapshots are those of the archive's entries, nothing else); each
 * entry's state hash follows from its instance and spec hashes, and its params hash from its
 * parameters.json; its code version and tree snapshot, when present, name its class and source
 * hash. A careful forger can still make all of these agree: they catch damage and careless
 * edits, and only `verify` (recomputing) tells an entry's bytes are what this code makes.
 */
async function checkRecords(groups: Group[], archiveName: string): Promise<void> {
  const refuse = (what: string) => new InvalidInputError(`archive ${archiveName} ${what}; nothing was imported`);
  const code = new Map(groups.filter((g) => g.kind === 'code').map((g) => [g.hash, g]));
  const snapshots = new Map(groups.filter((g) => g.kind === 'snapshot').map((g) => [g.hash, g]));
  const usedCode = new Set<string>();
  const usedSnapshots = new Set<string>();
  for (const group of groups) {
    const names = group.files.map(([key]) => key.slice(group.key.length));
    if (group.kind === 'entry') {
      const meta = metaOf(group)!;
      const stray = names.find((name) => name !== meta.output.file && !ENTRY_FILES.has(name) && !OUTPUT_SIDECARS.some((ext) => name === meta.output.file + ext));
      if (stray) throw refuse(`has a member ${JSON.stringify(group.key + stray)} that is not part of entry ${group.hash.slice(0, 12)} (an entry holds its output ${meta.output.file}, ${[...ENTRY_FILES].join(', ')})`);
      const expectedState = sha256Hex(canonicalize({ format_version: meta.fingerprint_format ?? 1, instanceHash: meta.instance_hash, specHash: meta.spec_hash }) ?? '');
      if (expectedState !== group.hash) throw refuse(`has an entry ${group.hash.slice(0, 12)} whose state hash does not follow from its instance_hash and spec_hash (${expectedState.slice(0, 12)}): it was altered`);
      const parameters = parseJsonObject(group.files.find(([key]) => key.endsWith(`/${PARAMETERS_FILE}`))?.[1]);
      if (!parameters || sha256Hex(canonicalize(parameters) ?? '') !== meta.params_hash) {
        throw refuse(`has an entry ${group.hash.slice(0, 12)} whose ${PARAMETERS_FILE} does not match its params_hash: it was altered`);
      }
      const record = code.has(meta.source_hash) ? parseJsonObject(fileOf(code.get(meta.source_hash)!, 'source.json')) : undefined;
      if (record && (record.class_name !== meta.class_name || record.object_type !== meta.object_type)) {
        throw refuse(`has an entry ${group.hash.slice(0, 12)} of ${meta.class_name} whose code version ${meta.source_hash.slice(0, 12)} is of ${describeValue(record.class_name)} (${describeValue(record.object_type)})`);
      }
      const tree = snapshots.has(meta.dep_tree_hash) ? (parseJsonObject(fileOf(snapshots.get(meta.dep_tree_hash)!, 'tree.json')) as { root?: unknown; nodes?: Record<string, { sourceHash?: unknown }> } | undefined) : undefined;
      if (tree && (tree.root !== meta.class_name || tree.nodes?.[meta.class_name]?.sourceHash !== meta.source_hash)) {
        throw refuse(`has an entry ${group.hash.slice(0, 12)} of ${meta.class_name} whose tree snapshot ${meta.dep_tree_hash.slice(0, 12)} is of another class or code (root ${describeValue(tree.root)})`);
      }
      usedSnapshots.add(meta.dep_tree_hash);
      usedCode.add(meta.source_hash);
      for (const node of Object.values(tree?.nodes ?? {})) if (typeof node?.sourceHash === 'string') usedCode.add(node.sourceHash);
      for (const processor of meta.key_dependencies?.processors ?? []) usedCode.add(processor.source_hash);
      if (meta.processor) usedCode.add(meta.processor.source_hash);
    } else {
      const stray = names.find((name) => !GROUP_FILES[group.kind as 'code' | 'snapshot'].has(name));
      if (stray) throw refuse(`has a member ${JSON.stringify(group.key + stray)} that is not part of a ${group.kind === 'code' ? 'code version' : 'tree snapshot'} (${[...GROUP_FILES[group.kind as 'code' | 'snapshot']].join(', ')})`);
      if (group.kind === 'code') {
        const record = parseJsonObject(fileOf(group, 'source.json'));
        if (record && record.source_hash !== group.hash) throw refuse(`has a code version ${group.hash.slice(0, 12)} whose source.json names another source hash (${describeValue(record.source_hash)})`);
      }
    }
  }
  for (const group of groups) {
    const used = group.kind === 'code' ? usedCode : group.kind === 'snapshot' ? usedSnapshots : undefined;
    if (used && !used.has(group.hash)) {
      throw refuse(`has a ${group.kind === 'code' ? 'code version' : 'tree snapshot'} ${JSON.stringify(group.key)} that is not part of any of its entries (not their code, nor their dependency trees)`);
    }
  }
}


function fileOf(group: Group, name: string): Uint8Array | undefined {
  return group.files.find(([key]) => key === group.key + name)?.[1];
}

function metaOf(group: Group): EntryMeta | undefined {
  return parseJsonObject(group.files.find(([key]) => key.endsWith(`/${META_FILE}`))?.[1]) as EntryMeta | undefined;
}

/**
 * An entry must be complete and say what it holds: meta.json naming this hash, and everything a
 * load checks (this format, spec.json and the output with their recorded size and checksum,
 * recorded dependencies geodata wrote), judged by the load's own `checkEntry`, so no entry is
 * added that this cache would read as damaged or outdated.
 */
async function checkEntryGroup(group: Group, archiveName: string): Promise<void> {
  const meta = metaOf(group);
  const problem = (what: string) =>
    new InvalidInputError(`archive ${archiveName}: entry ${group.hash.slice(0, 12)} ${what}; nothing was imported (export the entry again)`);
  if (!meta) throw problem(`has no readable ${META_FILE}`);
  if (meta.state_hash !== group.hash || typeof meta.class_name !== 'string' || typeof meta.output?.file !== 'string') {
    throw problem(`has a ${META_FILE} that does not describe it (state_hash ${describeValue(meta.state_hash)})`);
  }
  if (!group.files.some(([key]) => key === `${group.key}${meta.output.file}`)) throw problem(`lacks its output ${meta.output.file}`);
  const objectType = group.key.startsWith(`${getConfig().layout.figures}/`) ? 'figure' : 'data';
  const check = await checkEntry(objectType, group.hash, { store: archiveEntryView(group.files) });
  if (check.state === 'outdated') {
    throw problem(`was written by another version of geodata (${check.problem}): this cache would read it as stale and compute it again`);
  }
  if (check.state !== 'valid') throw problem(`is damaged: ${check.state === 'absent' ? `no ${META_FILE}` : check.problem}`);
}
