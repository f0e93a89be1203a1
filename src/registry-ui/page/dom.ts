/**
 * Building the page's DOM safely: every piece of data becomes a text node or an attribute value
 * set through the DOM, never markup. Nothing here uses innerHTML. Server-drawn SVG goes through
 * {@link svgElement}, which parses it as XML and keeps only the elements and attributes our
 * renderers write.
 */

import { oneLine as oneLineText } from '../../format.js';

export { formatAge, formatBytes } from '../../format.js';

type Child = Node | string | number | null | undefined | false | Child[];
type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/**
 * An element with properties and children. Strings become text nodes; `on*` properties that are
 * functions become event listeners; `false`, null and undefined are left out.
 * @example h('a', { href: '#/entries' }, 'Entries (', count, ')')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      if (!name.startsWith('on')) throw new Error(`property ${name} of <${tag}> is a function but not an event handler`);
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'href') {
      element.setAttribute('href', safeLink(String(value)));
    } else if (name === 'checked' || name === 'disabled' || name === 'selected') {
      (element as unknown as Record<string, boolean>)[name] = value === true;
    } else if (name === 'value') {
      (element as unknown as { value: string }).value = String(value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children (text for strings and numbers). */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces everything in `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Only links inside this page or to this server; anything else (`javascript:`...) becomes `#`. */
export function safeLink(href: string): string {
  return href.startsWith('#') || (href.startsWith('/') && !href.startsWith('//')) ? href : '#';
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const SVG_ELEMENTS = new Set(['svg', 'g', 'title', 'desc', 'defs', 'marker', 'rect', 'path', 'line', 'circle', 'text', 'a']);
const SVG_ATTRIBUTES = new Set([
  'xmlns', 'viewBox', 'width', 'height', 'role', 'font-family', 'font-size', 'fill', 'fill-opacity', 'stroke', 'stroke-width',
  'stroke-dasharray', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'd', 'transform', 'text-anchor', 'class', 'id',
  'marker-end', 'markerWidth', 'markerHeight', 'markerUnits', 'refX', 'refY', 'orient', 'cursor', 'data-id', 'data-kind',
  'data-status', 'data-from', 'data-to',
]);

/**
 * An SVG drawn by the server (dependency graphs, footprints) as an element: parsed as XML (which
 * runs nothing), then copied keeping only known elements and attributes, and links that stay in
 * this page.
 */
export function svgElement(text: string): SVGSVGElement {
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== 'svg') throw new Error('the server sent something that is not an SVG picture');
  return copySvg(root) as SVGSVGElement;
}

function copySvg(source: Element): Element {
  const copy = document.createElementNS(SVG_NS, source.localName);
  for (const attribute of [...source.attributes]) {
    if (attribute.localName === 'href' && (attribute.namespaceURI === null || attribute.namespaceURI === XLINK_NS)) {
      const href = safeLink(attribute.value);
      if (href !== '#') copy.setAttribute('href', href);
    } else if (attribute.namespaceURI === null && SVG_ATTRIBUTES.has(attribute.name)) {
      copy.setAttribute(attribute.name, attribute.value);
    }
  }
  for (const child of [...source.childNodes]) {
    if (child.nodeType === Node.TEXT_NODE) copy.appendChild(document.createTextNode(child.textContent ?? ''));
    else if (child.nodeType === Node.ELEMENT_NODE && (child as Element).namespaceURI === SVG_NS && SVG_ELEMENTS.has((child as Element).localName)) {
      copy.appendChild(copySvg(child as Element));
    }
  }
  return copy;
}

/** The first 12 characters of a hash. */
export function short(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 12) : '-';
}

/** A coloured label for an entry or class state. */
export function badge(state: string): HTMLSpanElement {
  return h('span', { class: `badge state-${state.replace(/[^a-z-]/g, '')}` }, state);
}

/** A value on one line, shortened (the page has room for 80 characters). */
export function oneLine(value: unknown, max = 80): string {
  return oneLineText(value, max);
}

/** A link to an entry's page. */
export function entryLink(hash: string, label?: string): HTMLAnchorElement {
  return h('a', { href: `#/entry/${hash.replace(/[^0-9a-f]/g, '')}`, class: 'hash' }, label ?? short(hash));
}
