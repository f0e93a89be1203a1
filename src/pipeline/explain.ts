import { getConfig } from '../config.js';
import type { Tracked } from '../data/tracked.js';
import { compareRecords, type InstanceRecord, type JsonValue, type StaleReason, type TreeRecord, type UnhashedReference } from '../fingerprint/index.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import type { StoreAdapter } from '../store/adapter.js';
import { describeReason } from './describe-reason.js';
import type { EntryMeta } from './entry.js';
import { identify, prepareIdentity } from './identity.js';
import { judgeEntry } from './recorded-check.js';
import { entryFolder, META_FILE, PARAMETERS_FILE, snapshotPrefix } from './layout.js';
import { resolveSpec } from './spec-resolution.js';

/** The answer to "why will this recompute?" (or "why is this a hit?"). */
export interface Explanation {
  className: string;
  stateHash: string;
  /**
   * `cached`: a valid entry exists for the live state; `stale`: entries of the class exist but none
   * for this state (see `reasons`); `new`: the class has no entry at all; `damaged`: the entry
   * exists but would be recomputed.
   */
  status: 'cached' | 'stale' | 'new' | 'damaged';
  /** The stored entry the live state was compared with (the closest one of the same class). */
  comparedWith?: { stateHash: string; finishedAt: string };
  /** What differs from `comparedWith`: changed code, dependencies, parameters, inputs, spec. */
  reasons: StaleReason[];
  /** Free names in the code whose changes the fingerprint cannot see, and why when known. */
  unhashed: UnhashedReference[];
  /** The same, as sentences. */
  summary: string[];
}

/**
 * Explains whether `instance` at `spec` would be computed or read from the cache, and why:
 * which class changed, which dependency, which parameter, which input file.
 * @example (await explain(new SlopeLoader())).summary // ["ElevationLoader's code changed (a1b2c3 → d4e5f6)"]
 */
export async function explain(instance: Tracked, spec?: SpatialSpec): Promise<Explanation> {
  const resolved = resolveSpec(spec, instance.constructor.name);
  await prepareIdentity(instance);
  const identity = identify(instance, resolved);
  const live = identity.record;
  const base = { className: identity.className, stateHash: identity.stateHash, unhashed: live.unhashed };
  const { check, stale } = await judgeEntry(identity.objectType, identity.stateHash);
  if (stale) {
    const meta = check.state === 'valid' ? check.meta : undefined;
    return {
      ...base,
      status: 'stale',
      ...(meta ? { comparedWith: { stateHash: meta.state_hash, finishedAt: meta.finished_at } } : {}),
      reasons: [stale],
      summary: [`${identity.className} will be computed again, replacing its entry ${short(identity.stateHash)}:`, describeReason(stale), ...unhashedLines(live)],
    };
  }
  if (check.state === 'valid') {
    return { ...base, status: 'cached', reasons: [], summary: [`${identity.className} is cached (entry ${short(identity.stateHash)}); nothing will be computed`, ...unhashedLines(live)] };
  }
  if (check.state === 'damaged') {
    return { ...base, status: 'damaged', reasons: [], summary: [`the entry of ${identity.className} is damaged (${check.problem}) and will be recomputed`, ...unhashedLines(live)] };
  }
  const store = getConfig().store;
  const candidates = await storedMetas(store, entryFolder(identity.objectType), identity.className);
  if (candidates.length === 0) {
    return { ...base, status: 'new', reasons: [], summary: [`${identity.className} has never been computed here`, ...unhashedLines(live)] };
  }
  const score = (meta: EntryMeta) => (meta.params_hash === identity.paramsHash ? 2 : 0) + (meta.spec_hash === identity.specHash ? 1 : 0);
  candidates.sort((a, b) => score(b) - score(a) || b.finished_at.localeCompare(a.finished_at));
  const closest = candidates[0]!;
  const stored = await storedRecord(store, closest);
  const reasons = compareRecords(live, stored).filter((r) => r.kind !== 'unhashed-reference');
  return {
    ...base,
    status: 'stale',
    comparedWith: { stateHash: closest.state_hash, finishedAt: closest.finished_at },
    reasons,
    summary: [`${identity.className} will be computed; compared with entry ${short(closest.state_hash)} of ${closest.finished_at}:`, ...reasons.map(describeReason), ...unhashedLines(live)],
  };
}

/** Every valid-looking meta.json of a class in a folder. */
export async function storedMetas(store: StoreAdapter, folder: string, className?: string): Promise<EntryMeta[]> {
  const keys = (await store.keys(`${folder}/`)).filter((key) => key.endsWith(`/${META_FILE}`) && key.split('/').length === folder.split('/').length + 2);
  const metas: EntryMeta[] = [];
  for (const key of keys) {
    const bytes = await store.get(key);
    if (!bytes) continue;
    try {
      const meta = JSON.parse(new TextDecoder().decode(bytes)) as EntryMeta;
      if (!className || meta.class_name === className) metas.push(meta);
    } catch {
      // Unreadable metas are the cleaner's business, not explain's.
    }
  }
  return metas;
}

/** Rebuilds the fingerprint record of a stored entry from its meta, parameters and tree snapshot. */
export async function storedRecord(store: StoreAdapter, meta: EntryMeta): Promise<InstanceRecord> {
  const readJson = async <T>(key: string, fallback: T): Promise<T> => {
    const bytes = await store.get(key);
    if (!bytes) return fallback;
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as T;
    } catch {
      return fallback;
    }
  };
  const prefix = `${entryFolder(meta.object_type)}/${meta.state_hash}/`;
  const parameters = await readJson<JsonValue>(prefix + PARAMETERS_FILE, {});
  const tree = await readJson<TreeRecord>(`${snapshotPrefix(meta.dep_tree_hash)}tree.json`, {
    format_version: 1,
    root: meta.class_name,
    nodes: { [meta.class_name]: { kind: 'class', sourceHash: meta.source_hash } },
    edges: [],
  });
  const record: InstanceRecord = {
    // The hashes' format, not the meta.json layout (the first entries did not record it: 1).
    format_version: typeof meta.fingerprint_format === 'number' ? meta.fingerprint_format : 1,
    className: meta.class_name,
    sourceHash: meta.source_hash,
    depTreeHash: meta.dep_tree_hash,
    instanceHash: meta.instance_hash,
    stateHash: meta.state_hash,
    paramsHash: meta.params_hash,
    specHash: meta.spec_hash,
    parameters,
    inputs: meta.inputs,
    tree,
    unhashed: meta.unhashed,
  };
  if (meta.processor) {
    record.processor = { className: meta.processor.class_name, sourceHash: meta.processor.source_hash, settings: meta.processor.settings as JsonValue };
    if (meta.processor.dep_tree_hash) record.processor.depTreeHash = meta.processor.dep_tree_hash;
  }
  return record;
}

/**
 * The names whose code the fingerprint cannot see, each with why: the remedy depends on it (a
 * computed import wants a static one, a reassigned `let` a `const`, a global `static uses`).
 */
function unhashedLines(record: InstanceRecord): string[] {
  if (record.unhashed.length === 0) return [];
  const names = record.unhashed.map((u) => `${u.className} → ${u.identifier}${u.reason ? ` (${u.identifier} ${u.reason})` : ''}`);
  return [`not fingerprinted (changes there go unseen): ${names.join('; ')}; declare what they use in static uses = { ... }, or write it so that it can be read`];
}

function short(hash: string | null): string {
  return hash ? hash.slice(0, 12) : 'none';
}
