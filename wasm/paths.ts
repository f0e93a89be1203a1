/**
 * Path helpers shared by the engines' file systems (no `node:path`: this runs in browsers too).
 * GDAL paths may carry a virtual file system prefix (`/vsizip/`, `/vsimem/`...); only archive
 * prefixes wrap a real file path that needs mapping, the others are GDAL's own namespaces.
 */

const ARCHIVE_PREFIX = /^\/vsi(?:zip|tar|gzip|7z|rar)\//;

/**
 * Applies `mapFile` to the real file inside a GDAL path, keeping any archive prefix:
 * `/vsizip/data/a.zip/b.tif` maps `data/a.zip/b.tif`; `{...}` quoting is kept.
 * Other `/vsi*` paths (`/vsimem/`, `/vsicurl/`) are returned unchanged.
 * @example mapGdalPath('/vsizip//work/a.zip/b.tif', (p) => '/mem' + p) // '/vsizip//mem/work/a.zip/b.tif'
 */
export function mapGdalPath(path: string, mapFile: (file: string) => string): string {
  const archive = ARCHIVE_PREFIX.exec(path);
  if (archive) {
    const rest = path.slice(archive[0].length);
    if (rest.startsWith('{')) {
      const close = rest.indexOf('}');
      if (close > 0) return `${archive[0]}{${mapFile(rest.slice(1, close))}}${rest.slice(close + 1)}`;
    }
    return archive[0] + mapFile(rest);
  }
  if (path.startsWith('/vsi')) return path;
  return mapFile(path);
}

/**
 * Normalises a POSIX path against `/`: resolves `.` and `..`, collapses slashes, drops a
 * trailing slash.
 * @example normalizePosixPath('data//a/../b.tif') // '/data/b.tif'
 */
export function normalizePosixPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** The folder of a normalised POSIX path (`/` for top-level entries). */
export function parentPosixPath(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes a mount prefix (`/host`, `/mem`) from the paths inside a message or JSON text, so the
 * caller sees their own paths. Only a prefix at the start of a path is removed: after the start of
 * the text, whitespace, quotes, brackets or punctuation, or a `/vsi…/` prefix.
 * @example stripMountPrefix("can't open '/mem/a.tif'", '/mem') // "can't open '/a.tif'"
 */
export function stripMountPrefix(text: string, prefix: string): string {
  const pattern = new RegExp(`(^|[\\s'"\`(\\[{:,=/>])${escapeRegExp(prefix)}(?=/)`, 'g');
  return text.replace(pattern, '$1');
}
