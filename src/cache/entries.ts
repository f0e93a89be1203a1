import canonicalize from 'canonicalize';
import { getConfig } from '../config.js';
import { PipelineError } from '../errors.js';
import type { JsonValue } from '../fingerprint/index.js';
import type { EntryMeta } from '../pipeline/entry.js';
import { PARAMETERS_FILE, SPEC_FILE } from '../pipeline/layout.js';
import { resolveEntryPrefix } from '../pipeline/load-from-hash.js';
import type { StaleReason } from '../fingerprint/record.js';
import { describeReason } from '../pipeline/describe-reason.js';
import type { EntryState } from './reasons.js';
import { scanCache, type ScannedEntry } from './scan.js';
import { readJson } from './source-registry.js';
import type { StatusOptions } from './status.js';

/** One entry as `entries()` lists it. */
export interface EntrySummary {
  key: string;
  stateHash: string;
  className: string | null;
  objectType: 'data' | 'figure';
  state: EntryState;
  /** Why it is in its state, as sentences (empty for fresh entries). */
  reasons: string[];
  bytes: number;
  finishedAt: string | null;
  outputFile: string | null;
  /** Its parameters.json (canonical parameters; nested Data as `{ $data, instanceHash }`). */
  parameters: JsonValue | null;
}

/** Options of {@link entries}. */
export interface EntriesOptions extends StatusOptions {
  className?: string;
  state?: EntryState;
  /**
   * Parameter values to match, by dotted path (`{ 'options.zFactor': 2 }`). A string also matches
   * a number or boolean that prints the same, so `key=value` from a command line works.
   */
  filter?: Record<string, unknown>;
}

/**
 * Lists cache entries, sorted by key, optionally only one class's, one state's, or those whose
 * parameters match `filter`.
 * @example await entries({ className: 'Constant', filter: { value: 4 } })
 */
export async function entries(options: EntriesOptions = {}): Promise<EntrySummary[]> {
  const store = getConfig().store;
  const scanned = (await scanCache(options)).filter(
    (entry) => (options.className === undefined || entry.className === options.className) && (options.state === undefined || entry.state === options.state),
  );
  const list: EntrySummary[] = [];
  for (const entry of scanned) {
    const parameters = entry.meta ? ((await readJson<JsonValue>(store, entry.key + PARAMETERS_FILE)) ?? null) : null;
    if (options.filter && !parametersMatch(parameters, options.filter)) continue;
    list.push(summaryOf(entry, parameters));
  }
  return list;
}

/** An entry with everything stored about it. */
export interface EntryDetails extends EntrySummary {
  meta: EntryMeta | null;
  spec: JsonValue | null;
  files: Array<{ key: string; bytes: number }>;
  /** Why it is in its state, structured. */
  why: StaleReason[];
}

/**
 * Everything about the entry whose state hash starts with `prefix` (a unique prefix; unknown
 * and ambiguous ones are errors that say so).
 * @example const details = await entryDetails('68107b');
 */
export async function entryDetails(prefix: string, options: StatusOptions = {}): Promise<EntryDetails> {
  const store = getConfig().store;
  const entry = await findScanned(prefix, options);
  const parameters = (await readJson<JsonValue>(store, entry.key + PARAMETERS_FILE)) ?? null;
  const files = [];
  for (const key of entry.files) files.push({ key, bytes: (await store.stat(key))?.size ?? 0 });
  return {
    ...summaryOf(entry, parameters),
    meta: entry.meta ?? null,
    spec: (await readJson<JsonValue>(store, entry.key + SPEC_FILE)) ?? null,
    files,
    why: entry.reasons,
  };
}

/** Why an entry is in its state, at the entry level (see {@link explainEntry}). */
export interface EntryExplanation {
  stateHash: string;
  className: string | null;
  state: EntryState;
  reasons: StaleReason[];
  /** The same, as sentences, starting with what the state means. */
  summary: string[];
}

/**
 * Explains one entry: whether the code loaded now would still reach it, and if not which change
 * (its class's code, a dependency, the entry format, an input file, a parameter entry) stands
 * between them.
 * @example (await explainEntry('68107b')).summary // ["entry 68107bf3a9c1 of SlopeLoader is stale: …", "ElevationLoader's code changed (…)"]
 */
export async function explainEntry(prefix: string, options: StatusOptions = {}): Promise<EntryExplanation> {
  return explainScanned(await findScanned(prefix, options));
}

/**
 * {@link explainEntry} of an entry scanned already (see {@link scanCache}).
 * @example explainScanned((await scanCache())[0]).summary
 */
export function explainScanned(entry: ScannedEntry): EntryExplanation {
  const name = `entry ${entry.stateHash.slice(0, 12)}${entry.className ? ` of ${entry.className}` : ''}`;
  const headline: Record<EntryState, string> = {
    fresh: `${name} matches the code loaded now: loading the same parameters and spec reads it from the cache`,
    stale: `${name} is stale: the code loaded now can no longer reach it, and clean-cache removes it, because`,
    'input-changed': `${name} was computed from inputs that have changed since (files, or entries it loaded): loading it computes it again, in place, because`,
    unknown: `${name} cannot be judged:`,
    damaged: `${name} is damaged and will be computed again when loaded:`,
    incomplete: `${name} is the folder of an interrupted run:`,
  };
  return {
    stateHash: entry.stateHash,
    className: entry.className,
    state: entry.state,
    reasons: entry.reasons,
    summary: [headline[entry.state], ...entry.reasons.map(describeReason)],
  };
}

async function findScanned(prefix: string, options: StatusOptions): Promise<ScannedEntry> {
  const location = await resolveEntryPrefix(prefix);
  const scanned = await scanCache(options);
  const found = scanned.find((entry) => entry.stateHash === location.stateHash && entry.objectType === location.objectType);
  if (!found) throw new PipelineError(`entry ${location.stateHash} vanished while it was being read; try again`);
  return found;
}

/**
 * An entry scanned already (see {@link scanCache}) as {@link entries} lists it, given its
 * parameters.json.
 * @example summaryOf(scanned, { value: 1 }).reasons
 */
export function summaryOf(entry: ScannedEntry, parameters: JsonValue | null): EntrySummary {
  return {
    key: entry.key,
    stateHash: entry.stateHash,
    className: entry.className,
    objectType: entry.objectType,
    state: entry.state,
    reasons: entry.reasons.map(describeReason),
    bytes: entry.bytes,
    finishedAt: typeof entry.meta?.finished_at === 'string' ? entry.meta.finished_at : null,
    outputFile: typeof entry.meta?.output?.file === 'string' ? entry.meta.output.file : null,
    parameters,
  };
}

/**
 * Whether parameters match every `path: value` of a filter, as {@link entries} matches them
 * (dotted paths; a string also matches a number or boolean that prints the same).
 * @example parametersMatch({ options: { zFactor: 2 } }, { 'options.zFactor': '2' }) // true
 */
export function parametersMatch(parameters: JsonValue | null, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([path, wanted]) => matches(valueAt(parameters, path), wanted));
}

function valueAt(value: JsonValue | null, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = value ?? undefined;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(part)] : current[part];
  }
  return current;
}

function matches(actual: JsonValue | undefined, wanted: unknown): boolean {
  if (actual === undefined) return false;
  if (typeof wanted === 'string' && (typeof actual === 'number' || typeof actual === 'boolean' || actual === null)) return String(actual) === wanted;
  return canonicalize(actual) === canonicalize(wanted);
}
