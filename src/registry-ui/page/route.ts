/** Where the page is: the view's name, the path after it, and the query. */
export interface Route {
  name: string;
  parts: string[];
  query: URLSearchParams;
}

/**
 * Reads the URL fragment (`#/entries?class=X`, `#/entry/<hash>`) as a route to one of `views`,
 * by a name of its own: an inherited one (`#/constructor`, `#/toString`) names no view and,
 * like any unknown name, leads to `fallback`.
 * @example parseRoute('#/code/Slope%20v2', { code: 1 }) // { name: 'code', parts: ['Slope v2'], query: … }
 */
export function parseRoute(hash: string, views: object, fallback = 'classes'): Route {
  const text = hash.replace(/^#\/?/, '');
  const question = text.indexOf('?');
  const path = question < 0 ? text : text.slice(0, question);
  const parts = path.split('/').filter(Boolean).map((part) => safeDecode(part));
  const name = parts.shift() ?? fallback;
  return { name: Object.hasOwn(views, name) ? name : fallback, parts, query: new URLSearchParams(question < 0 ? '' : text.slice(question + 1)) };
}

/** A fragment typed by hand may hold a stray `%`: it is then taken as written. */
function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
