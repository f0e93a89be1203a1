import { InvalidInputError, describeValue } from '../errors.js';

/**
 * What a dependency graph is, for the registry browser's layout and drawing: boxes (classes,
 * figures, helpers, values, input files, cache entries) with a status, and typed edges between
 * them; and the check that a graph is well formed.
 */

export const NODE_KINDS = ['class', 'figure', 'helper', 'value', 'input', 'entry'] as const;
export const NODE_STATUSES = ['ok', 'stale', 'changed', 'missing'] as const;
export const EDGE_KINDS = ['inherits', 'calls', 'uses', 'parameter', 'reads', 'loads'] as const;

export type NodeKind = (typeof NODE_KINDS)[number];
export type NodeStatus = (typeof NODE_STATUSES)[number];
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** A box in the graph: a class, figure, helper, value, input file or cache entry. */
export interface GraphNode {
  id: string;
  label: string;
  kind: NodeKind;
  /** A second, smaller line such as a short hash. */
  sublabel?: string;
  status?: NodeStatus;
  /** A relative URL or `#fragment` (http(s) also accepted); anything else is dropped when drawn. */
  href?: string;
}

/** `from` depends on `to`: `to` is drawn below `from`, the arrow points at `to`. */
export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
}

/** The dependency graph of a class or a cache entry. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * Checks a graph and returns the index of each node id. Throws InvalidInputError when a node id
 * repeats, an edge names a node that does not exist, or a kind or status is not a known one.
 * @example checkGraph({ nodes: [{ id: 'a', label: 'A', kind: 'class' }], edges: [] }).get('a') // 0
 */
export function checkGraph(graph: Graph): Map<string, number> {
  if (!graph || !Array.isArray(graph.nodes) || !Array.isArray(graph.edges)) {
    throw new InvalidInputError(`a graph must be { nodes: [...], edges: [...] }, got ${describeValue(graph)}`);
  }
  const index = new Map<string, number>();
  graph.nodes.forEach((node, i) => {
    const name = `graph node ${JSON.stringify(node?.id)}`;
    if (typeof node?.id !== 'string') throw new InvalidInputError(`graph node ${i} has id ${describeValue(node?.id)}; ids are strings`);
    if (index.has(node.id)) throw new InvalidInputError(`${name} appears twice; give every node its own id`);
    if (typeof node.label !== 'string') throw new InvalidInputError(`${name} has label ${describeValue(node.label)}; labels are strings`);
    if (node.sublabel !== undefined && typeof node.sublabel !== 'string') throw new InvalidInputError(`${name} has sublabel ${describeValue(node.sublabel)}; sublabels are strings`);
    if (!NODE_KINDS.includes(node.kind)) throw new InvalidInputError(`${name} has kind ${describeValue(node.kind)}; use one of ${NODE_KINDS.join(', ')}`);
    if (node.status !== undefined && !NODE_STATUSES.includes(node.status)) {
      throw new InvalidInputError(`${name} has status ${describeValue(node.status)}; use one of ${NODE_STATUSES.join(', ')}`);
    }
    index.set(node.id, i);
  });
  for (const edge of graph.edges) {
    const name = `graph edge ${JSON.stringify(edge?.from)} → ${JSON.stringify(edge?.to)}`;
    for (const end of [edge?.from, edge?.to]) {
      if (typeof end !== 'string' || !index.has(end)) throw new InvalidInputError(`${name} names node ${describeValue(end)}, which is not in the graph; add the node (status 'missing' marks absent ones)`);
    }
    if (!EDGE_KINDS.includes(edge.kind)) throw new InvalidInputError(`${name} has kind ${describeValue(edge.kind)}; use one of ${EDGE_KINDS.join(', ')}`);
  }
  return index;
}
