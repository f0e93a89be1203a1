/**
 * The registry browser's page: a header with the index's progress and a reload button, and one
 * view at a time chosen by the URL fragment (`#/classes`, `#/entries?class=X`, `#/entry/<hash>`,
 * `#/code/<class>`, `#/graph/<class>`, `#/clean`). It polls the server cheaply (`/api/state`)
 * and redraws list views when the cache changed.
 */
import type { IndexProgress } from '../model/browse-index.js';
import { getJson, post } from './api.js';
import { h, replace } from './dom.js';
import { classesView } from './views/classes.js';
import { cleanView } from './views/clean.js';
import { codeView } from './views/code.js';
import { entriesView } from './views/entries.js';
import { entryView } from './views/entry.js';
import { graphView } from './views/graph.js';
import { parseRoute as routeOf, type Route } from './route.js';

/** A view draws itself into `root` for a route. */
export type View = (root: HTMLElement, route: Route) => Promise<void>;

interface State {
  generation: number;
  progress: IndexProgress;
  store: string;
  entries: number;
}

/** Views that are redrawn by themselves when the cache changes; others show a notice instead. */
const VIEWS: Record<string, { view: View; live: boolean; title: string }> = {
  classes: { view: classesView, live: true, title: 'Classes' },
  entries: { view: entriesView, live: true, title: 'Entries' },
  entry: { view: entryView, live: false, title: 'Entry' },
  code: { view: codeView, live: false, title: 'Code' },
  graph: { view: graphView, live: false, title: 'Graph' },
  clean: { view: cleanView, live: false, title: 'Clean' },
};
const POLL_MS = 2000;

const main = document.getElementById('view')!;
const header = document.getElementById('top')!;
const status = h('span', { class: 'index-status' });
const progress = h('progress', { max: 1, value: 0, hidden: true });
const notice = h('div', { class: 'notice', hidden: true });
let shownGeneration = -1;
let latestGeneration = -1;
let rendering = 0;

function parseRoute(hash: string): Route {
  return routeOf(hash, VIEWS);
}

async function render(): Promise<void> {
  const route = parseRoute(location.hash);
  const { view, title } = VIEWS[route.name]!;
  const ticket = ++rendering;
  main.dataset.view = route.name;
  main.dataset.ready = '0';
  notice.hidden = true;
  document.title = `${title} · geodata browse`;
  for (const link of header.querySelectorAll('nav a')) link.classList.toggle('active', link.getAttribute('data-view') === route.name);
  const target = h('div', { class: `view view-${route.name}` });
  try {
    await view(target, route);
  } catch (error) {
    replace(target, h('div', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
  }
  if (ticket !== rendering) return; // a newer render took over
  replace(main, target);
  shownGeneration = latestGeneration;
  main.dataset.generation = String(shownGeneration);
  main.dataset.ready = '1';
}

async function poll(): Promise<void> {
  let state: State;
  try {
    state = await getJson<State>('/api/state');
  } catch {
    status.textContent = 'the server does not answer (was geodata browse stopped?)';
    return;
  }
  const p = state.progress;
  const busy = p.state === 'building' || p.state === 'refreshing';
  progress.hidden = !busy || p.total === 0;
  progress.max = Math.max(1, p.total);
  progress.value = p.done;
  status.textContent =
    p.state === 'failed' ? `indexing failed: ${p.error ?? 'unknown error'}`
    : busy ? `${p.state === 'building' ? 'indexing' : 'updating'}: ${p.phase} ${p.total ? `${p.done}/${p.total}` : ''}`
    : `${state.entries} entries · ${state.store}`;
  latestGeneration = state.generation;
  if (p.state === 'ready' && shownGeneration >= 0 && state.generation !== shownGeneration && main.dataset.ready === '1') {
    const route = parseRoute(location.hash);
    if (VIEWS[route.name]!.live) await render();
    else notice.hidden = false;
  }
}

function buildHeader(): void {
  const reload = h('button', {
    type: 'button',
    class: 'reload',
    title: 'Read the whole cache again (also input files and outputs changed in place)',
    onclick: async () => {
      reload.disabled = true;
      try {
        await post('/api/reload', { full: true });
        await poll();
        await render();
      } finally {
        reload.disabled = false;
      }
    },
  }, 'Reload');
  replace(notice, 'The cache changed since this view was drawn. ', h('button', { type: 'button', onclick: () => void render() }, 'Show the new state'));
  replace(
    header,
    h('a', { href: '#/classes', class: 'brand' }, 'geodata browse'),
    h('nav', {}, ...Object.entries(VIEWS).filter(([name]) => !['entry', 'graph'].includes(name)).map(([name, v]) => h('a', { href: `#/${name}`, 'data-view': name }, v.title))),
    h('div', { class: 'index' }, status, progress, reload),
    notice,
  );
}

buildHeader();
window.addEventListener('hashchange', () => void render());
await poll();
await render();
setInterval(() => void poll(), POLL_MS);
