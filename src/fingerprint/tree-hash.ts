import { sha256Hex } from '../sha256.js';
import { FINGERPRINT_FORMAT_VERSION, type DependencyKind, type EdgeKind, type TreeRecord, type UnhashedReference } from './record.js';

/** One piece of code (or value) in a dependency graph, shared by every tree that contains it. */
export interface DependencyNode {
  kind: DependencyKind;
  /** The name to show it under (made unique within each tree). */
  label: string;
  /** The name of a class (its registry name when registered): part of its identity (it names the output file). */
  className: string | undefined;
  sourceHash: string;
  /** The base class. */
  parent?: DependencyNode;
  /** `static uses` entries, sorted by key. */
  uses: Array<[string, DependencyNode]>;
  /** What the code's free names resolved to, in the order `$dep0`, `$dep1`… of its canonical form. */
  refs: DependencyNode[];
  /** Free names nothing resolved (with why), private fields. */
  unresolved: Array<{ identifier: string; reason?: string }>;
  /** Memoised `nodeHash`. */
  hash?: string;
  /** Set with `hash`: whether this node or any below it has unresolved names. */
  anyUnresolved?: boolean;
}

const TREE_HASH_VERSION = 'geodata-tree/2';

function children(node: DependencyNode): Array<[string, DependencyNode]> {
  const list: Array<[string, DependencyNode]> = [];
  if (node.parent) list.push(['inherits', node.parent]);
  for (const [key, use] of node.uses) list.push([`uses:${key}`, use]);
  node.refs.forEach((ref, index) => list.push([`$dep${index}`, ref]));
  return list;
}

/** Calls `visit` on each child of `children(node)`, in that order, without making the list. */
function forEachChild(node: DependencyNode, visit: (child: DependencyNode) => void): void {
  if (node.parent) visit(node.parent);
  for (const [, use] of node.uses) visit(use);
  for (const ref of node.refs) visit(ref);
}

/** Whether any child of `node` satisfies `test` (see `forEachChild`). */
function someChild(node: DependencyNode, test: (child: DependencyNode) => boolean | undefined): boolean {
  if (node.parent && test(node.parent)) return true;
  for (const [, use] of node.uses) if (test(use)) return true;
  for (const ref of node.refs) if (test(ref)) return true;
  return false;
}

function own(node: DependencyNode): string {
  return `${node.kind}\n${node.className ?? ''}\n${node.sourceHash}`;
}

/**
 * The dependency tree hash of a node: a Merkle hash over the graph below it. A node's hash covers
 * its own source hash, its class name when it is a registered class, and the hashes of its base
 * class, its `uses` entries (by key) and its dependencies (by their place in its canonical form),
 * so a dependency's hash is computed once and reused by every node that depends on it: a chain
 * of N classes costs O(N), not O(N²).
 *
 * Names that only label a node (a helper's declared name, which a bundler may change) are not
 * part of it. In a cycle (A names B, B names A) each member's hash covers the whole cycle,
 * numbered from that member, so it does not depend on where the walk entered the cycle.
 *
 * @example
 * nodeHash(root); // '9c1f…' (64 hex digits)
 */
export function nodeHash(root: DependencyNode): string {
  if (root.hash === undefined) new Tarjan().visit(root);
  return root.hash!;
}

/** Strongly connected components (Tarjan), hashed as each is completed: dependencies first. */
class Tarjan {
  private counter = 0;
  private readonly index = new Map<DependencyNode, number>();
  private readonly low = new Map<DependencyNode, number>();
  private readonly stack: DependencyNode[] = [];
  private readonly onStack = new Set<DependencyNode>();

  visit(node: DependencyNode): void {
    this.index.set(node, this.counter);
    this.low.set(node, this.counter++);
    this.stack.push(node);
    this.onStack.add(node);
    forEachChild(node, (child) => {
      if (child.hash !== undefined) return;
      if (!this.index.has(child)) {
        this.visit(child);
        this.low.set(node, Math.min(this.low.get(node)!, this.low.get(child)!));
      } else if (this.onStack.has(child)) {
        this.low.set(node, Math.min(this.low.get(node)!, this.index.get(child)!));
      }
    });
    if (this.low.get(node) !== this.index.get(node)) return;
    const component: DependencyNode[] = [];
    let member: DependencyNode;
    do {
      member = this.stack.pop()!;
      this.onStack.delete(member);
      component.push(member);
    } while (member !== node);
    hashComponent(component);
  }
}

