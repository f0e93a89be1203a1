import { InvalidInputError, describeValue } from '../errors.js';
import { EDGE_KINDS, NODE_KINDS, NODE_STATUSES, type EdgeKind, type Graph, type NodeKind, type NodeStatus } from './graph.js';
import { LAYOUT_METRICS, layoutGraph, type GraphLayout, type Point, type RoutedEdge } from './graph-layout.js';
import { escapeXml } from '../escape-xml.js';

export type { Graph, GraphEdge, GraphNode, EdgeKind, NodeKind, NodeStatus } from './graph.js';

/**
 * Draws a dependency graph as a standalone SVG string, without Graphviz: the layout comes from
 * {@link layoutGraph}. Styling uses presentation attributes only (no `<style>`), so the SVG can
 * be inlined in a page without its rules leaking into the page, and it has no scripts and no
 * external resources. Every piece of text is escaped; links keep only safe URLs.
 */

/** Options of {@link renderGraphSvg}. */
export interface GraphSvgOptions {
  /** Adds a legend of the node kinds, edge kinds and statuses that appear. Default true. */
  legend?: boolean;
  /** Prefix of the ids in the SVG (markers), so several graphs can share one page. Default `geodata-graph`. */
  idPrefix?: string;
  /** The accessible title of the whole picture. Default `Dependency graph`. */
  title?: string;
}

const FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace";
const TEXT_COLOUR = '#111827';

const NODE_FILL: Record<NodeKind, string> = {
  class: '#dbeafe',
  figure: '#fce7f3',
  helper: '#dcfce7',
  value: '#fef9c3',
  input: '#f3f4f6',
  entry: '#ede9fe',
};

const STATUS_STROKE: Record<NodeStatus, { stroke: string; width: number; dash?: string; note: string }> = {
  ok: { stroke: '#4b5563', width: 1.2, note: 'up to date' },
  stale: { stroke: '#d97706', width: 2, dash: '5 3', note: 'stale: a dependency changed' },
  changed: { stroke: '#dc2626', width: 2.4, note: 'changed: its own code changed' },
  missing: { stroke: '#9ca3af', width: 1.5, dash: '2 3', note: 'missing' },
};

const EDGE_STYLE: Record<EdgeKind, { stroke: string; dash?: string; marker: 'filled' | 'hollow' | 'open'; verb: string }> = {
  calls: { stroke: '#374151', marker: 'filled', verb: 'calls' },
  uses: { stroke: '#374151', dash: '6 4', marker: 'filled', verb: 'uses' },
  inherits: { stroke: '#1f2937', marker: 'hollow', verb: 'inherits from' },
  parameter: { stroke: '#7c3aed', dash: '2 3', marker: 'open', verb: 'takes as a parameter' },
  reads: { stroke: '#0f766e', dash: '2 3', marker: 'open', verb: 'reads' },
  loads: { stroke: '#2563eb', dash: '4 3', marker: 'open', verb: 'loaded while computing' },
};

/**
 * The SVG for `graph`. An empty graph gives a small picture saying "no dependencies". Throws
 * InvalidInputError for a malformed graph (see {@link layoutGraph}) or an idPrefix that is not
 * letters, digits, `-` and `_`.
 * @example
 * const svg = renderGraphSvg({
 *   nodes: [
 *     { id: 'slope', label: 'SlopeLoader', kind: 'class', sublabel: '3f2a9c', status: 'stale', href: '#SlopeLoader' },
 *     { id: 'elev', label: 'ElevationLoader', kind: 'class', sublabel: '81be07', status: 'changed' },
 *   ],
 *   edges: [{ from: 'slope', to: 'elev', kind: 'calls' }],
 * });
 */
export function renderGraphSvg(graph: Graph, options: GraphSvgOptions = {}): string {
  const prefix = options.idPrefix ?? 'geodata-graph';
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(prefix)) {
    throw new InvalidInputError(`renderGraphSvg: idPrefix ${describeValue(prefix)} must start with a letter and hold only letters, digits, "-" and "_"`);
  }
  const title = options.title ?? 'Dependency graph';
  const layout = layoutGraph(graph);
  if (layout.nodes.length === 0) return emptySvg(title);

  const legend = options.legend === false ? undefined : legendSvg(layout, Math.max(layout.width, 360));
  const width = Math.max(layout.width, legend?.width ?? 0);
  const height = layout.height + (legend?.height ?? 0);
  const labelOf = new Map(layout.nodes.map((placed) => [placed.node.id, placed.node.label]));
  return [
    svgOpen(width, height, title),
    `<defs>${EDGE_KINDS.map((kind) => markerSvg(prefix, kind)).join('')}</defs>`,
    '<g class="edges">',
    ...layout.edges.map((routed) => edgeSvg(routed, prefix, labelOf)),
    '</g>',
    '<g class="nodes">',
    ...layout.nodes.map(nodeSvg),
    '</g>',
    ...(legend ? [`<g class="legend" transform="translate(0 ${num(layout.height)})">`, legend.svg, '</g>'] : []),
    '</svg>',
  ].join('\n');
}

