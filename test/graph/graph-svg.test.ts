import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutGraph, nodeWidth, type Graph, type GraphLayout } from '../../src/graph/graph-layout.js';
import { escapeXml } from '../../src/escape-xml.js';
import { renderGraphSvg, safeHref } from '../../src/graph/graph-svg.js';
import { InvalidInputError } from '../../src/errors.js';
import { HAS_CHROMIUM, withBrowserPage } from '../helpers/browser.js';

// ---- a minimal XML parser: rejects anything not well-formed, returns the element tree ----

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Decoded character data directly inside this element. */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '<') throw new Error(`raw "<" in ${where}`);
    if (c !== '&') {
      out += c;
      continue;
    }
    const end = raw.indexOf(';', i);
    if (end === -1) throw new Error(`bare "&" in ${where}`);
    const name = raw.slice(i + 1, end);
    if (name.startsWith('#x') && /^[0-9a-fA-F]+$/.test(name.slice(2))) out += String.fromCodePoint(parseInt(name.slice(2), 16));
    else if (name.startsWith('#') && /^[0-9]+$/.test(name.slice(1))) out += String.fromCodePoint(parseInt(name.slice(1), 10));
    else if (name in ENTITIES) out += ENTITIES[name];
    else throw new Error(`unknown entity &${name}; in ${where}`);
    i = end;
  }
  return out;
}

const isNameStart = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':');
const isNameChar = (c: string | undefined) => isNameStart(c) || (c !== undefined && ((c >= '0' && c <= '9') || c === '-' || c === '.'));
const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\t' || c === '\r';

