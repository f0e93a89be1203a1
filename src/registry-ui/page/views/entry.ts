/**
 * One entry: why it is in its state, its parameters (nested Data as links to their entries),
 * spec with a footprint map, files and a preview, related entries, the code that made it, its
 * dependency graph, and the delete and export actions.
 */
import type { EntryLink, EntryView } from '../../model/entry-view.js';
import { getJson, getText, post, postDownload } from '../api.js';
import { badge, entryLink, formatAge, formatBytes, h, replace, short, svgElement } from '../dom.js';
import type { Route } from '../route.js';

/** Draws the page of the entry whose hash is in the URL (`#/entry/<hash>`). */
export async function entryView(root: HTMLElement, route: Route): Promise<void> {
  const hash = (route.parts[0] ?? '').replace(/[^0-9a-f]/g, '');
  const view = await getJson<EntryView>(`/api/entries/${hash}`);
  const { summary, meta } = view;
  const className = summary.className ?? '(unknown class)';
  const graph = h('div', { class: 'graph' }, h('p', { class: 'muted' }, 'Drawing the dependency graph…'));
  replace(
    root,
    h('h1', {}, `${className} `, badge(summary.state)),
    h('p', { class: 'hash full-hash' }, summary.stateHash),
    h('ul', { class: 'explanation' }, ...view.explanation.summary.map((line) => h('li', {}, line))),
    h(
      'p',
      { class: 'facts' },
      `${summary.objectType} · ${formatBytes(summary.bytes)}`,
      summary.finishedAt ? ` · finished ${summary.finishedAt} (${formatAge(summary.finishedAt)})` : '',
      meta ? ` · took ${meta.duration_s} s · geodata ${meta.library_version}` : '',
    ),
    actions(view),
    section('Parameters', parametersTable(summary.parameters, view.parameterLinks)),
    section('Spec', specBlock(view)),
    section('Output', filesTable(view), previewBlock(view)),
    related('Co-outputs (computed by the same run)', view.coOutputs),
    related('Parameter entries (upstream)', view.upstream),
    related('Entries that take this one as a parameter (downstream)', view.downstream),
    related('Entries its computation loaded (recorded)', view.loaded),
    related('Entries whose computations loaded this one', view.loadedBy),
    related('The same parameters at other specs', view.otherSpecs),
    related('The same parameters and spec, made by other code', view.otherCode),
    section('Code', codeBlock(view)),
    section('Dependency graph', graph),
    h('details', {}, h('summary', {}, 'meta.json'), h('pre', { class: 'json' }, JSON.stringify(meta, null, 2))),
  );
  try {
    replace(graph, svgElement(await getText(view.graphUrl)));
  } catch (error) {
    replace(graph, h('p', { class: 'error' }, `No graph: ${(error as Error).message}`));
  }
}

function section(title: string, ...content: Array<Node | string>): HTMLElement {
  return h('section', { 'data-section': title.toLowerCase() }, h('h2', {}, title), ...content);
}

function actions(view: EntryView): HTMLElement {
  const hash = view.summary.stateHash;
  const message = h('span', { class: 'action-message' });
  const remove = h('button', {
    type: 'button',
    class: 'danger',
    onclick: async () => {
      if (!confirm(`Delete entry ${short(hash)} (${view.summary.className ?? 'unknown class'}) and its ${view.files.length} files? This cannot be undone.`)) return;
      remove.disabled = true;
      try {
        const done = await post<{ files: number }>(`/api/entries/${hash}/delete`);
        replace(message, `Deleted (${done.files} files). `, h('a', { href: '#/entries' }, 'Back to the entries'));
      } catch (error) {
        replace(message, h('span', { class: 'error' }, (error as Error).message));
        remove.disabled = false;
      }
    },
  }, 'Delete entry');
  const exportButton = h('button', {
    type: 'button',
    disabled: view.summary.state === 'damaged' || view.summary.state === 'incomplete',
    onclick: () => postDownload('/api/export', { hashes: [hash] }, `${short(hash)}.tar.gz`).catch((error: Error) => replace(message, h('span', { class: 'error' }, error.message))),
  }, 'Export (.tar.gz)');
  return h('p', { class: 'actions' }, exportButton, ' ', remove, ' ', message);
}

/** Parameters as nested rows; nested Data as links to their entries. */
function parametersTable(value: unknown, links: Record<string, EntryLink[]>): HTMLElement {
  if (value === null || value === undefined) return h('p', { class: 'muted' }, 'parameters.json is missing');
  if (typeof value !== 'object' || Array.isArray(value) || isDataReference(value)) return h('div', { class: 'parameters' }, parameterValue(value, links));
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return h('p', { class: 'muted' }, 'no parameters');
  return h(
    'table',
    { class: 'parameters' },
    h('tbody', {}, ...entries.map(([name, item]) => h('tr', { 'data-parameter': name }, h('th', {}, name), h('td', {}, parameterValue(item, links))))),
  );
}

