import { InvalidInputError } from '../../errors.js';
import { renderGraphSvg } from '../../graph/graph-svg.js';
import type { RouteContext } from './app.js';
import { diffSources } from '../../cache/code-diff.js';
import { classCode, codeNames, liveHashOf, liveSource, liveWritten, SOURCE_HASH, sourceKey, storedSource, storedWritten } from './code-view.js';
import { classGraph, entryGraph } from './dependency-graph.js';
import { entriesUsingCode, parseEntryQuery, queryEntries } from './entry-query.js';
import { entryView } from './entry-view.js';
import { footprintSvg } from './footprint-svg.js';
import { formatSource } from '../../cache/format-source.js';
import { lonLatOutline, specFromJson } from './grid-facts.js';
import { rasterPreviewPng, RASTER_EXTENSIONS } from './preview.js';
import { isServableKey } from './request-target.js';
import { attachment, body, failure, FILE_CSP, json, type BrowseResponse } from './responses.js';

/**
 * The read-only routes: index state, class statuses, entries, one entry with its preview,
 * footprint and graph, code versions, sources and diffs, and the files of the cache. None of
 * them changes the cache.
 */

/** How often a page's poll may make the index look for changes. */
const REFRESH_AFTER_MS = 2000;
const SVG = 'image/svg+xml; charset=utf-8';

/** Answers a GET for `path` (decoded segments), or 404. */
export async function handleRead(context: RouteContext, path: string[], search: URLSearchParams): Promise<BrowseResponse> {
  const { index } = context;
  const [first, second, third, fourth] = path;
  if (first === 'files') return serveFile(context, path.slice(1).join('/'), search.get('download') === '1');
  if (first !== 'api') return failure(404, `nothing here: ${path.join('/')}`);

  if (second === 'state' && path.length === 2) {
    // An edited pipeline module is imported again, and the cache judged against its new code.
    if (!(await context.reloadCode().catch(() => false))) index.refreshIfOlderThan(REFRESH_AFTER_MS);
    return json({ generation: index.generation, progress: index.progress, refreshedAt: index.refreshedAt, store: index.store.name, entries: index.entries().length });
  }
  await index.ready();
  if (second === 'status' && path.length === 2) return json(await index.status());
  if (second === 'entries' && path.length === 2) {
    const query = parseEntryQuery(search);
    if (query.code !== undefined) query.usingCode = await index.memo(`using:${query.code}`, () => entriesUsingCode(index.entries(), index.store, query.code!));
    return json(queryEntries(index.entries(), query));
  }
  if (second === 'entries' && third !== undefined) {
    const indexed = index.entry(third);
    if (!indexed) return failure(404, `no entry ${third.slice(0, 12)} in the cache (it may have been removed: reload)`);
    if (path.length === 3) return json(await entryView(indexed, index));
    if (path.length === 4 && fourth === 'preview.png') return preview(context, indexed.entry.stateHash);
    if (path.length === 4 && fourth === 'footprint.svg') return footprint(context, indexed.entry.stateHash);
    if (path.length === 4 && fourth === 'graph.svg') {
      const graph = await entryGraph(indexed, { store: index.store, live: context.live, entries: index.entries() });
      return body(renderGraphSvg(graph, { title: `Dependencies of entry ${indexed.entry.stateHash.slice(0, 12)}` }), SVG);
    }
  }
  if (second === 'classes' && third !== undefined && fourth === 'graph.svg' && path.length === 4) {
    const graph = await classGraph(third, { store: index.store, live: context.live, entries: index.entries() });
    if (!graph) return failure(404, `no dependency tree of class ${third} is known: it is not loaded and has no entries`);
    return body(renderGraphSvg(graph, { title: `Dependencies of ${third}` }), SVG);
  }
  if (second === 'code' && path.length === 2) return json({ names: await codeNames(index) });
  if (second === 'code' && third !== undefined && path.length === 3) return json(await classCode(index, context.live, third));
  if (second === 'source' && third !== undefined && path.length === 3) {
    const text = await storedSource(index.store, third);
    if (text === undefined) return (await refused(context, sourceKey(third))) ?? failure(404, `no stored source with hash ${third.slice(0, 12)}`);
    return json({ sourceHash: third, text, formatted: formatSource(text), written: (await storedWritten(index.store, third)) ?? null });
  }
  if (second === 'diff' && path.length === 2) return diff(context, search);
  return failure(404, `no such endpoint: /${path.join('/')}`);
}

/** A file of an entry or of the code registry, with a type that cannot run in this origin. */
async function serveFile(context: RouteContext, key: string, download: boolean): Promise<BrowseResponse> {
  if (!isServableKey(key, context.layout)) return failure(403, `only the files of cache entries and of the code registry are served, not ${JSON.stringify(key)}`);
  await context.index.ready();
  const bytes = await context.index.store.get(key);
  if (!bytes) return (await refused(context, key)) ?? failure(404, `no file ${key} in the cache`);
  const name = key.slice(key.lastIndexOf('/') + 1);
  const type = contentType(name);
  const extra: Record<string, string> = {};
  if (download || type.attachment) extra['content-disposition'] = attachment(name);
  return body(bytes, type.mime, extra, FILE_CSP);
}

