import { checkGraph, type Graph, type GraphEdge, type GraphNode } from './graph.js';

/**
 * A layered (Sugiyama-style) layout of a dependency graph, top to bottom: dependents above their
 * dependencies. Steps: reverse the back edges a depth-first search finds (so cycles terminate),
 * longest-path layering, dummy vertices on edges that span several layers, barycentre sweeps
 * that keep the ordering with the fewest crossings, and x coordinates from an exact
 * least-squares placement per layer (pool-adjacent-violators), which cannot overlap boxes.
 * Everything iterates in input order, so the same graph always gives the same layout.
 */

export { EDGE_KINDS, NODE_KINDS, NODE_STATUSES, type EdgeKind, type Graph, type GraphEdge, type GraphNode, type NodeKind, type NodeStatus } from './graph.js';

export interface Point {
  x: number;
  y: number;
}

/** A node with its box (top-left corner, size), its layer (0 at the top) and the text to show. */
export interface PlacedNode {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  layer: number;
  label: string;
  sublabel?: string;
}

/**
 * An edge as points from its `from` box to its `to` box. Consecutive points are joined by curves
 * with vertical tangents (a straight line when they share x). A self-loop has two points on the
 * right side of its box.
 */
export interface RoutedEdge {
  edge: GraphEdge;
  points: Point[];
  /** Reversed to break a cycle: the arrow points up. */
  reversed: boolean;
  selfLoop: boolean;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: RoutedEdge[];
  width: number;
  height: number;
}

/** Sizes in SVG user units; the SVG renderer uses the same fonts. */
export const LAYOUT_METRICS = {
  labelFontSize: 12,
  sublabelFontSize: 10,
  /** Monospace advance is about 0.6 em. */
  charWidth: 0.6,
  maxLabelChars: 40,
  paddingX: 12,
  minNodeWidth: 48,
  nodeHeight: 30,
  nodeHeightWithSublabel: 44,
  nodeGap: 28,
  dummyWidth: 8,
  dummyGap: 12,
  layerGap: 52,
  margin: 16,
  selfLoopRoom: 22,
} as const;

const M = LAYOUT_METRICS;
const ORDER_SWEEPS = 12;
const PLACEMENT_PASSES = 8;

interface Vertex {
  layer: number;
  width: number;
  /** Pulls a long edge straight: dummies weigh more than boxes in the placement. */
  weight: number;
  node?: GraphNode;
}

/** One hop of an edge between adjacent layers, upper → lower. */
interface Segment {
  upper: number;
  lower: number;
}

/**
 * Lays out `graph` top to bottom. The depth-first search that breaks cycles starts from the nodes
 * in input order: list the class or entry being shown first, so it stays at the top. Throws
 * InvalidInputError when a node id repeats, an edge names a node that does not exist, or a kind
 * or status is not one of the known ones.
 * @example
 * const layout = layoutGraph({
 *   nodes: [{ id: 'a', label: 'SlopeLoader', kind: 'class' }, { id: 'b', label: 'ElevationLoader', kind: 'class' }],
 *   edges: [{ from: 'a', to: 'b', kind: 'calls' }],
 * });
 * layout.nodes[1].y > layout.nodes[0].y; // true: the dependency is below
 */
