import { parametersMatch, type EntrySummary } from '../../cache/entries.js';
import type { EntryState } from '../../cache/reasons.js';
import { InvalidInputError } from '../../errors.js';
import type { JsonValue } from '../../fingerprint/index.js';
import type { IndexedEntry } from './browse-index.js';

/**
 * The entries view's query: filters by class, state, parameter values, CRS, resolution and
 * lon/lat bounds, a sort order and a page. Parsed from the URL the page asks with, so a filtered
 * view is a link that can be shared.
 */

export const ENTRY_STATES: readonly EntryState[] = ['fresh', 'stale', 'input-changed', 'unknown', 'damaged', 'incomplete'];
const SORTS = ['key', 'finished', 'class', 'size', 'state'] as const;

/** What {@link queryEntries} selects. */
export interface EntryQuery {
  className?: string;
  state?: EntryState;
  /** Leave out stale entries. */
  hideStale?: boolean;
  crs?: string;
  /** A pixel size: entries whose x or y resolution is this (relative tolerance 1e-9). */
  resolution?: number;
  /** `[west, south, east, north]` in degrees: entries whose footprint meets this box. */
  bounds?: [number, number, number, number];
  /** Parameter values by dotted path, matched as `geodata entries --filter` matches them. */
  parameters?: Record<string, string>;
  /** Text the hash, class name or parameters must contain. */
  text?: string;
  sort?: (typeof SORTS)[number];
  descending?: boolean;
  offset?: number;
  /** Default 200, at most 1000. */
  limit?: number;
}

/** One row of the entries table: an entry as `entries()` lists it, with facts about its grid. */
export interface EntryRow extends Omit<EntrySummary, 'key'> {
  crs: string | null;
  resolution: [number, number] | null;
  shape: [number, number] | null;
}

/** A page of the entries table, with the values the filters can take. */
export interface EntryPage {
  total: number;
  offset: number;
  limit: number;
  rows: EntryRow[];
  facets: {
    classes: Array<{ value: string; count: number }>;
    states: Array<{ value: EntryState; count: number }>;
    crs: Array<{ value: string; count: number }>;
    resolutions: Array<{ value: number; count: number }>;
    /** Dotted parameter paths of the entries of the chosen class (or of all). */
    parameters: string[];
  };
}

/**
 * Reads a query from URL search parameters (`class`, `state`, `hideStale`, `crs`, `resolution`,
 * `bounds=w,s,e,n`, `p.<path>=<value>`, `q`, `sort`, `desc`, `offset`, `limit`). Throws
 * InvalidInputError naming the bad parameter.
 * @example parseEntryQuery(new URLSearchParams('class=Constant&p.value=2'))
 */