function contentType(name: string): { mime: string; attachment: boolean } {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  if (extension === 'png') return { mime: 'image/png', attachment: false };
  if (extension === 'gif') return { mime: 'image/gif', attachment: false };
  if (extension === 'webp') return { mime: 'image/webp', attachment: false };
  // SVG figures are shown as images (an <img> never runs scripts; opened directly, FILE_CSP's sandbox forbids them).
  if (extension === 'svg') return { mime: 'image/svg+xml', attachment: false };
  if (['json', 'geojson'].includes(extension)) return { mime: 'application/json; charset=utf-8', attachment: false };
  if (['txt', 'csv', 'js', 'md', 'log', 'yaml', 'yml'].includes(extension)) return { mime: 'text/plain; charset=utf-8', attachment: false };
  if (extension === 'tif' || extension === 'tiff') return { mime: 'image/tiff', attachment: true };
  // Anything else (HTML, scripts of other names) is only ever downloaded.
  return { mime: 'application/octet-stream', attachment: true };
}

async function preview(context: RouteContext, hash: string): Promise<BrowseResponse> {
  const indexed = context.index.entry(hash)!;
  const meta = indexed.entry.meta;
  const file = meta?.output?.file;
  if (typeof file !== 'string' || !RASTER_EXTENSIONS.includes(file.slice(file.lastIndexOf('.') + 1).toLowerCase())) {
    return failure(404, `entry ${hash.slice(0, 12)} has no GeoTIFF output to preview`);
  }
  const key = indexed.entry.key + file;
  // Asked first, so a refused raster is not remembered as a failed preview.
  const refusal = await refused(context, key);
  if (refusal) return refusal;
  const png = await context.previews.get(`${hash}:${meta!.output.sha256}`, async () => {
    const bytes = await context.index.store.get(key);
    if (!bytes) throw new InvalidInputError(`the output ${file} of entry ${hash.slice(0, 12)} is missing`);
    return rasterPreviewPng(bytes, file);
  });
  return body(png, 'image/png');
}

async function footprint(context: RouteContext, hash: string): Promise<BrowseResponse> {
  const indexed = context.index.entry(hash)!;
  const spec = specFromJson(indexed.spec);
  if (!spec?.isFullyDefined) return failure(404, `entry ${hash.slice(0, 12)} has no full grid to draw`);
  const ring = await context.index.memo(`footprint:${spec.toCanonicalJSON()}`, () => lonLatOutline(spec, context.engine?.()));
  if (!ring) return failure(422, `the footprint of CRS ${spec.crs.slice(0, 60)} cannot be drawn: proj4 does not know it and GDAL could not transform it`);
  return body(footprintSvg(ring, { title: `Footprint of ${indexed.entry.className ?? 'entry'} ${hash.slice(0, 12)}` }), SVG);
}

/**
 * `from` and `to` are source hashes, or `live:<name>` for the code loaded now. Both sides are laid
 * out one statement per line first (see formatSource), unless `raw=1`.
 */
async function diff(context: RouteContext, search: URLSearchParams): Promise<BrowseResponse> {
  const layout = search.get('raw') === '1' ? (text: string) => text : formatSource;
  const side = async (name: 'from' | 'to'): Promise<{ label: string; text: string } | BrowseResponse> => {
    const value = search.get(name) ?? '';
    if (value.startsWith('live:')) {
      const className = value.slice(5);
      const text = liveSource(context.live, className);
      if (text === undefined) throw new InvalidInputError(`${name}=${value}: class ${className} is not loaded in this process, so it has no live code`);
      return { label: `${className}@live (${liveHashOf(context.live, className)!.slice(0, 12)})`, text: layout(text) };
    }
    if (!SOURCE_HASH.test(value)) throw new InvalidInputError(`${name}=${JSON.stringify(value)} must be a 64-digit source hash or live:<class>`);
    const text = await storedSource(context.index.store, value);
    if (text === undefined) return (await refused(context, sourceKey(value))) ?? failure(400, `${name}: no stored source with hash ${value.slice(0, 12)}`);
    return { label: `${value.slice(0, 12)}`, text: layout(text) };
  };
  // The source as written, line by line, where both sides have it (unless canonical=1).
  if (search.get('canonical') !== '1') {
    const written = async (name: 'from' | 'to') => {
      const value = search.get(name) ?? '';
      const found = value.startsWith('live:') ? liveWritten(context.live, value.slice(5)) : await storedWritten(context.index.store, value);
      return found && 'text' in found ? found : undefined;
    };
    const [before, after] = [await written('from'), await written('to')];
    if (before && after) {
      const label = (name: 'from' | 'to') => {
        const value = search.get(name)!;
        return value.startsWith('live:') ? `${value.slice(5)}@live (${liveHashOf(context.live, value.slice(5))?.slice(0, 12)})` : value.slice(0, 12);
      };
      return json({ ...diffSources({ label: label('from'), text: before.text }, { label: label('to'), text: after.text }), written: true });
    }
  }
  const from = await side('from');
  if ('status' in from) return from;
  const to = await side('to');
  if ('status' in to) return to;
  return json({ ...diffSources(from, to), written: false });
}

/** 403 when the index's store refuses to read `key` (a link out of the cache), else undefined. */
async function refused(context: RouteContext, key: string): Promise<BrowseResponse | undefined> {
  if (!(await context.index.refuses(key))) return undefined;
  return failure(403, `${key} leads outside the cache (a symbolic link?); it is not served`);
}
