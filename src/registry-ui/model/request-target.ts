import { isValidKey } from '../../store/key.js';
import type { CacheLayout } from '../../config.js';

/**
 * Reads a request target (the raw path and query of an HTTP request line) without letting the
 * URL parser tidy it first: `new URL()` would quietly turn `/files/a/%2e%2e/b` into `/files/b`,
 * hiding the attempt. Each segment is percent-decoded on its own; a segment that decodes to `.`,
 * `..`, or anything holding `/`, `\` or NUL is refused (403), as is an empty segment (`//`, an
 * absolute path); broken percent-encoding is malformed (400).
 */

/** A target split into decoded path segments and its query. */
export type Target = { ok: true; segments: string[]; search: URLSearchParams } | { ok: false; status: 400 | 403; message: string };

/**
 * Splits and checks a raw request target.
 * @example parseTarget('/api/entries?class=Constant') // { ok: true, segments: ['api', 'entries'], search: … }
 * @example parseTarget('/files/data_processed/%2e%2e/x').ok // false (403)
 */
export function parseTarget(target: string): Target {
  if (!target.startsWith('/')) return { ok: false, status: 400, message: 'the request target must be a path starting with "/"' };
  const question = target.indexOf('?');
  const path = question < 0 ? target : target.slice(0, question);
  const query = question < 0 ? '' : target.slice(question + 1);
  if (path.includes('#') || query.includes('#')) return { ok: false, status: 400, message: 'the request target must not hold a fragment ("#")' };
  if (path.includes('\\')) return { ok: false, status: 403, message: 'backslashes are not allowed in paths' };
  const raw = path === '/' ? [] : path.slice(1).split('/');
  if (raw.length > 0 && raw.at(-1) === '') raw.pop(); // one trailing slash is harmless
  const segments: string[] = [];
  for (const part of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return { ok: false, status: 400, message: `malformed percent-encoding in path segment ${JSON.stringify(part)}` };
    }
    if (decoded === '') return { ok: false, status: 403, message: 'empty path segments ("//", absolute paths) are not allowed' };
    if (decoded === '.' || decoded === '..') return { ok: false, status: 403, message: `path segment ${JSON.stringify(part)} would leave its folder` };
    if (/[/\\\0]/.test(decoded)) return { ok: false, status: 403, message: `path segment ${JSON.stringify(part)} holds "/", "\\" or NUL once decoded` };
    segments.push(decoded);
  }
  return { ok: true, segments, search: new URLSearchParams(query) };
}

/**
 * Whether a store key is one the browser serves: a file of an entry folder
 * (`data_processed/<hash>/<file>`, `figures/<hash>/<file>`) or of a code version or tree
 * snapshot (`.source/code/<hash>/<file>`, `.source/snapshots/<hash>/<file>`).
 */
export function isServableKey(key: string, layout: CacheLayout): boolean {
  if (!isValidKey(key)) return false;
  const parts = key.split('/');
  if ((parts[0] === layout.data || parts[0] === layout.figures) && parts.length === 3) return true;
  const source = layout.source.split('/');
  const rest = parts.slice(source.length);
  const underSource = source.every((part, i) => parts[i] === part);
  return underSource && rest.length === 3 && (rest[0] === 'code' || rest[0] === 'snapshots');
}