function parameterValue(value: unknown, links: Record<string, EntryLink[]>): Node {
  if (isDataReference(value)) {
    const found = links[value.instanceHash] ?? [];
    return h(
      'span',
      { class: 'data-parameter' },
      `${value.$data} `,
      h('span', { class: 'muted' }, `instance ${short(value.instanceHash)}`),
      found.length === 0 ? h('span', { class: 'muted' }, ' (no entry of it in the cache)') : '',
      ...found.map((link) => h('span', {}, ' → ', entryLink(link.stateHash), ' ', badge(link.state))),
    );
  }
  if (Array.isArray(value)) return h('ol', { class: 'array' }, ...value.map((item) => h('li', {}, parameterValue(item, links))));
  if (value && typeof value === 'object') return parametersTable(value, links);
  if (typeof value === 'string') return h('span', { class: 'string' }, value);
  return h('span', { class: 'literal' }, JSON.stringify(value));
}

function isDataReference(value: unknown): value is { $data: string; instanceHash: string } {
  return !!value && typeof value === 'object' && typeof (value as { $data?: unknown }).$data === 'string' && typeof (value as { instanceHash?: unknown }).instanceHash === 'string';
}

function specBlock(view: EntryView): HTMLElement {
  const grid = view.grid;
  if (!grid) return h('p', { class: 'muted' }, view.spec ? 'spec.json is not a spec' : 'spec.json is missing');
  const round = (n: number) => String(Number(n.toPrecision(10)));
  const rows: Array<[string, string]> = [
    ['CRS', grid.crs],
    ['Resolution', grid.resolution ? grid.resolution.map(round).join(' x ') : '-'],
    ['Shape', grid.shape ? `${grid.shape[0]} rows x ${grid.shape[1]} columns` : 'CRS only'],
    ['Bounds', grid.bounds ? grid.bounds.map(round).join(', ') + ' (left, bottom, right, top)' : '-'],
    ['Lon/lat', grid.lonLat ? grid.lonLat.map((n) => n.toFixed(5)).join(', ') + ' (west, south, east, north)' : 'proj4 does not know this CRS (the map below uses GDAL)'],
  ];
  return h(
    'div',
    { class: 'spec' },
    h('table', { class: 'spec-facts' }, h('tbody', {}, ...rows.map(([name, value]) => h('tr', {}, h('th', {}, name), h('td', {}, value))))),
    view.footprintUrl ? h('img', { class: 'footprint', src: view.footprintUrl, alt: 'Footprint of the grid on a lon/lat graticule', width: 360, height: 260 }) : '',
  );
}

function filesTable(view: EntryView): HTMLElement {
  return h(
    'table',
    { class: 'files' },
    h('tbody', {}, ...view.files.map((file) => h('tr', {}, h('td', {}, h('a', { href: file.url, target: '_blank', rel: 'noopener' }, file.name), file.name === view.summary.outputFile ? h('span', { class: 'muted' }, ' (output)') : ''), h('td', { class: 'number' }, formatBytes(file.bytes)), h('td', {}, h('a', { href: `${file.url}?download=1` }, 'download'))))),
  );
}

function previewBlock(view: EntryView): HTMLElement {
  const preview = view.preview;
  switch (preview.kind) {
    case 'raster':
      return h('figure', { class: 'preview' }, h('img', { src: preview.url, alt: 'Preview of the first band' }), h('figcaption', {}, 'first band, 2nd–98th percentile, viridis'));
    case 'image':
      return h('figure', { class: 'preview' }, h('img', { src: preview.url, alt: 'The figure' }));
    case 'text':
      return h('pre', { class: 'preview text' }, preview.text, preview.truncated ? '\n…' : '');
    default:
      return h('p', { class: 'muted' }, `No preview: ${preview.note}.`);
  }
}

function related(title: string, links: EntryLink[]): HTMLElement | string {
  if (links.length === 0) return '';
  return section(
    title,
    h('ul', { class: 'related' }, ...links.map((link) => h('li', {}, link.state === 'absent' ? h('span', { class: 'hash' }, short(link.stateHash)) : entryLink(link.stateHash), ' ', link.className ?? '', ' ', badge(link.state), link.crs ? ` ${link.crs}` : '', link.resolution ? ` @ ${link.resolution.map((r) => Number(r.toPrecision(6))).join('x')}` : '', link.sourceHash ? h('span', { class: 'muted' }, ` code ${short(link.sourceHash)}`) : '', link.finishedAt ? h('span', { class: 'muted' }, ` ${formatAge(link.finishedAt)}`) : ''))),
  );
}

function codeBlock(view: EntryView): HTMLElement {
  const meta = view.meta;
  const className = view.summary.className;
  if (!meta || !className || typeof meta.source_hash !== 'string') return h('p', { class: 'muted' }, 'meta.json does not say which code made this entry');
  const name = encodeURIComponent(className);
  return h(
    'p',
    {},
    `Made by ${className} code `,
    h('a', { href: `#/code/${name}?show=${meta.source_hash}`, class: 'hash' }, short(meta.source_hash)),
    ' · ',
    h('a', { href: `#/code/${name}?a=${meta.source_hash}&b=live` }, 'diff against the live code'),
    ' · ',
    h('a', { href: `#/graph/${name}` }, 'class graph'),
  );
}