function hashComponent(component: DependencyNode[]): void {
  const members = new Set(component);
  const anyUnresolved = component.some((node) => node.unresolved.length > 0 || someChild(node, (child) => child.anyUnresolved));
  for (const node of component) node.anyUnresolved = anyUnresolved;
  // Most components are one node (no cycle): its children are listed once.
  const single = component.length === 1 ? children(component[0]!) : undefined;
  const cyclic = !single || single.some(([, child]) => child === component[0]);
  if (!cyclic) {
    const node = component[0]!;
    const lines = single.map(([label, child]) => `${label}=${child.hash}`);
    node.hash = sha256Hex(`${TREE_HASH_VERSION}\n${own(node)}\n${lines.join('\n')}`);
    return;
  }
  // Each member's hash covers the whole component, numbered in walk order from that member.
  const hashes = component.map((entry) => {
    const order = new Map<DependencyNode, number>();
    const pending = [entry];
    const blocks: string[] = [];
    order.set(entry, 0);
    while (pending.length) {
      const node = pending.shift()!;
      const lines = children(node).map(([label, child]) => {
        if (!members.has(child)) return `${label}=${child.hash}`;
        if (!order.has(child)) {
          order.set(child, order.size);
          pending.push(child);
        }
        return `${label}=#${order.get(child)}`;
      });
      blocks.push(`${own(node)}\n${lines.join('\n')}`);
    }
    return sha256Hex(`${TREE_HASH_VERSION}\ncycle\n${blocks.join('\n\n')}`);
  });
  component.forEach((node, i) => (node.hash = hashes[i]));
}

/**
 * The names nothing resolved in a node and below it, by the name of the node they are in (its
 * registry name, `Owner.uses.key`, or its declared name). Visits only the parts of the graph that
 * have any, so it costs nothing where there are none. Call after `nodeHash`.
 */
export function unresolvedBelow(root: DependencyNode): UnhashedReference[] {
  const found: UnhashedReference[] = [];
  const seen = new Set<DependencyNode>();
  const visit = (node: DependencyNode): void => {
    if (seen.has(node) || !node.anyUnresolved) return;
    seen.add(node);
    const className = node.className ?? node.label;
    for (const ref of node.unresolved) found.push(ref.reason === undefined ? { className, identifier: ref.identifier } : { className, identifier: ref.identifier, reason: ref.reason });
    forEachChild(node, visit);
  };
  visit(root);
  return found;
}

/**
 * The tree record of a node (what `tree.json` stores and `explain` compares): every node below
 * it under a unique name (registered classes by their registry name, `uses` entries as
 * `Owner.uses.key`, other declarations by their declared name), and the edges between them.
 * Costs the size of the tree: build it only where it is needed (see `ClassAnalysis.tree`).
 */
export function materialiseTree(root: DependencyNode): TreeRecord {
  const names = new Map<DependencyNode, string>();
  const taken = new Set<string>();
  const nodes: TreeRecord['nodes'] = {};
  const edges = new Map<string, { from: string; to: string; kind: EdgeKind }>();
  const pending: DependencyNode[] = [];
  const name = (node: DependencyNode, wanted: string): string => {
    let found = names.get(node);
    if (found === undefined) {
      found = wanted;
      for (let n = 2; taken.has(found); n++) found = `${wanted}#${n}`;
      taken.add(found);
      names.set(node, found);
      pending.push(node);
    }
    return found;
  };
  name(root, root.className ?? root.label);
  for (let i = 0; i < pending.length; i++) {
    const node = pending[i]!;
    const from = names.get(node)!;
    nodes[from] = { kind: node.kind, sourceHash: node.sourceHash };
    const edge = (to: string, kind: EdgeKind) => {
      if (to !== from) edges.set(`${from}\u0000${to}\u0000${kind}`, { from, to, kind });
    };
    if (node.parent) edge(name(node.parent, node.parent.className ?? node.parent.label), 'inherits');
    for (const [key, use] of node.uses) edge(name(use, use.className ?? `${from}.uses.${key}`), 'uses');
    for (const ref of node.refs) edge(name(ref, ref.className ?? ref.label), 'calls');
  }
  const byKey = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    format_version: FINGERPRINT_FORMAT_VERSION,
    root: names.get(root)!,
    nodes: Object.fromEntries(byKey(Object.entries(nodes))),
    edges: byKey([...edges]).map(([, edge]) => edge),
  };
}
