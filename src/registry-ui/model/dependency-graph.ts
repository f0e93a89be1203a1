import { isLive, type LiveClasses } from '../../cache/live-classes.js';
import { readJson, readSnapshotTree } from '../../cache/source-registry.js';
import type { TreeRecord } from '../../fingerprint/index.js';
import type { SourceRecord } from '../../pipeline/code-registry.js';
import { codePrefix } from '../../pipeline/layout.js';
import type { StoreAdapter } from '../../store/adapter.js';
import type { Graph, GraphEdge, GraphNode, NodeStatus } from '../../graph/graph.js';
import type { IndexedEntry } from './browse-index.js';

/**
 * Dependency graphs for the browser, from the tree snapshots the pipeline stores
 * (`.source/snapshots/<dep_tree_hash>/tree.json`) and the classes loaded now. A node whose code
 * differs from the reference is `changed`, a node that depends on one is `stale`, and a class the
 * reference does not know is `missing`.
 */

/** What graphs are built from. */
export interface GraphSources {
  store: StoreAdapter;
  live: LiveClasses;
  /** Every indexed entry (for upstream entries and a class's newest entry). */
  entries: readonly IndexedEntry[];
}

/**
 * The dependency graph of a class: its code as loaded now (or, when it is not loaded, as its
 * newest entry recorded it), marked against the code of its newest entry, so what changed since
 * then stands out. Dependencies the newest entry had and the code now lacks are drawn `missing`.
 * Undefined when no tree of the class is known.
 */
export async function classGraph(className: string, sources: GraphSources): Promise<Graph | undefined> {
  const live = sources.live.get(className);
  const newest = newestEntry(className, sources.entries);
  const stored = newest ? await readSnapshotTree(sources.store, newest.entry.meta!.dep_tree_hash) : undefined;
  const shown = isLive(live) ? live.tree : stored;
  if (!shown) return undefined;
  const reference = isLive(live) ? (stored ? hashesOf(stored) : undefined) : liveHashes(sources.live);
  const graph = await treeGraph(shown, reference, sources, !isLive(live));
  if (isLive(live) && stored) {
    // Dependencies the newest entry used that the code loaded now no longer has.
    for (const [name, node] of Object.entries(stored.nodes)) {
      if (shown.nodes[name]) continue;
      graph.nodes.push({ id: name, label: name, kind: node.kind === 'class' ? 'class' : node.kind, sublabel: node.sourceHash.slice(0, 12), status: 'missing', href: codeHref(name) });
    }
    const ids = new Set(graph.nodes.map((node) => node.id));
    for (const edge of stored.edges) {
      if (shown.nodes[edge.from] && shown.nodes[edge.to]) continue;
      if (ids.has(edge.from) && ids.has(edge.to)) graph.edges.push({ from: edge.from, to: edge.to, kind: edge.kind });
    }
  }
  return graph;
}

/**
 * The dependency graph of one entry: the tree it was computed with, marked against the code
 * loaded now, plus the entries of its Data parameters and the input files it read.
 */