function parseXml(xml: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const readName = () => {
    const start = i;
    if (!isNameStart(xml[i])) throw new Error(`expected a name at ${i}: ${JSON.stringify(xml.slice(i, i + 20))}`);
    while (isNameChar(xml[i])) i++;
    return xml.slice(start, i);
  };
  const skipSpace = () => {
    while (isSpace(xml[i])) i++;
  };
  while (i < xml.length) {
    if (xml[i] !== '<') {
      const end = xml.indexOf('<', i) === -1 ? xml.length : xml.indexOf('<', i);
      const text = decode(xml.slice(i, end), `text at ${i}`);
      if (stack.length > 0) stack.at(-1)!.text += text;
      else if (text.trim() !== '') throw new Error(`text outside the root element at ${i}`);
      i = end;
    } else if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end === -1) throw new Error('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('</', i)) {
      i += 2;
      const name = readName();
      skipSpace();
      if (xml[i] !== '>') throw new Error(`malformed closing tag </${name}`);
      i++;
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
    } else {
      i++;
      const element: XmlElement = { name: readName(), attrs: {}, children: [], text: '' };
      while (true) {
        const hadSpace = isSpace(xml[i]);
        skipSpace();
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        if (!hadSpace) throw new Error(`attributes of <${element.name}> must be separated by space at ${i}`);
        const attr = readName();
        if (attr in element.attrs) throw new Error(`duplicate attribute ${attr} on <${element.name}>`);
        skipSpace();
        if (xml[i] !== '=') throw new Error(`attribute ${attr} without "=" on <${element.name}>`);
        i++;
        skipSpace();
        const quote = xml[i];
        if (quote !== '"' && quote !== "'") throw new Error(`unquoted attribute ${attr} on <${element.name}>`);
        const end = xml.indexOf(quote, i + 1);
        if (end === -1) throw new Error(`unterminated attribute ${attr}`);
        element.attrs[attr] = decode(xml.slice(i + 1, end), `attribute ${attr} of <${element.name}>`);
        i = end + 1;
      }
      if (stack.length > 0) stack.at(-1)!.children.push(element);
      else if (root) throw new Error('a second root element');
      else root = element;
      if (xml.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

function all(element: XmlElement, test: (e: XmlElement) => boolean): XmlElement[] {
  return [...(test(element) ? [element] : []), ...element.children.flatMap((child) => all(child, test))];
}

const byClass = (root: XmlElement, name: string) => all(root, (e) => e.name === 'g' && e.attrs.class === name);
const child = (element: XmlElement, name: string) => element.children.find((c) => c.name === name)!;

// ---- graphs ----

const pipeline = (): Graph => ({
  nodes: [
    { id: 'entry', label: 'figure_slope.png', kind: 'entry', sublabel: 'state 3f2a9c' },
    { id: 'fig', label: 'FigureSlope', kind: 'figure', sublabel: '8d0e11', status: 'stale' },
    { id: 'slope', label: 'SlopeLoader', kind: 'class', sublabel: '3f2a9c', status: 'stale' },
    { id: 'elev', label: 'ElevationLoader', kind: 'class', sublabel: '81be07', status: 'changed' },
    { id: 'data', label: 'Data', kind: 'class' },
    { id: 'rep', label: 'Reprojector', kind: 'helper' },
    { id: 'thr', label: 'THRESHOLD', kind: 'value', sublabel: '= 0.5' },
    { id: 'tif', label: 'data/elevation.tif', kind: 'input', status: 'missing' },
  ],
  edges: [
    { from: 'entry', to: 'fig', kind: 'uses' },
    { from: 'fig', to: 'slope', kind: 'calls' },
    { from: 'fig', to: 'data', kind: 'inherits' },
    { from: 'slope', to: 'elev', kind: 'calls' },
    { from: 'slope', to: 'data', kind: 'inherits' },
    { from: 'elev', to: 'data', kind: 'inherits' },
    { from: 'elev', to: 'rep', kind: 'uses' },
    { from: 'rep', to: 'tif', kind: 'reads' },
    { from: 'slope', to: 'thr', kind: 'parameter' },
    { from: 'entry', to: 'tif', kind: 'reads' },
  ],
});

/** A deterministic pseudo-random graph: mostly forward edges, some back edges, a few self-loops. */
function bigGraph(count: number): Graph {
  let seed = 20250131;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const kinds = ['class', 'figure', 'helper', 'value', 'input', 'entry'] as const;
  const edgeKinds = ['inherits', 'calls', 'uses', 'parameter', 'reads'] as const;
  const nodes = Array.from({ length: count }, (_, i) => ({ id: `n${i}`, label: `Node${i}${i % 7 === 0 ? 'WithALongerName' : ''}`, kind: kinds[i % 6]!, sublabel: i % 3 === 0 ? `h${i.toString(16)}` : undefined }));
  const edges: Graph['edges'] = [];
  for (let i = 1; i < count; i++) {
    const degree = 1 + Math.floor(random() * 3);
    for (let k = 0; k < degree; k++) edges.push({ from: `n${Math.floor(random() * i)}`, to: `n${i}`, kind: edgeKinds[Math.floor(random() * 5)]! });
    if (random() < 0.05) edges.push({ from: `n${i}`, to: `n${Math.floor(random() * i)}`, kind: 'calls' });
    if (random() < 0.01) edges.push({ from: `n${i}`, to: `n${i}`, kind: 'calls' });
  }
  return { nodes, edges };
}

function expectNoOverlap(layout: GraphLayout): void {
  const boxes = layout.nodes;
  for (let a = 0; a < boxes.length; a++) {
    for (let b = a + 1; b < boxes.length; b++) {
      const [p, q] = [boxes[a]!, boxes[b]!];
      const apart = p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y;
      if (!apart) throw new Error(`boxes ${p.node.id} and ${q.node.id} overlap`);
    }
  }
}

describe('layoutGraph', () => {
  it('places every dependency in a lower layer than its dependent, below its box', () => {
    const layout = layoutGraph(pipeline());
    const at = new Map(layout.nodes.map((placed) => [placed.node.id, placed]));
    for (const { from, to } of pipeline().edges) {
      expect(at.get(to)!.layer).toBeGreaterThan(at.get(from)!.layer);
      expect(at.get(to)!.y).toBeGreaterThanOrEqual(at.get(from)!.y + at.get(from)!.height);
    }
    expect(layout.nodes.map((placed) => placed.layer)).toEqual([0, 1, 2, 3, 4, 4, 3, 5]);
  });

  it('never overlaps node boxes, in a small and a 200-node graph', () => {
    expectNoOverlap(layoutGraph(pipeline()));
    expectNoOverlap(layoutGraph(bigGraph(200)));
  });

  it('sizes boxes from the label length in monospace, and shortens labels over 40 characters', () => {
    const layout = layoutGraph({
      nodes: [
        { id: 'a', label: 'A', kind: 'class' },
        { id: 'b', label: 'ElevationLoader', kind: 'class' },
        { id: 'c', label: 'X'.repeat(60), kind: 'class' },
      ],
      edges: [],
    });
    expect(layout.nodes.map((placed) => placed.width)).toEqual([48, Math.ceil(15 * 7.2 + 24), Math.ceil(40 * 7.2 + 24)]);
    expect(layout.nodes[2]!.label).toBe(`${'X'.repeat(39)}…`);
    expect(nodeWidth({ id: 'd', label: 'ab', kind: 'class', sublabel: 'a'.repeat(30) })).toBe(Math.ceil(30 * 6 + 24));
  });

  it('orders a layer to avoid the crossing its input order would cause', () => {
    const layout = layoutGraph({
      nodes: ['A', 'B', 'C', 'D'].map((id) => ({ id, label: id, kind: 'class' as const })),
      edges: [
        { from: 'A', to: 'D', kind: 'calls' },
        { from: 'B', to: 'C', kind: 'calls' },
      ],
    });
    const x = new Map(layout.nodes.map((placed) => [placed.node.id, placed.x]));
    expect(x.get('A')! < x.get('B')!).toBe(true);
    expect(x.get('D')! < x.get('C')!).toBe(true);
  });

  it('breaks a cycle A→B→A by reversing the edge that closes it, and routes both edges', () => {
    const layout = layoutGraph({
      nodes: [
        { id: 'A', label: 'A', kind: 'class' },
        { id: 'B', label: 'B', kind: 'class' },
      ],
      edges: [
        { from: 'A', to: 'B', kind: 'calls' },
        { from: 'B', to: 'A', kind: 'uses' },
      ],
    });
    const [a, b] = layout.nodes as [GraphLayout['nodes'][number], GraphLayout['nodes'][number]];
    expect([a.layer, b.layer]).toEqual([0, 1]);
    expect(layout.edges.map((routed) => routed.reversed)).toEqual([false, true]);
    const [down, up] = layout.edges.map((routed) => routed.points);
    expect([down![0]!.y, down!.at(-1)!.y]).toEqual([a.y + a.height, b.y]); // A's bottom to B's top
    expect([up![0]!.y, up!.at(-1)!.y]).toEqual([b.y, a.y + a.height]); // B's top back up to A's bottom
    expect(up![0]!.x).not.toBe(down!.at(-1)!.x); // the two edges enter and leave at different points
  });

  it('routes an edge that spans layers through its own slot in each layer it crosses', () => {
    const layout = layoutGraph(pipeline());
    const reads = layout.edges.find((routed) => routed.edge.from === 'entry' && routed.edge.to === 'tif')!;
    expect(reads.points).toHaveLength(2 + 2 * 4); // ends, plus entry and exit of layers 1 to 4
    for (let i = 1; i < reads.points.length - 1; i += 2) {
      const [enter, exit] = [reads.points[i]!, reads.points[i + 1]!];
      expect(exit.x).toBe(enter.x);
      for (const box of layout.nodes) {
        const inside = enter.x >= box.x && enter.x <= box.x + box.width && box.y < exit.y && box.y + box.height > enter.y;
        expect(inside, `the edge passes through ${box.node.id}`).toBe(false);
      }
    }
  });

  it('refuses a duplicate id, an edge to an unknown node, and unknown kinds or statuses', () => {
    const node = { id: 'a', label: 'A', kind: 'class' as const };
    const message = (graph: unknown) => {
      try {
        layoutGraph(graph as Graph);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInputError);
        return (error as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(message({ nodes: [node, node], edges: [] })).toBe('graph node "a" appears twice; give every node its own id');
    expect(message({ nodes: [node], edges: [{ from: 'a', to: 'b', kind: 'calls' }] })).toBe(
      'graph edge "a" → "b" names node "b", which is not in the graph; add the node (status \'missing\' marks absent ones)',
    );
    expect(message({ nodes: [{ ...node, kind: 'module' }], edges: [] })).toBe('graph node "a" has kind "module"; use one of class, figure, helper, value, input, entry');
    expect(message({ nodes: [{ ...node, status: 'old' }], edges: [] })).toBe('graph node "a" has status "old"; use one of ok, stale, changed, missing');
    expect(message({ nodes: [node], edges: [{ from: 'a', to: 'a', kind: 'imports' }] })).toBe(
      'graph edge "a" → "a" has kind "imports"; use one of inherits, calls, uses, parameter, reads, loads',
    );
  });
});

describe('renderGraphSvg', () => {
  it('draws well-formed standalone SVG: xmlns, a viewBox, no scripts, styles or external resources', () => {
    const svg = renderGraphSvg(pipeline());
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.viewBox).toBe(`0 0 ${root.attrs.width} ${root.attrs.height}`);
    const elements = all(root, () => true);
    expect(elements.filter((e) => ['script', 'style', 'image', 'foreignObject', 'use'].includes(e.name))).toEqual([]);
    for (const element of elements) {
      for (const [name, value] of Object.entries(element.attrs)) {
        expect(name.startsWith('on'), `event handler ${name} on <${element.name}>`).toBe(false);
        for (const url of value.match(/url\([^)]*\)/g) ?? []) expect(url).toMatch(/^url\(#[\w-]+\)$/);
      }
    }
  });

  it('draws one node group per node with its kind, status, label and sublabel', () => {
    const root = parseXml(renderGraphSvg(pipeline()));
    const nodes = byClass(root, 'node');
    expect(nodes.map((n) => [n.attrs['data-id'], n.attrs['data-kind'], n.attrs['data-status']])).toEqual(
      pipeline().nodes.map((n) => [n.id, n.kind, n.status]),
    );
    const slope = nodes.find((n) => n.attrs['data-id'] === 'slope')!;
    expect(slope.children.filter((c) => c.name === 'text').map((t) => t.text)).toEqual(['SlopeLoader', '3f2a9c']);
    expect(child(slope, 'title').text).toBe('SlopeLoader\nclass, stale: a dependency changed\n3f2a9c');
    const stroke = (id: string) => child(nodes.find((n) => n.attrs['data-id'] === id)!, 'rect').attrs;
    expect([stroke('data').stroke, stroke('slope').stroke, stroke('elev').stroke, stroke('tif').stroke]).toEqual(['#4b5563', '#d97706', '#dc2626', '#9ca3af']);
    expect([stroke('slope')['stroke-dasharray'], stroke('elev')['stroke-dasharray']]).toEqual(['5 3', undefined]);
  });

  it('draws a path for every edge, styled by kind, with an arrowhead defined in the SVG', () => {
    const graph = pipeline();
    const root = parseXml(renderGraphSvg(graph));
    const markers = new Map(all(root, (e) => e.name === 'marker').map((m) => [m.attrs.id, m]));
    const edges = byClass(root, 'edge');
    expect(edges.map((e) => [e.attrs['data-from'], e.attrs['data-to'], e.attrs['data-kind']])).toEqual(graph.edges.map((e) => [e.from, e.to, e.kind]));
    const dashes: Record<string, string | undefined> = { calls: undefined, inherits: undefined, uses: '6 4', parameter: '2 3', reads: '2 3' };
    for (const edge of edges) {
      const path = child(edge, 'path');
      expect(path.attrs.d).toMatch(/^M[\d.]+,[\d.]+( [LC][\d., ]+)+$/);
      expect(path.attrs['stroke-dasharray']).toBe(dashes[edge.attrs['data-kind']!]);
      const id = /^url\(#(.+)\)$/.exec(path.attrs['marker-end']!)![1]!;
      expect(id).toBe(`geodata-graph-arrow-${edge.attrs['data-kind']}`);
      expect(markers.has(id)).toBe(true);
    }
    expect(child(markers.get('geodata-graph-arrow-inherits')!, 'path').attrs.fill).toBe('#ffffff'); // hollow triangle
    expect(child(byClass(root, 'edge')[1]!, 'title').text).toBe('FigureSlope calls SlopeLoader');
  });

  it('terminates on a cycle A→B→A and still draws both edges, marking the reversed one', () => {
    const root = parseXml(
      renderGraphSvg({
        nodes: [
          { id: 'A', label: 'A', kind: 'class' },
          { id: 'B', label: 'B', kind: 'class' },
          { id: 'C', label: 'C', kind: 'helper' },
        ],
        edges: [
          { from: 'A', to: 'B', kind: 'calls' },
          { from: 'B', to: 'A', kind: 'calls' },
          { from: 'C', to: 'C', kind: 'uses' },
        ],
      }),
    );
    const edges = byClass(root, 'edge');
    expect(edges.map((e) => child(e, 'title').text)).toEqual(['A calls B', 'B calls A (part of a cycle)', 'C uses C']);
    expect(edges.every((e) => child(e, 'path').attrs.d!.length > 10)).toBe(true);
  });

  it('escapes hostile labels, ids and titles everywhere', () => {
    const hostile = '<script>alert(1)</script>';
    const svg = renderGraphSvg(
      {
        nodes: [
          { id: 'x"><script>', label: hostile, kind: 'helper', sublabel: `a & b "c" 'd'` },
          { id: 'y', label: `bad\u0001char \uD800 lone`, kind: 'value' },
        ],
        edges: [{ from: 'x"><script>', to: 'y', kind: 'uses' }],
      },
      { title: `</title>${hostile}` },
    );
    expect(svg.toLowerCase()).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const root = parseXml(svg);
    expect(child(root, 'title').text).toBe(`</title>${hostile}`);
    const [x, y] = byClass(root, 'node');
    expect(x!.attrs['data-id']).toBe('x"><script>');
    expect(x!.children.filter((c) => c.name === 'text').map((t) => t.text)).toEqual([hostile, `a & b "c" 'd'`]);
    expect(child(y!, 'text').text).toBe('bad\uFFFDchar \uFFFD lone');
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('links nodes with safe hrefs only, dropping javascript: and other schemes', () => {
    const hrefs = ['#SlopeLoader', 'entries/ab12.html', '../classes/x.html?v=1', 'https://example.org/a', 'javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', 'file:///etc/passwd', ''];
    const root = parseXml(
      renderGraphSvg({ nodes: hrefs.map((href, i) => ({ id: `n${i}`, label: `N${i}`, kind: 'class' as const, href })), edges: [] }),
    );
    const links = all(root, (e) => e.name === 'a');
    expect(links.map((a) => [a.attrs.href, a.attrs['xlink:href'], child(a, 'g').attrs['data-id']])).toEqual([
      ['#SlopeLoader', '#SlopeLoader', 'n0'],
      ['entries/ab12.html', 'entries/ab12.html', 'n1'],
      ['../classes/x.html?v=1', '../classes/x.html?v=1', 'n2'],
      ['https://example.org/a', 'https://example.org/a', 'n3'],
    ]);
    expect(byClass(root, 'node')).toHaveLength(hrefs.length);
    expect(safeHref('\u0000 #top \n')).toBe('#top');
    expect(safeHref('HTTP://example.org')).toBe('HTTP://example.org');
    expect(safeHref('mailto:a@b.c')).toBeUndefined();
  });

  it('adds a legend of the kinds and statuses that appear, unless asked not to', () => {
    const root = parseXml(renderGraphSvg(pipeline()));
    const legend = byClass(root, 'legend')[0]!;
    expect(all(legend, (e) => e.name === 'text').map((t) => t.text)).toEqual([
      'class', 'figure', 'helper', 'value', 'input', 'entry', 'inherits', 'calls', 'uses', 'parameter', 'reads', 'stale', 'changed', 'missing',
    ]);
    const noLegend = parseXml(renderGraphSvg(pipeline(), { legend: false }));
    expect(byClass(noLegend, 'legend')).toEqual([]);
    expect(Number(noLegend.attrs.height)).toBeLessThan(Number(root.attrs.height));
  });

  it('gives the same SVG for the same graph', () => {
    expect(renderGraphSvg(structuredClone(bigGraph(80)))).toBe(renderGraphSvg(bigGraph(80)));
    expect(renderGraphSvg(pipeline(), { idPrefix: 'g2' })).toBe(renderGraphSvg(pipeline(), { idPrefix: 'g2' }));
  });

  it('renders a 200-node graph with back edges and self-loops', () => {
    const graph = bigGraph(200);
    const root = parseXml(renderGraphSvg(graph));
    expect(byClass(root, 'node')).toHaveLength(200);
    expect(byClass(root, 'edge')).toHaveLength(graph.edges.length);
    expect(graph.edges.some((e) => e.from === e.to)).toBe(true);
    expect(layoutGraph(graph).edges.filter((routed) => routed.reversed).length).toBeGreaterThan(0);
  });

  it('says "no dependencies" for an empty graph', () => {
    const root = parseXml(renderGraphSvg({ nodes: [], edges: [] }));
    expect(all(root, (e) => e.name === 'text').map((t) => t.text)).toEqual(['no dependencies']);
    expect(root.attrs.viewBox).toBe('0 0 180 44');
  });

  it('refuses an idPrefix that could break out of its attribute', () => {
    expect(() => renderGraphSvg(pipeline(), { idPrefix: 'a")' })).toThrow(InvalidInputError);
  });

  it.skipIf(!HAS_CHROMIUM)('parses in a real browser, where every label fits its box and no boxes overlap', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'geodata-graph-'));
    try {
      const entry = join(scratch, 'entry.ts');
      await writeFile(entry, 'export {};\n');
      const svg = renderGraphSvg(bigGraph(60));
      const result = await withBrowserPage({ entry }, (page) =>
        page.evaluate((source) => {
          const parsed = new DOMParser().parseFromString(source, 'image/svg+xml');
          const parseError = parsed.getElementsByTagName('parsererror').length;
          document.body.append(document.importNode(parsed.documentElement, true));
          const overflows: string[] = [];
          for (const node of document.querySelectorAll('g.node')) {
            const box = node.querySelector('rect')!.getBBox();
            for (const text of node.querySelectorAll('text')) {
              const width = (text as SVGTextContentElement).getComputedTextLength();
              if (width > box.width - 8) overflows.push(`${text.textContent}: ${width} in ${box.width}`);
            }
          }
          const boxes = [...document.querySelectorAll('g.node rect')].map((rect) => (rect as SVGRectElement).getBBox());
          let overlaps = 0;
          boxes.forEach((p, a) =>
            boxes.slice(a + 1).forEach((q) => {
              if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height) overlaps++;
            }),
          );
          return { parseError, overflows, overlaps, nodes: boxes.length };
        }, svg),
      );
      expect(result).toEqual({ parseError: 0, overflows: [], overlaps: 0, nodes: 60 });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
