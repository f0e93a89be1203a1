/**
 * The dependency graph of a class: its code as loaded now (or as its newest entry recorded it),
 * with what changed since its newest entry marked. Boxes link to the code of each class.
 */
import { getText } from '../api.js';
import { h, replace, svgElement } from '../dom.js';
import type { Route } from '../route.js';

/** Draws the dependency graph of the class in the URL (`#/graph/<class>`). */
export async function graphView(root: HTMLElement, route: Route): Promise<void> {
  const name = route.parts[0] ?? '';
  const encoded = encodeURIComponent(name);
  const svg = svgElement(await getText(`/api/classes/${encoded}/graph.svg`));
  replace(
    root,
    h('h1', {}, `Dependencies of ${name}`),
    h(
      'p',
      { class: 'summary' },
      'Each box is a class, helper or value the class depends on, with the hash of its code. ',
      '"changed" marks code that differs from what its newest entry was made with; "stale", what depends on it. ',
      h('a', { href: `#/code/${encoded}` }, 'code history'),
      ' · ',
      h('a', { href: `#/entries?class=${encoded}` }, 'entries'),
    ),
    h('div', { class: 'graph' }, svg),
  );
}
