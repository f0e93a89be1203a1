import { getConfig } from '../config.js';
import { recordCodeVersion, recordTreeSnapshot, sourceText, type SourceRecord, writtenSourceOf } from '../pipeline/code-registry.js';
import { codePrefix, snapshotPrefix } from '../pipeline/layout.js';
import { isLive, LiveClasses } from './live-classes.js';
import type { CacheProgress } from './scan.js';

/** One code version or snapshot that {@link rebuildRegistry} wrote. */
export interface RebuiltItem {
  key: string;
  kind: 'code' | 'snapshot';
  hash: string;
  className: string;
  /**
   * `added`: it was not in the store (or unreadable); `updated`: a code version's
   * `latest_registered` moved to now, or a snapshot's missing graph.svg was drawn.
   */
  action: 'added' | 'updated';
}

/** What {@link rebuildRegistry} wrote, sorted by key; `failed` names classes that cannot be fingerprinted. */
export interface RebuildReport {
  written: RebuiltItem[];
  failed: Array<{ className: string; error: string }>;
}

/**
 * Writes `.source/` from the classes registered now, as a computation does (the same writers):
 * a code version (source.js and source.json) for every registered class and every helper and
 * constant its tree names, and a tree snapshot (tree.json and graph.svg) per class. Versions
 * already stored keep their `first_registered` and source text; other versions and all entries
 * are left as they are.
 * @example const { written } = await rebuildRegistry();
 */
export async function rebuildRegistry(options: { onProgress?: (progress: CacheProgress) => void } = {}): Promise<RebuildReport> {
  const store = getConfig().store;
  const now = new Date().toISOString();
  const report: RebuildReport = { written: [], failed: [] };
  const live = new LiveClasses();
  const classes = live.all();
  const done = new Set<string>();
  for (const [index, entry] of classes.entries()) {
    options.onProgress?.({ phase: 'recording classes', done: index + 1, total: classes.length });
    if (!isLive(entry)) {
      report.failed.push({ className: entry.name, error: entry.error });
      continue;
    }
    const snapshot = await recordTreeSnapshot(store, entry.depTreeHash, entry.tree);
    if (snapshot) report.written.push({ key: snapshotPrefix(entry.depTreeHash), kind: 'snapshot', hash: entry.depTreeHash, className: entry.name, action: snapshot });
    for (const [name, node] of Object.entries(entry.tree.nodes)) {
      if (done.has(`${node.sourceHash}\0${name}`)) continue;
      done.add(`${node.sourceHash}\0${name}`);
      const version = { name, sourceHash: node.sourceHash, objectType: objectTypeOf(name, node.kind, live), text: sourceText(name, entry.tree), written: writtenSourceOf(name, node.kind), now };
      const action = await recordCodeVersion(store, version);
      report.written.push({ key: codePrefix(node.sourceHash), kind: 'code', hash: node.sourceHash, className: name, action });
    }
  }
  report.written.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return report;
}

function objectTypeOf(name: string, kind: 'class' | 'helper' | 'value', live: LiveClasses): SourceRecord['object_type'] {
  if (kind !== 'class') return kind;
  const found = live.get(name);
  return isLive(found) ? found.objectType : 'helper';
}
