/**
 * The entries view: every class x parameters x spec combination in the cache, filtered by class,
 * state, parameter values, CRS, resolution and lon/lat bounds, with a column per parameter when
 * one class is shown, and export of the selected entries.
 */
import type { EntryPage, EntryRow } from '../../model/entry-query.js';
import { getJson, postDownload } from '../api.js';
import { badge, entryLink, formatAge, formatBytes, h, oneLine, replace } from '../dom.js';
import type { Route } from '../route.js';

const MAX_PARAMETER_COLUMNS = 8;

/** Draws the filter bar and one page of the entries table for the query in the URL. */
export async function entriesView(root: HTMLElement, route: Route): Promise<void> {
  const query = route.query;
  const page = await getJson<EntryPage>(`/api/entries?${query}`);
  const columns = query.get('class') ? page.facets.parameters.slice(0, MAX_PARAMETER_COLUMNS) : [];
  const selected = new Set<string>();
  const exportButton = h('button', { type: 'button', disabled: true }, 'Export selected');
  const updateExport = () => {
    exportButton.disabled = selected.size === 0;
    exportButton.textContent = selected.size ? `Export ${selected.size} selected (.tar.gz)` : 'Export selected';
  };
  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    try {
      await postDownload('/api/export', { hashes: [...selected] }, 'geodata-export.tar.gz');
    } catch (error) {
      alert(`Export failed: ${(error as Error).message}`);
    } finally {
      updateExport();
    }
  });
  const selectAll = h('input', {
    type: 'checkbox',
    title: 'Select every entry on this page',
    onchange: () => {
      for (const box of root.querySelectorAll<HTMLInputElement>('input.select-entry')) {
        box.checked = selectAll.checked;
        if (box.checked) selected.add(box.value);
        else selected.delete(box.value);
      }
      updateExport();
    },
  });

  replace(
    root,
    h('h1', {}, 'Entries'),
    filterForm(query, page),
    h('p', { class: 'summary' }, `${page.total} matching entries`, page.total > page.rows.length ? `, showing ${page.offset + 1}–${page.offset + page.rows.length}` : '', ' ', exportButton),
    h(
      'table',
      { class: 'entries' },
      h('thead', {}, h('tr', {}, h('th', {}, selectAll), ...['Hash', 'Class', 'State', ...(columns.length ? columns : ['Parameters']), 'CRS', 'Resolution', 'Shape', 'Size', 'Finished'].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...page.rows.map((row) => entryRow(row, columns, selected, updateExport))),
    ),
    pager(query, page),
  );
}

function entryRow(row: EntryRow, columns: string[], selected: Set<string>, changed: () => void): HTMLTableRowElement {
  const box = h('input', {
    type: 'checkbox',
    class: 'select-entry',
    value: row.stateHash,
    disabled: row.state === 'damaged' || row.state === 'incomplete',
    onchange: () => {
      if (box.checked) selected.add(row.stateHash);
      else selected.delete(row.stateHash);
      changed();
    },
  });
  const parameterCells = columns.length
    ? columns.map((path) => h('td', { class: 'parameter' }, describe(valueAt(row.parameters, path))))
    : [h('td', { class: 'parameter' }, oneLine(withDataNames(row.parameters)))];
  return h(
    'tr',
    { 'data-hash': row.stateHash, 'data-state': row.state },
    h('td', {}, box),
    h('td', {}, entryLink(row.stateHash)),
    h('td', {}, row.className ?? '-', row.objectType === 'figure' ? h('span', { class: 'muted' }, ' (figure)') : ''),
    h('td', { title: row.reasons.join('\n') }, badge(row.state)),
    ...parameterCells,
    h('td', {}, row.crs ?? '-'),
    h('td', {}, row.resolution ? row.resolution.map((r) => Number(r.toPrecision(6))).join(' x ') : '-'),
    h('td', {}, row.shape ? `${row.shape[0]} x ${row.shape[1]}` : '-'),
    h('td', { class: 'number' }, formatBytes(row.bytes)),
    h('td', {}, formatAge(row.finishedAt)),
  );
}

/** The filter bar; changing it changes the URL, which redraws the view. */
function filterForm(query: URLSearchParams, page: EntryPage): HTMLFormElement {
  const select = (name: string, label: string, options: Array<{ value: string | number; count: number }>) =>
    h('label', {}, `${label} `, h('select', { name }, h('option', { value: '' }, 'any'), ...options.map((o) => h('option', { value: String(o.value), selected: query.get(name) === String(o.value) }, `${o.value} (${o.count})`))));
  const parameters = [...query].filter(([name]) => name.startsWith('p.')).map(([name, value]) => `${name.slice(2)}=${value}`).join(', ');
  const form = h(
    'form',
    { class: 'filters' },
    select('class', 'Class', page.facets.classes),
    select('state', 'State', page.facets.states),
    h('label', {}, h('input', { type: 'checkbox', name: 'hideStale', value: '1', checked: query.get('hideStale') === '1' }), ' hide stale'),
    select('crs', 'CRS', page.facets.crs),
    select('resolution', 'Resolution', page.facets.resolutions),
    h('label', {}, 'Bounds ', h('input', { name: 'bounds', placeholder: 'west,south,east,north (degrees)', value: query.get('bounds') ?? '', size: 24 })),
    h('label', { title: page.facets.parameters.length ? `parameters: ${page.facets.parameters.join(', ')}` : '' }, 'Parameters ', h('input', { name: 'parameters', placeholder: 'name=value, other.path=value', value: parameters, size: 26 })),
    h('label', {}, 'Text ', h('input', { name: 'q', value: query.get('q') ?? '', size: 12 })),
    h('button', { type: 'submit' }, 'Filter'),
    h('a', { href: '#/entries', class: 'reset' }, 'reset'),
  );
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLElement).tagName === 'SELECT' || (event.target as HTMLInputElement).type === 'checkbox') form.requestSubmit();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const name of ['class', 'state', 'hideStale', 'crs', 'resolution', 'bounds', 'q']) {
      const value = String(data.get(name) ?? '').trim();
      if (value) next.set(name, value);
    }
    for (const pair of String(data.get('parameters') ?? '').split(',')) {
      const equals = pair.indexOf('=');
      if (equals > 0) next.set(`p.${pair.slice(0, equals).trim()}`, pair.slice(equals + 1).trim());
    }
    location.hash = `#/entries?${next}`;
  });
  return form;
}

function pager(query: URLSearchParams, page: EntryPage): HTMLElement {
  const at = (offset: number) => {
    const next = new URLSearchParams(query);
    next.set('offset', String(offset));
    return `#/entries?${next}`;
  };
  return h(
    'p',
    { class: 'pager' },
    page.offset > 0 ? h('a', { href: at(Math.max(0, page.offset - page.limit)) }, '← previous') : '',
    ' ',
    page.offset + page.limit < page.total ? h('a', { href: at(page.offset + page.limit) }, 'next →') : '',
  );
}

function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A parameter value in a cell: nested Data as its class name. */
function describe(value: unknown): string {
  if (value && typeof value === 'object' && '$data' in value) return `${String((value as { $data: unknown }).$data)}(…)`;
  return value === undefined ? '' : typeof value === 'string' ? value : oneLine(value, 40);
}

/** Parameters with nested Data references shortened to `Class(…)`, for one line. */
function withDataNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withDataNames);
  if (!value || typeof value !== 'object') return value;
  if ('$data' in value) return describe(value);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withDataNames(item)]));
}