export async function entryGraph(indexed: IndexedEntry, sources: GraphSources): Promise<Graph> {
  const { entry } = indexed;
  const meta = entry.meta;
  const tree = await readSnapshotTree(sources.store, meta?.dep_tree_hash);
  const graph: Graph = tree ? await treeGraph(tree, liveHashes(sources.live), sources, true) : { nodes: [], edges: [] };
  let root = tree?.root;
  if (!root) {
    root = entry.className ?? entry.stateHash;
    graph.nodes.push({ id: root, label: entry.className ?? '(unknown class)', kind: entry.objectType === 'figure' ? 'figure' : 'class', status: 'missing' });
  }
  const rootNode = graph.nodes.find((node) => node.id === root)!;
  rootNode.sublabel = `entry ${entry.stateHash.slice(0, 12)}`;
  if (entry.state === 'stale' && (rootNode.status === undefined || rootNode.status === 'ok')) rootNode.status = 'stale';
  delete rootNode.href;

  const byHash = new Map(sources.entries.map((e) => [e.entry.stateHash, e]));
  for (const hash of Array.isArray(meta?.upstream) ? meta.upstream : []) {
    if (typeof hash !== 'string') continue;
    const upstream = byHash.get(hash);
    const id = `entry:${hash}`;
    if (graph.nodes.some((node) => node.id === id)) continue;
    const status: NodeStatus = !upstream || ['damaged', 'incomplete'].includes(upstream.entry.state) ? 'missing' : upstream.entry.state === 'stale' ? 'stale' : 'ok';
    graph.nodes.push({ id, label: upstream?.entry.className ?? 'entry', kind: 'entry', sublabel: hash.slice(0, 12), status, href: `#/entry/${hash}` });
    graph.edges.push({ from: root, to: id, kind: 'parameter' });
  }
  const changedInputs = new Set(entry.reasons.flatMap((reason) => (reason.kind === 'input-changed' ? [reason.id] : [])));
  const addInput = (path: string, sha256: unknown, status: NodeStatus): void => {
    const id = `input:${path}`;
    if (graph.nodes.some((node) => node.id === id)) return;
    const label = path.split(/[\\/]/).pop() || path;
    graph.nodes.push({ id, label, kind: 'input', sublabel: typeof sha256 === 'string' ? sha256.slice(0, 12) : undefined, status });
    graph.edges.push({ from: root, to: id, kind: 'reads' });
  };
  for (const input of Array.isArray(meta?.inputs) ? meta.inputs : []) {
    if (typeof input?.id === 'string') addInput(input.id, input.sha256, changedInputs.has(input.id) ? 'changed' : 'ok');
  }
  addRecorded(graph, root, indexed, byHash, addInput);
  return graph;
}

/**
 * What the entry's computation recorded: the entries it loaded (`loads` edges) and the files it
 * read (`reads`), marked where the recorded change the judge found lies. Files it looked for
 * and did not find are drawn only when one has appeared since.
 */
function addRecorded(
  graph: Graph,
  root: string,
  { entry }: IndexedEntry,
  byHash: Map<string, IndexedEntry>,
  addInput: (path: string, sha256: unknown, status: NodeStatus) => void,
): void {
  const recorded = entry.meta?.recorded;
  if (!recorded || typeof recorded !== 'object') return;
  const change = entry.reasons.find((reason) => reason.kind === 'recorded-changed');
  const directChange = change?.kind === 'recorded-changed' && change.chain.length === 1 ? change.change : undefined;
  const changedUpstream = change?.kind === 'recorded-changed' ? change.chain[1]?.stateHash : undefined;
  for (const used of Array.isArray(recorded.entries) ? recorded.entries : []) {
    if (typeof used?.state_hash !== 'string') continue;
    const id = `entry:${used.state_hash}`;
    if (graph.nodes.some((node) => node.id === id)) continue;
    const upstream = byHash.get(used.state_hash);
    const status: NodeStatus = used.state_hash === changedUpstream ? 'changed' : !upstream ? 'missing' : upstream.entry.state === 'fresh' ? 'ok' : 'stale';
    graph.nodes.push({ id, label: String(used.class_name), kind: 'entry', sublabel: used.state_hash.slice(0, 12), status, href: `#/entry/${used.state_hash}` });
    graph.edges.push({ from: root, to: id, kind: 'loads' });
  }
  for (const file of Array.isArray(recorded.files) ? recorded.files : []) {
    if (typeof file?.path !== 'string') continue;
    addInput(file.path, file.sha256, directChange?.what === 'file-changed' && directChange.path === file.path ? 'changed' : 'ok');
  }
  if (directChange?.what === 'file-appeared') addInput(directChange.path, undefined, 'changed');
}

