import { getConfig } from '../config.js';
import { defaultRegistry } from '../fingerprint/index.js';
import type { TreeRecord } from '../fingerprint/index.js';
import { renderGraphSvg } from '../graph/graph-svg.js';
import type { ActiveOutput } from './active.js';
import { codePrefix, snapshotPrefix } from './layout.js';

/** `.source/code/<source_hash>/source.json` */
export interface SourceRecord {
  format_version: 1;
  class_name: string;
  object_type: 'data' | 'figure' | 'helper' | 'value';
  source_hash: string;
  first_registered: string;
  latest_registered: string;
}

const encoder = new TextEncoder();
/** What this process wrote to each store: each version is recorded once per run, not per entry. */
const recordedByStore = new WeakMap<object, Set<string>>();

/**
 * Keeps the code behind the entries about to be committed: every version of every class (and
 * helper) in `.source/code/`, and every dependency tree in `.source/snapshots/`. Entries point to
 * these by hash, so the code that produced a result can always be shown.
 */
export async function recordCode(outputs: ActiveOutput[]): Promise<void> {
  const store = getConfig().store;
  let recorded = recordedByStore.get(store);
  if (!recorded) recordedByStore.set(store, (recorded = new Set()));
  const now = new Date().toISOString();
  for (const output of outputs) {
    const tree = output.identity.record.tree;
    const snapshotKey = `${snapshotPrefix(output.identity.depTreeHash)}tree.json`;
    if (!recorded.has(snapshotKey) && !(await store.has(snapshotKey))) {
      await store.setMany([
        [`${snapshotPrefix(output.identity.depTreeHash)}graph.svg`, encoder.encode(treeSvg(tree))],
        [snapshotKey, encoder.encode(`${JSON.stringify(tree, null, 2)}\n`)],
      ]);
    }
    recorded.add(snapshotKey);
    for (const [name, node] of Object.entries(tree.nodes)) {
      const memoKey = `${node.sourceHash}\0${name}`;
      if (recorded.has(memoKey)) continue;
      const objectType = node.kind === 'class' ? (classObjectType(name) ?? output.identity.objectType) : node.kind;
      await writeSource(name, node.sourceHash, objectType, sourceText(name, tree), now);
      recorded.add(memoKey);
    }
  }
}

async function writeSource(name: string, sourceHash: string, objectType: SourceRecord['object_type'], text: string | undefined, now: string): Promise<void> {
  const store = getConfig().store;
  const prefix = codePrefix(sourceHash);
  const existing = await store.get(`${prefix}source.json`);
  let record: SourceRecord = {
    format_version: 1,
    class_name: name,
    object_type: objectType,
    source_hash: sourceHash,
    first_registered: now,
    latest_registered: now,
  };
  if (existing) {
    try {
      const previous = JSON.parse(new TextDecoder().decode(existing)) as SourceRecord;
      record = { ...record, first_registered: previous.first_registered ?? now };
    } catch {
      // A damaged source.json is rewritten whole.
    }
  }
  const files: Array<[string, Uint8Array]> = [];
  if (text !== undefined && !(await store.has(`${prefix}source.js`))) files.push([`${prefix}source.js`, encoder.encode(text)]);
  files.push([`${prefix}source.json`, encoder.encode(`${JSON.stringify(record, null, 2)}\n`)]);
  await store.setMany(files);
}

/** The dependency tree drawn as an SVG, kept beside tree.json for people browsing the folder. */
export function treeSvg(tree: TreeRecord): string {
  return renderGraphSvg(
    {
      nodes: Object.entries(tree.nodes)
        // The root first: the layout puts the first node at the top.
        .sort(([a], [b]) => Number(b === tree.root) - Number(a === tree.root))
        .map(([name, node]) => ({ id: name, label: name, kind: node.kind, sublabel: node.sourceHash.slice(0, 12) })),
      edges: tree.edges.map((edge) => ({ from: edge.from, to: edge.to, kind: edge.kind })),
    },
    { title: `dependencies of ${tree.root}` },
  );
}

function classObjectType(name: string): 'data' | 'figure' | undefined {
  const cls = defaultRegistry.get(name) as { objectType?: 'data' | 'figure' } | undefined;
  return cls?.objectType;
}

/** The source text of a tree node: a registered class, or a helper/value reached through `uses`. */
export function sourceText(name: string, tree?: TreeRecord): string | undefined {
  const value = resolveNode(name);
  if (value === undefined) return undefined;
  if (typeof value === 'function') return Function.prototype.toString.call(value);
  try {
    return `${JSON.stringify(value, null, 2)}\n`;
  } catch {
    return tree ? undefined : String(value);
  }
}

function resolveNode(name: string): unknown {
  const parts = name.split('.uses.');
  let value: unknown = defaultRegistry.get(parts[0]!);
  for (const key of parts.slice(1)) {
    if (value === undefined || value === null) return undefined;
    value = (value as { uses?: Record<string, unknown> }).uses?.[key];
  }
  return value;
}
