import { getConfig } from '../config.js';
import type { SourceRecord } from '../pipeline/code-registry.js';
import { sourceText } from '../pipeline/code-registry.js';
import { isLive, LiveClasses, type LiveClass } from './live-classes.js';
import type { CacheProgress } from './scan.js';
import { codeFolder, readJson, snapshotFolder } from './source-registry.js';

/** One code version or snapshot that {@link rebuildRegistry} wrote. */
export interface RebuiltItem {
  key: string;
  kind: 'code' | 'snapshot';
  hash: string;
  className: string;
  /** `added`: it was not in the store (or unreadable); `updated`: its `latest_registered` moved to now. */
  action: 'added' | 'updated';
}

/** What {@link rebuildRegistry} wrote, sorted by key; `failed` names classes that cannot be fingerprinted. */
export interface RebuildReport {
  written: RebuiltItem[];
  failed: Array<{ className: string; error: string }>;
}

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);

/**
 * Writes `.source/` from the classes registered now: a code version (source.js and source.json)
 * for every registered class and every helper and constant its tree names, and a tree snapshot
 * per class. Versions already stored keep their `first_registered` and source text; other
 * versions and all entries are left as they are.
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
    const snapshotKey = `${snapshotFolder()}/${entry.depTreeHash}/tree.json`;
    if (!(await readJson(store, snapshotKey))) {
      await store.set(snapshotKey, json(entry.tree));
      report.written.push({ key: `${snapshotFolder()}/${entry.depTreeHash}/`, kind: 'snapshot', hash: entry.depTreeHash, className: entry.name, action: 'added' });
    }
    for (const [name, node] of Object.entries(entry.tree.nodes)) {
      if (done.has(`${node.sourceHash}\0${name}`)) continue;
      done.add(`${node.sourceHash}\0${name}`);
      const item = await writeVersion(name, node.sourceHash, objectTypeOf(name, node.kind, live), entry, now);
      report.written.push(item);
    }
  }
  report.written.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return report;
}

async function writeVersion(name: string, sourceHash: string, objectType: SourceRecord['object_type'], owner: LiveClass, now: string): Promise<RebuiltItem> {
  const store = getConfig().store;
  const prefix = `${codeFolder()}/${sourceHash}/`;
  const previous = await readJson<SourceRecord>(store, `${prefix}source.json`);
  const record: SourceRecord = {
    format_version: 1,
    class_name: name,
    object_type: objectType,
    source_hash: sourceHash,
    first_registered: typeof previous?.first_registered === 'string' ? previous.first_registered : now,
    latest_registered: now,
  };
  const files: Array<[string, Uint8Array]> = [];
  const text = sourceText(name, owner.tree);
  if (text !== undefined && !(await store.has(`${prefix}source.js`))) files.push([`${prefix}source.js`, encoder.encode(text)]);
  files.push([`${prefix}source.json`, json(record)]);
  await store.setMany(files);
  return { key: prefix, kind: 'code', hash: sourceHash, className: name, action: previous ? 'updated' : 'added' };
}

function objectTypeOf(name: string, kind: 'class' | 'helper' | 'value', live: LiveClasses): SourceRecord['object_type'] {
  if (kind !== 'class') return kind;
  const found = live.get(name);
  return isLive(found) ? found.objectType : 'helper';
}
