/**
 * The code view: the version history of a class (`.source/code`), the source of any version as
 * it was when its entries were made, and a diff between any two versions or against the code
 * loaded now. Without a class: every class and helper with stored code.
 */
import type { CodeDiff } from '../../../cache/code-diff.js';
import type { ClassCode } from '../../model/code-view.js';
import { getJson } from '../api.js';
import { formatAge, h, replace, short } from '../dom.js';
import type { Route } from '../route.js';

/** Draws the code history of the class in the URL, or the list of classes with stored code. */
export async function codeView(root: HTMLElement, route: Route): Promise<void> {
  const name = route.parts[0];
  if (!name) {
    const { names } = await getJson<{ names: string[] }>('/api/code');
    replace(
      root,
      h('h1', {}, 'Code'),
      names.length === 0 ? h('p', { class: 'muted' }, 'The code registry is empty.') : h('ul', { class: 'code-names' }, ...names.map((n) => h('li', {}, h('a', { href: `#/code/${encodeURIComponent(n)}` }, n)))),
    );
    return;
  }
  const code = await getJson<ClassCode>(`/api/code/${encodeURIComponent(name)}`);
  const versions = code.versions;
  const query = route.query;
  let a = query.get('a');
  let b = query.get('b');
  const show = query.get('show');
  if (!a && !b && !show && versions.length >= 2) {
    a = versions.at(-2)!.sourceHash;
    b = versions.at(-1)!.sourceHash;
  }
  const liveStored = versions.some((v) => v.sourceHash === code.liveHash);
  const link = (params: Record<string, string>) => `#/code/${encodeURIComponent(name)}?${new URLSearchParams(params)}`;
  // Choosing one side with the other unset pairs it with the newest other stored version (as the
  // old side) or the live code (as the new side), rather than diffing a version with itself.
  const newestOther = (value: string) => versions.filter((v) => v.sourceHash !== value).at(-1)?.sourceHash ?? value;
  const otherSide = (side: 'a' | 'b', value: string) => (side === 'a' && code.liveHash && value !== 'live' ? 'live' : newestOther(value));
  const choose = (side: 'a' | 'b', value: string) =>
    h('input', {
      type: 'radio',
      name: side,
      value,
      checked: (side === 'a' ? a : b) === value,
      title: side === 'a' ? 'diff from this version' : 'diff to this version',
      onchange: () => (location.hash = link({ a: side === 'a' ? value : (a ?? otherSide('b', value)), b: side === 'b' ? value : (b ?? otherSide('a', value)) })),
    });

  const rows = versions.map((v, i) =>
    h(
      'tr',
      { 'data-hash': v.sourceHash, class: v.sourceHash === show ? 'shown' : '' },
      h('td', {}, String(i + 1)),
      h('td', {}, h('a', { href: link({ show: v.sourceHash }), class: 'hash' }, short(v.sourceHash))),
      h('td', {}, v.firstRegistered ?? '-', h('span', { class: 'muted' }, ` (${formatAge(v.firstRegistered)})`)),
      h('td', {}, v.latestRegistered ?? '-'),
      h('td', {}, v.live ? h('span', { class: 'badge state-fresh' }, 'live') : ''),
      h('td', { class: 'number' }, h('a', { href: `#/entries?class=${encodeURIComponent(name)}` }, String(v.entries))),
      h('td', {}, choose('a', v.sourceHash)),
      h('td', {}, choose('b', v.sourceHash)),
    ),
  );
  if (code.liveHash && !liveStored) {
    rows.push(h('tr', { class: 'live-only' }, h('td', {}, '·'), h('td', {}, h('span', { class: 'hash' }, short(code.liveHash))), h('td', { colspan: 3 }, 'the code loaded now (no entry made with it yet)'), h('td', {}, ''), h('td', {}, ''), h('td', {}, choose('b', 'live'))));
  } else if (code.liveHash) {
    rows.push(h('tr', { class: 'live-only' }, h('td', {}, '·'), h('td', { colspan: 6 }, 'the code loaded now'), h('td', {}, choose('b', 'live'))));
  }

  const detail = h('div', { class: 'code-detail' });
  replace(
    root,
    h('h1', {}, `Code of ${name}`),
    h('p', { class: 'summary' }, `${versions.length} stored version${versions.length === 1 ? '' : 's'}`, code.liveHash ? ` · live code ${short(code.liveHash)}` : ' · not loaded in this process', ' · ', h('a', { href: `#/graph/${encodeURIComponent(name)}` }, 'dependency graph')),
    h('table', { class: 'versions' }, h('thead', {}, h('tr', {}, ...['#', 'Hash', 'First registered', 'Latest registered', 'Live', 'Entries', 'A', 'B'].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows)),
    detail,
  );

  if (a && b) {
    const side = (value: string) => (value === 'live' ? `live:${name}` : value);
    const diff = await getJson<CodeDiff>(`/api/diff?${new URLSearchParams({ from: side(a), to: side(b) })}`);
    replace(detail, h('h2', {}, `Diff ${diff.from} → ${diff.to}`), h('p', { class: 'muted' }, 'both sides laid out one statement per line'), diff.same ? h('p', { class: 'muted' }, 'The two sources are the same text.') : diffTable(diff));
  } else if (show) {
    const raw = query.get('raw') === '1';
    const source = await getJson<{ text: string; formatted: string }>(`/api/source/${show.replace(/[^0-9a-f]/g, '')}`);
    const toggle = source.formatted === source.text ? '' : h('a', { href: link(raw ? { show } : { show, raw: '1' }) }, raw ? 'laid out one statement per line' : 'as stored');
    replace(detail, h('h2', {}, `Source of version ${short(show)}`), h('p', { class: 'muted' }, raw || source.formatted === source.text ? 'as stored in .source/code ' : 'laid out one statement per line · ', toggle), sourceTable(raw ? source.text : source.formatted));
  }
}

function diffTable(diff: CodeDiff): HTMLElement {
  let oldLine = 0;
  let newLine = 0;
  const rows = diff.lines.map((line) => {
    if (line.kind === 'hunk') {
      const match = /^@@ -(\d+)(?:,\d+)? \+(\d+)/.exec(line.text);
      oldLine = Number(match?.[1] ?? 1);
      newLine = Number(match?.[2] ?? 1);
      return h('tr', { class: 'hunk' }, h('td', { colspan: 3 }, line.text));
    }
    const left = line.kind === 'add' ? '' : String(oldLine++);
    const right = line.kind === 'remove' ? '' : String(newLine++);
    const mark = line.kind === 'add' ? '+' : line.kind === 'remove' ? '-' : ' ';
    return h('tr', { class: line.kind }, h('td', { class: 'line-number' }, left), h('td', { class: 'line-number' }, right), h('td', { class: 'code' }, `${mark} ${line.text}`));
  });
  return h('table', { class: 'diff' }, h('tbody', {}, ...rows));
}

function sourceTable(text: string): HTMLElement {
  const lines = text.replace(/\n$/, '').split('\n');
  return h('table', { class: 'source' }, h('tbody', {}, ...lines.map((line, i) => h('tr', {}, h('td', { class: 'line-number' }, String(i + 1)), h('td', { class: 'code' }, line)))));
}
