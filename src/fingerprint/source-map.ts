/** A position in a source map's original sources: 0-based line and column. */
export interface OriginalPosition {
  /** The source as the map names it, resolved against the map's URL and `sourceRoot`. */
  source: string;
  /** The source's text when the map embeds it (`sourcesContent`). */
  content: string | undefined;
  line: number;
  column: number;
}

/** The parts of a source map (version 3) that a position look-up needs. */
interface RawSourceMap {
  version?: number;
  sources?: Array<string | null>;
  sourcesContent?: Array<string | null>;
  sourceRoot?: string;
  mappings?: string;
}

/** The comment, matched where it starts (sticky): it is found by its keyword first. */
const SOURCE_MAPPING_URL = /[#@]\s*sourceMappingURL=(\S+)\s*(?:\*\/\s*)?$/my;
const KEYWORD = 'sourceMappingURL=';

/**
 * The `sourceMappingURL` comment of a compiled module (the last one, as browsers take it), or
 * undefined when the module has none.
 * @example sourceMappingUrl('…\n//# sourceMappingURL=pipeline.js.map'); // 'pipeline.js.map'
 */
export function sourceMappingUrl(text: string): string | undefined {
  // What the last of `text.matchAll(/[#@]\s*sourceMappingURL=…$/gm)` gives, without running that
  // regular expression from every '#' and '@' of the text (a page's bundle is megabytes of
  // them: 20-40 ms): a match can only start at the '#' or '@' right before a keyword, across
  // nothing but white space; matches do not overlap, so a keyword inside the last one is skipped.
  let found: string | undefined;
  let matchedTo = 0;
  for (let at = text.indexOf(KEYWORD); at !== -1; at = text.indexOf(KEYWORD, at + 1)) {
    let start = at - 1;
    while (start >= 0 && /\s/.test(text[start]!)) start--;
    if (start < matchedTo || (text[start] !== '#' && text[start] !== '@')) continue;
    SOURCE_MAPPING_URL.lastIndex = start;
    const match = SOURCE_MAPPING_URL.exec(text);
    if (!match) continue;
    found = match[1];
    matchedTo = start + match[0].length;
  }
  return found;
}

/** Decodes an inline `data:application/json;base64,…` source map; undefined for any other URL. */
export function inlineSourceMap(url: string): string | undefined {
  const match = /^data:application\/json[^,]*?(;base64)?,(.*)$/s.exec(url);
  if (!match) return undefined;
  try {
    return match[1] ? new TextDecoder().decode(Uint8Array.from(atob(match[2]!), (c) => c.charCodeAt(0))) : decodeURIComponent(match[2]!);
  } catch {
    return undefined;
  }
}

/**
 * Where a generated position (0-based line and column) came from, by a version 3 source map's
 * `mappings`: the last segment of that line at or before the column (or the line's first
 * segment when the column precedes them all). Undefined when the map is not one, or maps
 * nothing on that line.
 * @example originalPosition(mapJson, 'file:///p/dist/pipeline.js.map', 12, 0)?.line; // 20
 */
export function originalPosition(mapText: string, mapUrl: string, line: number, column: number): OriginalPosition | undefined {
  let map: RawSourceMap;
  try {
    map = JSON.parse(mapText) as RawSourceMap;
  } catch {
    return undefined;
  }
  if (map.version !== 3 || typeof map.mappings !== 'string' || !Array.isArray(map.sources)) return undefined;
  const lines = map.mappings.split(';');
  // Source index, original line and column are relative to the previous segment across lines.
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  let best: [number, number, number] | undefined;
  for (let index = 0; index <= line && index < lines.length; index++) {
    let generatedColumn = 0;
    let first: [number, number, number] | undefined;
    let atOrBefore: [number, number, number] | undefined;
    for (const segment of lines[index]!.split(',')) {
      if (segment === '') continue;
      const fields = decodeVlq(segment);
      if (fields === undefined) return undefined;
      generatedColumn += fields[0]!;
      if (fields.length < 4) continue;
      source += fields[1]!;
      originalLine += fields[2]!;
      originalColumn += fields[3]!;
      if (index !== line) continue;
      const here: [number, number, number] = [source, originalLine, originalColumn];
      first ??= here;
      if (generatedColumn <= column) atOrBefore = here;
    }
    if (index === line) best = atOrBefore ?? first;
  }
  if (!best) return undefined;
  const name = map.sources[best[0]];
  if (typeof name !== 'string') return undefined;
  let resolved: string;
  try {
    resolved = new URL((map.sourceRoot ? `${map.sourceRoot.replace(/\/?$/, '/')}` : '') + name, toUrl(mapUrl)).href;
  } catch {
    return undefined;
  }
  return { source: resolved, content: map.sourcesContent?.[best[0]] ?? undefined, line: best[1], column: best[2] };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The signed integers of one base64 VLQ segment; undefined when it is malformed. */
function decodeVlq(segment: string): number[] | undefined {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) return undefined;
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
    value = 0;
    shift = 0;
  }
  return shift === 0 ? values : undefined;
}

/** A path or URL as a URL (`/home/me/x.js` → `file:///home/me/x.js`). */
function toUrl(pathOrUrl: string): string {
  return pathOrUrl.startsWith('/') ? `file://${encodeURI(pathOrUrl)}` : pathOrUrl;
}