/**
 * `href` when it is safe to link to: a relative URL, a `#fragment`, or http(s). Anything with
 * another scheme (`javascript:`, `data:`, `file:`...) gives undefined. Tabs, newlines and
 * surrounding control characters are removed first, as browsers do before reading the scheme.
 * @example safeHref('#SlopeLoader') // '#SlopeLoader'
 * @example safeHref(' java\tscript:alert(1)') // undefined
 */
export function safeHref(href: string | undefined): string | undefined {
  if (typeof href !== 'string') return undefined;
  const cleaned = href.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  if (cleaned === '') return undefined;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(cleaned)?.[1]?.toLowerCase();
  return scheme === undefined || scheme === 'http' || scheme === 'https' ? cleaned : undefined;
}

function svgOpen(width: number, height: number, title: string): string {
  const w = num(Math.ceil(width));
  const h = num(Math.ceil(height));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" ` +
    `role="img" font-family="${escapeXml(FONT)}" fill="${TEXT_COLOUR}">\n<title>${escapeXml(title)}</title>`
  );
}

function emptySvg(title: string): string {
  return [
    svgOpen(180, 44, title),
    '<rect x="0.5" y="0.5" width="179" height="43" rx="6" fill="#f9fafb" stroke="#d1d5db"/>',
    `<text x="90" y="26" font-size="${LAYOUT_METRICS.labelFontSize}" text-anchor="middle" fill="#6b7280">no dependencies</text>`,
    '</svg>',
  ].join('\n');
}

function markerSvg(prefix: string, kind: EdgeKind): string {
  const { stroke, marker } = EDGE_STYLE[kind];
  const shape =
    marker === 'filled' ? `<path d="M0,0 L10,5 L0,10 Z" fill="${stroke}"/>`
    : marker === 'hollow' ? `<path d="M1,1 L11,6 L1,11 Z" fill="#ffffff" stroke="${stroke}" stroke-width="1.2"/>`
    : `<path d="M0,0 L10,5 L0,10" fill="none" stroke="${stroke}" stroke-width="1.4"/>`;
  const [size, tip] = marker === 'hollow' ? [12, '11 6'] : [10, '10 5'];
  const [refX, refY] = tip.split(' ');
  return `<marker id="${prefix}-arrow-${kind}" viewBox="0 0 ${size} ${size}" refX="${refX}" refY="${refY}" markerWidth="${size}" markerHeight="${size}" markerUnits="userSpaceOnUse" orient="auto">${shape}</marker>`;
}

function edgeSvg(routed: RoutedEdge, prefix: string, labelOf: Map<string, string>): string {
  const { edge } = routed;
  const style = EDGE_STYLE[edge.kind];
  const tooltip = `${labelOf.get(edge.from)} ${style.verb} ${labelOf.get(edge.to)}${routed.reversed ? ' (part of a cycle)' : ''}`;
  const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
  return (
    `<g class="edge" data-kind="${edge.kind}" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}"><title>${escapeXml(tooltip)}</title>` +
    `<path d="${pathData(routed)}" fill="none" stroke="${style.stroke}" stroke-width="1.4"${dash} marker-end="url(#${prefix}-arrow-${edge.kind})"/></g>`
  );
}

/** Curves with vertical tangents between consecutive points (straight when they share x); a loop for a self-edge. */
function pathData(routed: RoutedEdge): string {
  const [first, ...rest] = routed.points as [Point, ...Point[]];
  if (routed.selfLoop) {
    // Out to the right and back, arriving horizontally so the arrowhead points at the box.
    const end = rest[0]!;
    const reach = first.x + LAYOUT_METRICS.selfLoopRoom;
    return `M${num(first.x)},${num(first.y)} C${num(reach)},${num(first.y - 4)} ${num(reach)},${num(end.y)} ${num(end.x)},${num(end.y)}`;
  }
  let d = `M${num(first.x)},${num(first.y)}`;
  let previous = first;
  for (const point of rest) {
    if (point.x === previous.x) d += ` L${num(point.x)},${num(point.y)}`;
    else {
      const middle = (previous.y + point.y) / 2;
      d += ` C${num(previous.x)},${num(middle)} ${num(point.x)},${num(middle)} ${num(point.x)},${num(point.y)}`;
    }
    previous = point;
  }
  return d;
}

