import { getConfig } from '../config.js';
import type { StoreAdapter } from '../store/adapter.js';
import { isLive, LiveClasses } from './live-classes.js';
import type { CacheProgress } from './scan.js';
import { mapConcurrently, READ_CONCURRENCY } from './concurrency.js';
import { listEntryFolders } from './scan.js';
import { readCodeVersions, readJson, readSnapshots, snapshotTrees, type StoredCode, type StoredSnapshot } from './source-registry.js';
import type { EntryMeta } from '../pipeline/entry.js';
import { META_FILE } from '../pipeline/layout.js';

/** Options of {@link cleanSourceRegistry}. */
export interface CleanSourceOptions {
  /** Report what would be removed, and remove nothing. */
  dryRun?: boolean;
  /**
   * Versions written less than this long ago are kept: a running computation records its code
   * just before it commits the entries that reference it. Default 5 minutes.
   */
  minAgeMs?: number;
  /** The store to clean: the configured one by default (the registry browser gives its guarded one). */
  store?: StoreAdapter;
  onProgress?: (progress: CacheProgress) => void;
}

/** One code version or tree snapshot in a clean-source report. */
export interface SourceItem {
  /** Its store prefix: `.source/code/<source_hash>/` or `.source/snapshots/<dep_tree_hash>/`. */
  key: string;
  kind: 'code' | 'snapshot';
  hash: string;
  /** The class (or helper) of a code version; the root class of a snapshot; null when unreadable. */
  className: string | null;
  reason: string;
  bytes: number;
}

/** What {@link cleanSourceRegistry} removed or kept, each list sorted by key. */
export interface CleanSourceReport {
  removed: SourceItem[];
  kept: SourceItem[];
  bytesFreed: number;
}

/**
 * Prunes `.source/`: code versions and tree snapshots that no entry references (an entry
 * references its class's source hash, its tree snapshot, and the source hash of every node of
 * that tree), keeping the latest version of every class (by `latest_registered`), the code and
 * trees of the classes loaded now, and anything written in the last few minutes. The input
 * digest memo (`.source/input-digests.json`) is not a version and is left alone.
 * @example const { removed } = await cleanSourceRegistry({ dryRun: true });
 */
export async function cleanSourceRegistry(options: CleanSourceOptions = {}): Promise<CleanSourceReport> {
  const store = options.store ?? getConfig().store;
  const minAgeMs = options.minAgeMs ?? 5 * 60_000;
  const now = Date.now();
  const codeRefs = new Map<string, string>();
  const snapshotRefs = new Map<string, string>();
  const refer = (refs: Map<string, string>, hash: string | undefined, why: string) => {
    if (typeof hash === 'string' && !refs.has(hash)) refs.set(hash, why);
  };

  const folders = await listEntryFolders(store);
  const treeOf = snapshotTrees(store);
  let read = 0;
  const references = await mapConcurrently(folders, READ_CONCURRENCY, async (folder) => {
    const meta = await readJson<EntryMeta>(store, folder.key + META_FILE);
    const tree = meta ? await treeOf(meta.dep_tree_hash) : undefined;
    options.onProgress?.({ phase: 'reading entries', done: ++read, total: folders.length });
    return { folder, meta, tree };
  });
  // Referenced in key order, so each reference names the same entry whatever the read order.
  for (const { folder, meta, tree } of references) {
    if (!meta) continue;
    const who = `referenced by entry ${folder.stateHash.slice(0, 12)}${typeof meta.class_name === 'string' ? ` (${meta.class_name})` : ''}`;
    refer(codeRefs, meta.source_hash, who);
    refer(snapshotRefs, meta.dep_tree_hash, who);
    for (const node of Object.values(tree?.nodes ?? {})) refer(codeRefs, node.sourceHash, who);
  }
  for (const live of new LiveClasses().all().filter(isLive)) {
    refer(snapshotRefs, live.depTreeHash, `the tree of ${live.name} as loaded now`);
    for (const [name, node] of Object.entries(live.tree.nodes)) refer(codeRefs, node.sourceHash, `the code of ${name} as loaded now`);
  }

  const report: CleanSourceReport = { removed: [], kept: [], bytesFreed: 0 };
  const recent = (mtimeMs: number) => now - mtimeMs < minAgeMs;
  for (const snapshot of await readSnapshots(store)) {
    const item = sourceItem('snapshot', snapshot, snapshot.tree?.root ?? null);
    const keep = snapshotRefs.get(snapshot.hash) ?? (recent(snapshot.mtimeMs) ? 'written in the last few minutes' : undefined);
    if (keep) {
      report.kept.push({ ...item, reason: keep });
      // A kept snapshot keeps the code it names, so it can still be shown whole.
      for (const node of Object.values(snapshot.tree?.nodes ?? {})) refer(codeRefs, node.sourceHash, `named by kept snapshot ${snapshot.hash.slice(0, 12)}`);
    } else {
      report.removed.push({ ...item, reason: snapshot.tree ? 'no entry references this tree' : 'tree.json is missing or unreadable, and no entry references it' });
    }
  }
  const codes = await readCodeVersions(store);
  const latest = latestPerClass(codes);
  for (const code of codes) {
    const item = sourceItem('code', code, code.record?.class_name ?? null);
    const keep =
      codeRefs.get(code.hash) ??
      (latest.has(code.hash) ? `the latest version of ${code.record!.class_name}` : undefined) ??
      (recent(code.mtimeMs) ? 'written in the last few minutes' : undefined);
    if (keep) report.kept.push({ ...item, reason: keep });
    else report.removed.push({ ...item, reason: code.record ? 'an older version no entry references' : 'source.json is missing or unreadable, and no entry references it' });
  }

  let done = 0;
  for (const item of report.removed) {
    if (!options.dryRun) await store.removePrefix(item.key);
    report.bytesFreed += item.bytes;
    options.onProgress?.({ phase: options.dryRun ? 'checking' : 'removing', done: ++done, total: report.removed.length });
  }
  for (const list of [report.removed, report.kept]) list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return report;
}

function sourceItem(kind: 'code' | 'snapshot', folder: StoredCode | StoredSnapshot, className: string | null): SourceItem {
  return { key: folder.key, kind, hash: folder.hash, className, reason: '', bytes: folder.bytes };
}

/** The hash of the most recently registered version of each class name. */
function latestPerClass(codes: StoredCode[]): Set<string> {
  const best = new Map<string, StoredCode>();
  for (const code of codes) {
    if (!code.record) continue;
    const current = best.get(code.record.class_name);
    if (!current || code.record.latest_registered > current.record!.latest_registered) best.set(code.record.class_name, code);
  }
  return new Set([...best.values()].map((code) => code.hash));
}