export function layoutGraph(graph: Graph): GraphLayout {
  const index = checkGraph(graph);
  const nodes = graph.nodes;
  const chains: Chain[] = graph.edges.map((edge) => ({ edge, from: index.get(edge.from)!, to: index.get(edge.to)!, reversed: false, path: [] }));
  const links = chains.filter((chain) => chain.from !== chain.to);
  markBackEdges(nodes.length, links);
  const layers = longestPathLayers(nodes.length, links.map((link) => (link.reversed ? [link.to, link.from] : [link.from, link.to])));

  // A self-loop is drawn on the right of its box: the box's slot is wider, the box is not.
  const loops = new Set(chains.filter((chain) => chain.from === chain.to).map((chain) => chain.from));
  const vertices: Vertex[] = nodes.map((node, i) => ({ layer: layers[i]!, width: nodeWidth(node) + (loops.has(i) ? M.selfLoopRoom : 0), weight: 1, node }));
  const segments: Segment[] = [];
  for (const link of links) {
    const [top, bottom] = link.reversed ? [link.to, link.from] : [link.from, link.to];
    link.path.push(top);
    for (let layer = vertices[top]!.layer + 1; layer < vertices[bottom]!.layer; layer++) {
      link.path.push(vertices.length);
      vertices.push({ layer, width: M.dummyWidth, weight: 2 });
    }
    link.path.push(bottom);
    for (let i = 1; i < link.path.length; i++) segments.push({ upper: link.path[i - 1]!, lower: link.path[i]! });
  }

  const order = orderLayers(vertices, segments);
  const centres = placeHorizontally(vertices, segments, order);
  const boxHeight = (node: GraphNode) => (node.sublabel === undefined ? M.nodeHeight : M.nodeHeightWithSublabel);
  const bandTop: number[] = [];
  const bandHeight: number[] = [];
  let y = M.margin;
  for (const layer of order) {
    bandTop.push(y);
    bandHeight.push(layer.reduce((tallest, v) => Math.max(tallest, vertices[v]!.node ? boxHeight(vertices[v]!.node!) : 0), 0));
    y += bandHeight.at(-1)! + M.layerGap;
  }

  const placed: PlacedNode[] = nodes.map((node, i) => {
    const { layer, width } = vertices[i]!;
    return {
      node,
      x: centres[i]! - width / 2,
      y: bandTop[layer]! + (bandHeight[layer]! - boxHeight(node)) / 2,
      width: nodeWidth(node),
      height: boxHeight(node),
      layer,
      label: shorten(node.label),
      ...(node.sublabel !== undefined && { sublabel: shorten(node.sublabel) }),
    };
  });

  const ports = assignPorts(placed, links, centres);
  const edges: RoutedEdge[] = chains.map((chain) => {
    if (chain.from === chain.to) {
      const box = placed[chain.from]!;
      const right = box.x + box.width;
      const points = [{ x: right, y: box.y + box.height * 0.2 }, { x: right, y: box.y + box.height * 0.75 }];
      return { edge: chain.edge, points, reversed: false, selfLoop: true };
    }
    const top = placed[chain.path[0]!]!;
    const bottom = placed[chain.path.at(-1)!]!;
    const { out, into } = ports.get(chain)!;
    const points: Point[] = [{ x: out, y: top.y + top.height }];
    for (const dummy of chain.path.slice(1, -1)) {
      const layer = vertices[dummy]!.layer;
      // Straight down through the dummy's own slot, so the edge never crosses a box in that layer.
      points.push({ x: centres[dummy]!, y: bandTop[layer]! }, { x: centres[dummy]!, y: bandTop[layer]! + bandHeight[layer]! });
    }
    points.push({ x: into, y: bottom.y });
    return { edge: chain.edge, points: chain.reversed ? points.reverse() : points, reversed: chain.reversed, selfLoop: false };
  });

  const right = vertices.reduce((max, vertex, i) => Math.max(max, centres[i]! + vertex.width / 2), 0);
  const height = order.length === 0 ? 2 * M.margin : y - M.layerGap + M.margin;
  return { nodes: placed, edges, width: right + M.margin, height };
}

/** The box width for a node: its longer line in monospace, plus padding. */
export function nodeWidth(node: GraphNode): number {
  const label = [...shorten(node.label)].length * M.labelFontSize * M.charWidth;
  const sublabel = node.sublabel === undefined ? 0 : [...shorten(node.sublabel)].length * M.sublabelFontSize * M.charWidth;
  return Math.max(M.minNodeWidth, Math.ceil(Math.max(label, sublabel) + 2 * M.paddingX));
}

/** Cuts text longer than {@link LAYOUT_METRICS}.maxLabelChars code points, ending it with an ellipsis. */
export function shorten(text: string): string {
  const chars = [...text];
  return chars.length <= M.maxLabelChars ? text : `${chars.slice(0, M.maxLabelChars - 1).join('')}…`;
}

interface Chain {
  edge: GraphEdge;
  from: number;
  to: number;
  reversed: boolean;
  /** Vertices top to bottom: the upper box, dummies, the lower box. */
  path: number[];
}