function nodeSvg(placed: GraphLayout['nodes'][number]): string {
  const { node, x, y, width, height } = placed;
  const status = STATUS_STROKE[node.status ?? 'ok'];
  const dash = status.dash ? ` stroke-dasharray="${status.dash}"` : '';
  const fill = node.status === 'missing' ? '#ffffff' : NODE_FILL[node.kind];
  const textFill = node.status === 'missing' ? ' fill="#6b7280"' : '';
  const middle = x + width / 2;
  const tooltip = [node.label, `${node.kind}${node.status ? `, ${STATUS_STROKE[node.status].note}` : ''}`, ...(node.sublabel ? [node.sublabel] : [])].join('\n');
  const lines = placed.sublabel === undefined
    ? [`<text x="${num(middle)}" y="${num(y + height / 2 + 4)}" font-size="${LAYOUT_METRICS.labelFontSize}" text-anchor="middle"${textFill}>${escapeXml(placed.label)}</text>`]
    : [
        `<text x="${num(middle)}" y="${num(y + 18)}" font-size="${LAYOUT_METRICS.labelFontSize}" text-anchor="middle"${textFill}>${escapeXml(placed.label)}</text>`,
        `<text x="${num(middle)}" y="${num(y + 33)}" font-size="${LAYOUT_METRICS.sublabelFontSize}" text-anchor="middle" fill="#4b5563">${escapeXml(placed.sublabel)}</text>`,
      ];
  const box =
    `<g class="node" data-id="${escapeXml(node.id)}" data-kind="${node.kind}"${node.status ? ` data-status="${node.status}"` : ''}>` +
    `<title>${escapeXml(tooltip)}</title>` +
    `<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" rx="6" fill="${fill}" stroke="${status.stroke}" stroke-width="${status.width}"${dash}/>` +
    `${lines.join('')}</g>`;
  const href = safeHref(node.href);
  return href === undefined ? box : `<a href="${escapeXml(href)}" xlink:href="${escapeXml(href)}" cursor="pointer">${box}</a>`;
}

/** A legend of what appears in this graph only, in rows that wrap at `maxWidth`. */
function legendSvg(layout: GraphLayout, maxWidth: number): { svg: string; width: number; height: number } {
  const M = LAYOUT_METRICS;
  const charWidth = 11 * M.charWidth;
  const kinds = NODE_KINDS.filter((kind) => layout.nodes.some((placed) => placed.node.kind === kind));
  const edgeKinds = EDGE_KINDS.filter((kind) => layout.edges.some((routed) => routed.edge.kind === kind));
  const statuses = NODE_STATUSES.filter((status) => status !== 'ok' && layout.nodes.some((placed) => placed.node.status === status));
  const items = [
    ...kinds.map((kind) => ({ text: kind, swatch: `<rect x="0" y="-9" width="18" height="12" rx="3" fill="${NODE_FILL[kind]}" stroke="#4b5563"/>` })),
    ...edgeKinds.map((kind) => {
      const style = EDGE_STYLE[kind];
      const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
      return { text: kind, swatch: `<path d="M0,-3 L18,-3" stroke="${style.stroke}" stroke-width="1.4"${dash}/><path d="M14,-6 L19,-3 L14,0${style.marker === 'open' ? '' : ' Z'}" fill="${style.marker === 'filled' ? style.stroke : style.marker === 'hollow' ? '#ffffff' : 'none'}" stroke="${style.stroke}"/>` };
    }),
    ...statuses.map((status) => {
      const s = STATUS_STROKE[status];
      return { text: status, swatch: `<rect x="0" y="-9" width="18" height="12" rx="3" fill="#ffffff" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` };
    }),
  ];
  const rowHeight = 20;
  let x = M.margin;
  let row = 0;
  let widest = 0;
  const parts: string[] = [];
  for (const item of items) {
    const itemWidth = 24 + item.text.length * charWidth + 18;
    if (x > M.margin && x + itemWidth > maxWidth - M.margin) {
      x = M.margin;
      row++;
    }
    parts.push(`<g transform="translate(${num(x)} ${num(14 + row * rowHeight)})">${item.swatch}<text x="24" y="0" font-size="11">${escapeXml(item.text)}</text></g>`);
    x += itemWidth;
    widest = Math.max(widest, x);
  }
  return { svg: parts.join(''), width: widest + M.margin, height: (row + 1) * rowHeight + M.margin };
}

/** Numbers with at most one decimal, so output is compact and stable. */
function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}