/** A tree as graph nodes and edges, the root first (so the layout keeps it on top). */
async function treeGraph(tree: TreeRecord, reference: Map<string, string> | undefined, sources: GraphSources, referenceIsLive: boolean): Promise<Graph> {
  const names = [tree.root, ...Object.keys(tree.nodes).filter((name) => name !== tree.root).sort()].filter((name) => tree.nodes[name]);
  const statuses = markStatuses(tree, reference, referenceIsLive);
  const nodes: GraphNode[] = [];
  for (const name of names) {
    const node = tree.nodes[name]!;
    const kind = node.kind === 'class' ? ((await objectTypeOf(name, node.sourceHash, sources)) === 'figure' ? 'figure' : 'class') : node.kind;
    nodes.push({ id: name, label: name, kind, sublabel: node.sourceHash.slice(0, 12), status: statuses.get(name) ?? 'ok', href: codeHref(name) });
  }
  const known = new Set(names);
  const edges: GraphEdge[] = tree.edges.filter((edge) => known.has(edge.from) && known.has(edge.to)).map((edge) => ({ from: edge.from, to: edge.to, kind: edge.kind }));
  return { nodes, edges };
}

/**
 * `changed` where the reference has another hash (or, when the reference is the live code, a
 * class is not registered: `missing`), then `stale` for everything that depends on those.
 */
function markStatuses(tree: TreeRecord, reference: Map<string, string> | undefined, referenceIsLive: boolean): Map<string, NodeStatus> {
  const statuses = new Map<string, NodeStatus>();
  if (!reference) return statuses;
  for (const [name, node] of Object.entries(tree.nodes)) {
    const now = reference.get(name);
    if (now === undefined) {
      if (referenceIsLive && node.kind === 'class') statuses.set(name, 'missing');
    } else if (now !== node.sourceHash) {
      statuses.set(name, 'changed');
    }
  }
  const dependents = new Map<string, string[]>();
  for (const edge of tree.edges) {
    if (!dependents.has(edge.to)) dependents.set(edge.to, []);
    dependents.get(edge.to)!.push(edge.from);
  }
  const queue = [...statuses.keys()];
  while (queue.length > 0) {
    for (const dependent of dependents.get(queue.shift()!) ?? []) {
      if (statuses.has(dependent)) continue;
      statuses.set(dependent, 'stale');
      queue.push(dependent);
    }
  }
  return statuses;
}

function hashesOf(tree: TreeRecord): Map<string, string> {
  return new Map(Object.entries(tree.nodes).map(([name, node]) => [name, node.sourceHash]));
}

/** Source hashes of every class loaded now and of every helper and value their trees name. */
function liveHashes(live: LiveClasses): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const found of live.all()) {
    if (!isLive(found)) continue;
    for (const [name, node] of Object.entries(found.tree.nodes)) hashes.set(name, node.sourceHash);
    hashes.set(found.name, found.sourceHash);
  }
  return hashes;
}

/** `data` or `figure` from the live class, else from the stored source.json. */
async function objectTypeOf(name: string, sourceHash: string, sources: GraphSources): Promise<string | undefined> {
  const live = sources.live.get(name);
  if (isLive(live)) return live.objectType;
  return (await readJson<SourceRecord>(sources.store, `${codePrefix(sourceHash)}source.json`))?.object_type;
}

function newestEntry(className: string, entries: readonly IndexedEntry[]): IndexedEntry | undefined {
  let newest: IndexedEntry | undefined;
  for (const e of entries) {
    if (e.entry.className !== className || !e.entry.meta || typeof e.entry.meta.dep_tree_hash !== 'string' || e.entry.state === 'damaged') continue;
    if (!newest || String(e.entry.meta.finished_at) > String(newest.entry.meta!.finished_at)) newest = e;
  }
  return newest;
}

function codeHref(name: string): string {
  return `#/code/${encodeURIComponent(name)}`;
}
