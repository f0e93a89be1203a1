/**
 * The classes view: every class loaded now or known from the cache, whether its entries match
 * its code (and if not, whether its own code or a dependency changed), and its entries.
 */
import type { CacheStatus, ClassStatus } from '../../../cache/status.js';
import { getJson } from '../api.js';
import { badge, formatAge, formatBytes, h, replace, short } from '../dom.js';
import type { Route } from '../route.js';

/** Draws the classes table from `/api/status`. */
export async function classesView(root: HTMLElement, _route: Route): Promise<void> {
  const status = await getJson<CacheStatus>('/api/status');
  const states = Object.entries(status.entries.states).filter(([, n]) => n > 0);
  replace(
    root,
    h('h1', {}, 'Classes'),
    h(
      'p',
      { class: 'summary' },
      `${status.entries.count} entries (${formatBytes(status.entries.bytes)}): `,
      ...states.flatMap(([state, n], i) => [i ? ', ' : '', h('a', { href: `#/entries?state=${state}` }, `${n} ${state}`)]),
      states.length ? '' : 'none',
      ` · code registry: ${status.source.codeVersions} versions, ${status.source.snapshots} tree snapshots (${formatBytes(status.source.bytes)})`,
    ),
    status.classes.length === 0
      ? h('p', { class: 'muted' }, 'No classes: none is loaded and the cache has no entries. Name your pipeline modules: geodata browse pipeline.ts')
      : h(
          'table',
          { class: 'classes' },
          h('thead', {}, h('tr', {}, ...['Class', 'Type', 'State', 'Own code', 'Dependencies', 'Entries', 'Size', 'Newest', 'Code', 'Graph'].map((t) => h('th', {}, t)))),
          h('tbody', {}, ...status.classes.map(classRow)),
        ),
  );
}

function classRow(c: ClassStatus): HTMLTableRowElement {
  const name = encodeURIComponent(c.className);
  const counts = Object.entries(c.entries.states).filter(([, n]) => n > 0);
  return h(
    'tr',
    { 'data-class': c.className, 'data-state': c.state },
    h('td', {}, h('a', { href: `#/entries?class=${name}`, class: 'class-name' }, c.className), c.registered ? '' : h('span', { class: 'muted' }, ' (not loaded)')),
    h('td', {}, c.objectType ?? '-'),
    h('td', { class: 'state' }, badge(c.state)),
    h('td', { class: 'own-code' }, c.codeStale ? h('span', { class: 'changed', title: `stored ${short(c.stored?.sourceHash)}, live ${short(c.live?.sourceHash)}` }, 'changed') : c.state === 'unknown' ? '?' : 'same'),
    h('td', { class: 'dependencies' }, c.staleDependencies.length ? h('span', { class: 'changed' }, `changed: ${c.staleDependencies.join(', ')}`) : c.state === 'stale' ? '' : '-'),
    h(
      'td',
      { class: 'entry-counts' },
      h('a', { href: `#/entries?class=${name}` }, String(c.entries.count)),
      counts.length ? h('span', { class: 'muted' }, ` (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})`) : '',
    ),
    h('td', { class: 'number' }, formatBytes(c.entries.bytes)),
    h('td', {}, formatAge(c.entries.newest)),
    h('td', {}, h('a', { href: `#/code/${name}` }, `${c.versions} version${c.versions === 1 ? '' : 's'}`)),
    h('td', {}, h('a', { href: `#/graph/${name}` }, 'graph')),
  );
}