/** Marks the edges a depth-first search (nodes and edges in input order) finds going back up its stack. */
function markBackEdges(count: number, links: Chain[]): void {
  const outgoing: Chain[][] = Array.from({ length: count }, () => []);
  for (const link of links) outgoing[link.from]!.push(link);
  const state = new Uint8Array(count); // 0 unseen, 1 on the stack, 2 done
  for (let root = 0; root < count; root++) {
    if (state[root] !== 0) continue;
    // An explicit stack: a 200-deep chain must not depend on the call stack.
    const stack: Array<{ vertex: number; next: number }> = [{ vertex: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const link = outgoing[top.vertex]![top.next++];
      if (!link) {
        state[top.vertex] = 2;
        stack.pop();
      } else if (state[link.to] === 1) {
        link.reversed = true;
      } else if (state[link.to] === 0) {
        state[link.to] = 1;
        stack.push({ vertex: link.to, next: 0 });
      }
    }
  }
}

/**
 * Longest-path layering of an acyclic graph: each vertex one layer below its lowest predecessor.
 * Vertices without predecessors then move down to just above their highest successor, so a root
 * with a shallow tree does not pull long edges across the picture.
 */
function longestPathLayers(count: number, edges: number[][]): number[] {
  const successors: number[][] = Array.from({ length: count }, () => []);
  const indegree = new Array<number>(count).fill(0);
  for (const [from, to] of edges) {
    successors[from!]!.push(to!);
    indegree[to!]!++;
  }
  const layer = new Array<number>(count).fill(0);
  const queue = [...indegree.keys()].filter((v) => indegree[v] === 0);
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of successors[v]!) {
      layer[w] = Math.max(layer[w]!, layer[v]! + 1);
      if (--indegree[w]! === 0) queue.push(w);
    }
  }
  const isRoot = new Array<boolean>(count).fill(true);
  for (const [, to] of edges) isRoot[to!] = false;
  for (let v = 0; v < count; v++) {
    if (isRoot[v] && successors[v]!.length > 0) layer[v] = successors[v]!.reduce((highest, w) => Math.min(highest, layer[w]!), Infinity) - 1;
  }
  return layer;
}

/** Orders each layer by barycentre sweeps (down, then up, alternately) and keeps the ordering with the fewest crossings. */
function orderLayers(vertices: Vertex[], segments: Segment[]): number[][] {
  const layerCount = vertices.reduce((max, v) => Math.max(max, v.layer), -1) + 1;
  const order: number[][] = Array.from({ length: layerCount }, () => []);
  vertices.forEach((vertex, v) => order[vertex.layer]!.push(v));
  const above: number[][] = vertices.map(() => []);
  const below: number[][] = vertices.map(() => []);
  for (const { upper, lower } of segments) {
    below[upper]!.push(lower);
    above[lower]!.push(upper);
  }
  const position = new Array<number>(vertices.length);
  const remember = () => order.forEach((layer) => layer.forEach((v, i) => (position[v] = i)));
  remember();
  let best = order.map((layer) => [...layer]);
  let fewest = countCrossings(vertices, order, segments, position);
  for (let sweep = 0; sweep < ORDER_SWEEPS && fewest > 0; sweep++) {
    const down = sweep % 2 === 0;
    for (let step = 1; step < layerCount; step++) {
      const layer = order[down ? step : layerCount - 1 - step]!;
      const neighbours = down ? above : below;
      const key = new Map(layer.map((v) => [v, barycentre(neighbours[v]!, position) ?? position[v]!]));
      layer.sort((a, b) => key.get(a)! - key.get(b)! || position[a]! - position[b]!);
      layer.forEach((v, i) => (position[v] = i));
    }
    const crossings = countCrossings(vertices, order, segments, position);
    if (crossings < fewest) {
      fewest = crossings;
      best = order.map((layer) => [...layer]);
    }
  }
  return best;
}

function barycentre(neighbours: number[], position: number[]): number | undefined {
  if (neighbours.length === 0) return undefined;
  return neighbours.reduce((sum, v) => sum + position[v]!, 0) / neighbours.length;
}

/** Crossings between adjacent layers, counted as inversions with a Fenwick tree: O(E log V). */
function countCrossings(vertices: Vertex[], order: number[][], segments: Segment[], position: number[]): number {
  const byLayer: Segment[][] = order.map(() => []);
  for (const segment of segments) byLayer[vertices[segment.upper]!.layer]!.push(segment);
  let total = 0;
  byLayer.forEach((list, layer) => {
    if (list.length < 2) return;
    const size = order[layer + 1]!.length;
    const tree = new Array<number>(size + 1).fill(0);
    list.sort((a, b) => position[a.upper]! - position[b.upper]! || position[a.lower]! - position[b.lower]!);
    list.forEach((segment, seen) => {
      let atOrLeft = 0;
      for (let i = position[segment.lower]! + 1; i > 0; i -= i & -i) atOrLeft += tree[i]!;
      total += seen - atOrLeft;
      for (let i = position[segment.lower]! + 1; i <= size; i += i & -i) tree[i]!++;
    });
  });
  return total;
}

