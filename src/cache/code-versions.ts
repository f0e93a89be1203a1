import { getConfig } from '../config.js';
import type { WrittenRecord } from '../pipeline/code-registry.js';
import type { EntryMeta } from '../pipeline/entry.js';
import { META_FILE } from '../pipeline/layout.js';
import type { StoreAdapter } from '../store/adapter.js';
import { isLive, LiveClasses } from './live-classes.js';
import { mapConcurrently, READ_CONCURRENCY } from './concurrency.js';
import { listEntryFolders } from './scan.js';
import { readCodeVersions, readJson, snapshotTrees } from './source-registry.js';

/** One stored version of a class's (or helper's) code. */
export interface CodeVersion {
  /** Its store prefix: `.source/code/<source_hash>/`. */
  key: string;
  sourceHash: string;
  /** From source.json; null when it is missing or unreadable. */
  className: string | null;
  objectType: 'data' | 'figure' | 'helper' | 'value' | null;
  firstRegistered: string | null;
  latestRegistered: string | null;
  /** Whether this is the code of that name loaded now. */
  live: boolean;
  /** Entries made with this code (as their class, or as a node of their dependency tree). */
  entries: number;
  bytes: number;
  /** source.js, when asked for (`includeSource`) and stored. */
  source?: string | null;
  /** From source.json: where the source as written came from, or why it could not be had; null in older records. */
  written: WrittenRecord | null;
  /** The source as written (written.ts or written.js), when asked for (`includeSource`) and stored. */
  writtenSource?: string | null;
}

/** Options of {@link codeVersions}. */
export interface CodeVersionsOptions {
  /** Only the versions of this class or helper (`SlopeLoader`, `SlopeLoader.uses.helper`). */
  className?: string;
  /** Read each version's source.js too. */
  includeSource?: boolean;
  /** Default: the configured store. */
  store?: StoreAdapter;
}

/**
 * Every stored code version, oldest first (by `first_registered`, then hash): the timeline of a
 * project's code, or of one class with `className`.
 * @example
 * for (const version of await codeVersions({ className: 'SlopeLoader', includeSource: true })) {
 *   console.log(version.sourceHash.slice(0, 12), version.firstRegistered, version.live ? '(live)' : '');
 * }
 */
export async function codeVersions(options: CodeVersionsOptions = {}): Promise<CodeVersion[]> {
  const store = options.store ?? getConfig().store;
  const stored = (await readCodeVersions(store)).filter((code) => options.className === undefined || code.record?.class_name === options.className);
  const useCount = await countUses(store, new Set(stored.map((code) => code.hash)));
  const liveNodes = new Set<string>();
  for (const live of new LiveClasses().all().filter(isLive)) {
    for (const [name, node] of Object.entries(live.tree.nodes)) liveNodes.add(`${name}\0${node.sourceHash}`);
  }
  const versions = await mapConcurrently(stored, READ_CONCURRENCY, async (code) => {
    const record = code.record;
    const version: CodeVersion = {
      key: code.key,
      sourceHash: code.hash,
      className: record?.class_name ?? null,
      objectType: record?.object_type ?? null,
      firstRegistered: record?.first_registered ?? null,
      latestRegistered: record?.latest_registered ?? null,
      live: record ? liveNodes.has(`${record.class_name}\0${code.hash}`) : false,
      entries: useCount.get(code.hash) ?? 0,
      bytes: code.bytes,
      written: record?.written ?? null,
    };
    if (options.includeSource) {
      const bytes = await store.get(`${code.key}source.js`);
      version.source = bytes ? new TextDecoder().decode(bytes) : null;
      const written = record?.written && 'file' in record.written ? await store.get(`${code.key}${record.written.file}`) : undefined;
      version.writtenSource = written ? new TextDecoder().decode(written) : null;
    }
    return version;
  });
  return versions.sort((a, b) => String(a.firstRegistered).localeCompare(String(b.firstRegistered)) || (a.sourceHash < b.sourceHash ? -1 : 1));
}

/** How many entries use each of `hashes`, as their class's code or as a node of their tree. */
async function countUses(store: StoreAdapter, hashes: Set<string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const treeOf = snapshotTrees(store);
  const uses = await mapConcurrently(await listEntryFolders(store), READ_CONCURRENCY, async (folder) => {
    const meta = await readJson<EntryMeta>(store, folder.key + META_FILE);
    if (!meta) return [];
    const used = new Set<string>([meta.source_hash]);
    for (const node of Object.values((await treeOf(meta.dep_tree_hash))?.nodes ?? {})) used.add(node.sourceHash);
    return [...used];
  });
  for (const used of uses) for (const hash of used) if (hashes.has(hash)) counts.set(hash, (counts.get(hash) ?? 0) + 1);
  return counts;
}