export function parseEntryQuery(search: URLSearchParams): EntryQuery {
  const query: EntryQuery = {};
  const text = (name: string) => {
    const value = search.get(name);
    return value === null || value === '' ? undefined : value;
  };
  const number = (name: string, check: (n: number) => boolean, what: string) => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || !check(parsed)) throw new InvalidInputError(`query parameter ${name}=${JSON.stringify(value)} must be ${what}`);
    return parsed;
  };
  query.className = text('class');
  const state = text('state');
  if (state !== undefined) {
    if (!ENTRY_STATES.includes(state as EntryState)) throw new InvalidInputError(`query parameter state=${JSON.stringify(state)} must be one of ${ENTRY_STATES.join(', ')}`);
    query.state = state as EntryState;
  }
  query.hideStale = search.get('hideStale') === '1' || search.get('hideStale') === 'true';
  query.crs = text('crs');
  query.resolution = number('resolution', (n) => n > 0, 'a positive number');
  const bounds = text('bounds');
  if (bounds !== undefined) {
    const parts = bounds.split(',').map(Number);
    if (parts.length !== 4 || !parts.every(Number.isFinite) || parts[0]! > parts[2]! || parts[1]! > parts[3]!) {
      throw new InvalidInputError(`query parameter bounds=${JSON.stringify(bounds)} must be west,south,east,north in degrees, west <= east and south <= north`);
    }
    query.bounds = parts as [number, number, number, number];
  }
  for (const [name, value] of search) {
    if (name.startsWith('p.') && name.length > 2) (query.parameters ??= {})[name.slice(2)] = value;
  }
  query.text = text('q');
  const sort = text('sort');
  if (sort !== undefined) {
    if (!(SORTS as readonly string[]).includes(sort)) throw new InvalidInputError(`query parameter sort=${JSON.stringify(sort)} must be one of ${SORTS.join(', ')}`);
    query.sort = sort as EntryQuery['sort'];
  }
  query.descending = search.get('desc') === '1' || search.get('desc') === 'true';
  query.offset = number('offset', (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0');
  query.limit = number('limit', (n) => Number.isInteger(n) && n >= 1 && n <= 1000, 'a whole number from 1 to 1000');
  return query;
}

/**
 * The entries that match `query`, sorted and cut to one page, with facets over all entries.
 * @example queryEntries(index.entries(), { className: 'Constant', hideStale: true }).rows
 */
export function queryEntries(entries: readonly IndexedEntry[], query: EntryQuery): EntryPage {
  const needle = query.text?.toLowerCase();
  const matched = entries.filter((e) => {
    const { entry, grid } = e;
    if (query.className !== undefined && entry.className !== query.className) return false;
    if (query.state !== undefined && entry.state !== query.state) return false;
    if (query.hideStale && entry.state === 'stale') return false;
    if (query.crs !== undefined && grid?.crs !== query.crs) return false;
    if (query.resolution !== undefined && !grid?.resolution?.some((r) => Math.abs(r - query.resolution!) <= 1e-9 * query.resolution!)) return false;
    if (query.bounds !== undefined && !(grid?.lonLat && meets(grid.lonLat, query.bounds))) return false;
    if (query.parameters && !parametersMatch(e.summary.parameters, query.parameters)) return false;
    if (needle && !`${entry.stateHash} ${entry.className ?? ''} ${JSON.stringify(e.summary.parameters)}`.toLowerCase().includes(needle)) return false;
    return true;
  });
  const sorted = sortEntries(matched, query.sort ?? 'class', query.descending === true);
  const offset = query.offset ?? 0;
  const limit = query.limit ?? 200;
  return { total: matched.length, offset, limit, rows: sorted.slice(offset, offset + limit).map(rowOf), facets: facetsOf(entries, query.className) };
}

/** An entry as a table row. */
export function rowOf(indexed: IndexedEntry): EntryRow {
  const { summary, grid } = indexed;
  return {
    stateHash: summary.stateHash,
    className: summary.className,
    objectType: summary.objectType,
    state: summary.state,
    reasons: summary.reasons,
    bytes: summary.bytes,
    finishedAt: summary.finishedAt,
    outputFile: summary.outputFile,
    parameters: summary.parameters,
    crs: grid?.crs ?? null,
    resolution: grid?.resolution ?? null,
    shape: grid?.shape ?? null,
  };
}

function sortEntries(entries: IndexedEntry[], sort: NonNullable<EntryQuery['sort']>, descending: boolean): IndexedEntry[] {
  const key = (e: IndexedEntry): string | number => {
    switch (sort) {
      case 'finished':
        return e.summary.finishedAt ?? '';
      case 'class':
        return e.entry.className ?? '';
      case 'size':
        return e.entry.bytes;
      case 'state':
        return ENTRY_STATES.indexOf(e.entry.state);
      default:
        return e.entry.key;
    }
  };
  const sign = descending ? -1 : 1;
  return [...entries].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return (x < y ? -1 : x > y ? 1 : a.entry.key < b.entry.key ? -1 : 1) * sign;
  });
}

function meets(a: readonly number[], b: readonly number[]): boolean {
  return a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!;
}

function facetsOf(entries: readonly IndexedEntry[], className: string | undefined): EntryPage['facets'] {
  const count = <T>(values: T[]) => {
    const counts = new Map<T, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [...counts].map(([value, n]) => ({ value, count: n }));
  };
  const byValue = <T extends string | number>(a: { value: T }, b: { value: T }) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  const paths = new Set<string>();
  for (const e of entries) if (className === undefined || e.entry.className === className) collectPaths(e.summary.parameters, '', paths, 0);
  return {
    classes: count(entries.map((e) => e.entry.className).filter((n): n is string => n !== null)).sort(byValue),
    states: count(entries.map((e) => e.entry.state)).sort((a, b) => ENTRY_STATES.indexOf(a.value) - ENTRY_STATES.indexOf(b.value)),
    crs: count(entries.map((e) => e.grid?.crs).filter((c): c is string => c !== undefined)).sort(byValue),
    resolutions: count(entries.flatMap((e) => (e.grid?.resolution ? [...new Set(e.grid.resolution)] : []))).sort(byValue),
    parameters: [...paths].sort().slice(0, 200),
  };
}

/** Dotted paths of the leaves of a parameters value (nested Data references count as leaves). */
function collectPaths(value: JsonValue | null, prefix: string, into: Set<string>, depth: number): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || '$data' in value || depth > 3) {
    if (prefix) into.add(prefix);
    return;
  }
  for (const [key, child] of Object.entries(value)) collectPaths(child, prefix ? `${prefix}.${key}` : key, into, depth + 1);
}