/**
 * x centres: each layer is placed where its vertices' neighbours pull it (their mean centre),
 * keeping its order and the minimum gaps. That is least squares under ordering constraints,
 * solved exactly by pool-adjacent-violators; passes alternate down, up, then both ways.
 */
function placeHorizontally(vertices: Vertex[], segments: Segment[], order: number[][]): number[] {
  const above: number[][] = vertices.map(() => []);
  const below: number[][] = vertices.map(() => []);
  for (const { upper, lower } of segments) {
    below[upper]!.push(lower);
    above[lower]!.push(upper);
  }
  const centre = new Array<number>(vertices.length).fill(0);
  for (const layer of order) placeLayer(layer, vertices, centre, layer.map(() => 0));
  for (let pass = 0; pass < PLACEMENT_PASSES; pass++) {
    const down = pass % 2 === 0;
    const both = pass >= PLACEMENT_PASSES - 2;
    for (let step = 0; step < order.length; step++) {
      const layer = order[down ? step : order.length - 1 - step]!;
      const desired = layer.map((v) => {
        const pulls = both ? [...above[v]!, ...below[v]!] : down ? above[v]! : below[v]!;
        return pulls.length === 0 ? centre[v]! : pulls.reduce((sum, w) => sum + centre[w]!, 0) / pulls.length;
      });
      placeLayer(layer, vertices, centre, desired);
    }
  }
  const left = vertices.reduce((min, vertex, v) => Math.min(min, centre[v]! - vertex.width / 2), Infinity);
  return centre.map((x) => x - left + M.margin);
}

/** Places one layer as close as possible (weighted least squares) to `desired`, in order, without overlaps. */
function placeLayer(layer: number[], vertices: Vertex[], centre: number[], desired: number[]): void {
  // With offsets c (the tightest packing), x = y + c and the gaps hold exactly when y never decreases.
  const offset: number[] = [];
  layer.forEach((v, i) => {
    if (i === 0) offset.push(0);
    else {
      const previous = vertices[layer[i - 1]!]!;
      const gap = previous.node && vertices[v]!.node ? M.nodeGap : M.dummyGap;
      offset.push(offset[i - 1]! + (previous.width + vertices[v]!.width) / 2 + gap);
    }
  });
  const blocks: Array<{ count: number; weight: number; mean: number }> = [];
  layer.forEach((v, i) => {
    const weight = vertices[v]!.weight;
    blocks.push({ count: 1, weight, mean: desired[i]! - offset[i]! });
    while (blocks.length > 1 && blocks.at(-2)!.mean > blocks.at(-1)!.mean) {
      const last = blocks.pop()!;
      const merged = blocks.at(-1)!;
      merged.mean = (merged.mean * merged.weight + last.mean * last.weight) / (merged.weight + last.weight);
      merged.weight += last.weight;
      merged.count += last.count;
    }
  });
  let i = 0;
  for (const block of blocks) for (let k = 0; k < block.count; k++, i++) centre[layer[i]!] = block.mean + offset[i]!;
}

/**
 * Where each edge leaves its upper box and enters its lower box: spread along the box's bottom
 * and top, ordered by where the edge goes next, so parallel edges stay apart and do not cross.
 */
function assignPorts(placed: PlacedNode[], links: Chain[], centre: number[]): Map<Chain, { out: number; into: number }> {
  const leaving: Chain[][] = placed.map(() => []);
  const entering: Chain[][] = placed.map(() => []);
  for (const link of links) {
    leaving[link.path[0]!]!.push(link);
    entering[link.path.at(-1)!]!.push(link);
  }
  const ports = new Map(links.map((link) => [link, { out: 0, into: 0 }]));
  placed.forEach((box, v) => {
    const middle = box.x + box.width / 2;
    const spread = (count: number, i: number) => {
      const span = Math.min(box.width * 0.8, (count - 1) * 18);
      return count === 1 ? middle : middle - span / 2 + (span * i) / (count - 1);
    };
    const towards = (link: Chain, step: number) => centre[link.path.at(step)!]!;
    [...leaving[v]!].sort((a, b) => towards(a, 1) - towards(b, 1)).forEach((link, i, all) => (ports.get(link)!.out = spread(all.length, i)));
    [...entering[v]!].sort((a, b) => towards(a, -2) - towards(b, -2)).forEach((link, i, all) => (ports.get(link)!.into = spread(all.length, i)));
  });
  return ports;
}
