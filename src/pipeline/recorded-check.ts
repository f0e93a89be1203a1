import { getConfig } from '../config.js';
import { analyseClass } from '../fingerprint/dependencies.js';
import { ABSENT_SHA256, type InputDigest, type InputHasher } from '../fingerprint/input-hasher.js';
import { defaultRegistry } from '../fingerprint/registry.js';
import type { ChainLink, RecordedChange, StaleReason } from '../fingerprint/record.js';
import { getPlatform } from '../platform.js';
import type { StoreAdapter } from '../store/adapter.js';
import { checkEntry, ENTRY_FORMAT_VERSION, type EntryCheck, type EntryDecoder, type EntryMeta } from './entry.js';
import { inputHasher } from './identity.js';
import { entryPrefix, META_FILE } from './layout.js';
import { isRecordedDependencies, isRelativeRecordedPath, type RecordedEntry } from './recorded.js';

/** An entry as judged for a hit: its check, and the first recorded dependency that changed. */
export interface Judged {
  check: EntryCheck;
  stale?: StaleReason;
}

/**
 * Checks an entry for a hit: valid (see `checkEntry`) and every dependency its computation
 * recorded unchanged, recursively (see `RecordedChecker`).
 */
export async function judgeEntry(objectType: 'data' | 'figure', stateHash: string, options: { bytes?: boolean; decode?: EntryDecoder } = {}): Promise<Judged> {
  const check = await checkEntry(objectType, stateHash, options);
  if (check.state === 'outdated') return { check, stale: { kind: 'entry-format', from: check.formatVersion, to: ENTRY_FORMAT_VERSION } };
  if (check.state !== 'valid') return { check };
  const stale = await new RecordedChecker().change(check.meta);
  return stale ? { check, stale } : { check };
}

/** Whether a judged entry is a hit: valid, and nothing it recorded changed. */
export function isHit(judged: Judged): judged is Judged & { check: Extract<EntryCheck, { state: 'valid' }> } {
  return judged.check.state === 'valid' && !judged.stale;
}

/** A recorded dependency that no longer holds, with the chain of entries that leads to it. */
export type RecordedChangeReason = Extract<StaleReason, { kind: 'recorded-changed' }>;

/** What an upstream entry is now, read once per check. */
type UpstreamState = { change: RecordedChange } | { meta: EntryMeta };

/**
 * Checks what computations recorded (see `RecordedDependencies`), recursively through the
 * upstream entries they used, cheapest checks first: files by size and modification time before
 * any hashing (the input hasher's memo), entries by their meta.json and output size (their output
 * is not hashed here: a damaged upstream entry is found when it is itself loaded). One checker
 * remembers every entry it has judged, so a diamond (two paths to one entry) costs one check;
 * make a new one for each question, since files may change between questions.
 *
 * Files are checked where they can be read: in Node. In browsers, where inputs are URLs, Files
 * and bytes (fingerprinted by content already), only the recorded entries are checked.
 *
 * @example const change = await new RecordedChecker().change(meta); // undefined: the hit holds
 */
export class RecordedChecker {
  readonly #entries = new Map<string, Promise<UpstreamState>>();
  readonly #changes = new Map<string, Promise<{ chain: ChainLink[]; change: RecordedChange } | undefined>>();
  readonly #files = new Map<string, Promise<InputDigest | undefined>>();
  readonly #filesReadable = getPlatform().name === 'node';

  constructor(
    private readonly store: StoreAdapter = getConfig().store,
    private readonly hasher: InputHasher = inputHasher(),
  ) {}

  /** The first recorded dependency of `meta`'s entry that changed, or undefined when all hold. */
  async change(meta: EntryMeta): Promise<RecordedChangeReason | undefined> {
    const found = await this.#changeBelow(meta, new Set());
    return found ? { kind: 'recorded-changed', chain: found.chain, change: found.change } : undefined;
  }

  #changeBelow(meta: EntryMeta, visiting: ReadonlySet<string>): Promise<{ chain: ChainLink[]; change: RecordedChange } | undefined> {
    let found = this.#changes.get(meta.state_hash);
    if (!found) {
      found = this.#findChange(meta, new Set([...visiting, meta.state_hash]));
      this.#changes.set(meta.state_hash, found);
    }
    return found;
  }

  async #findChange(meta: EntryMeta, visiting: ReadonlySet<string>): Promise<{ chain: ChainLink[]; change: RecordedChange } | undefined> {
    const self: ChainLink = { className: meta.class_name, stateHash: meta.state_hash };
    const recorded = meta.recorded;
    if (this.#filesReadable) {
      const placesOf = placesOfRecordedPaths(recorded.cwd);
      const appeared = (
        await Promise.all(recorded.absent.map(async (path) => ((await Promise.all(placesOf(path).map((place) => this.#digest(place)))).some((now) => now?.sha256 !== ABSENT_SHA256) ? path : undefined)))
      ).find(Boolean);
      if (appeared) return { chain: [self], change: { what: 'file-appeared', path: appeared } };
      for (const file of recorded.files) {
        const found = (await Promise.all(placesOf(file.path).map((place) => this.#digest(place)))).filter((now) => now !== undefined && now.sha256 !== ABSENT_SHA256);
        const differing = found.find((now) => now!.sha256 !== file.sha256 || now!.size !== file.size);
        if (found.length === 0 || differing) {
          return { chain: [self], change: { what: 'file-changed', path: file.path, from: file.sha256, to: differing ? differing.sha256 : null } };
        }
      }
    }
    for (const entry of recorded.entries) {
      if (visiting.has(entry.state_hash)) continue; // a cycle cannot be produced, but a tampered meta.json could hold one
      const found = await this.#entryChange(entry, visiting);
      if (found) return { chain: [self, ...found.chain], change: found.change };
    }
    return undefined;
  }

  /** Whether an upstream entry is what was used: still there, same output, same code, same inputs, its own records holding. */
  async #entryChange(entry: RecordedEntry, visiting: ReadonlySet<string>): Promise<{ chain: ChainLink[]; change: RecordedChange } | undefined> {
    const link: ChainLink = { className: entry.class_name, stateHash: entry.state_hash };
    const state = await this.#upstream(entry);
    if ('change' in state) return { chain: [link], change: state.change };
    const { meta } = state;
    if (meta.output.sha256 !== entry.sha256) return { chain: [link], change: { what: 'entry-replaced', from: entry.sha256, to: meta.output.sha256 } };
    // Read by its hash: that very entry was asked for, whatever its class's code is now.
    if (entry.via === 'hash') return undefined;
    const live = liveDepTreeHash(meta.class_name, meta.dep_tree_hash);
    if (live !== undefined && live !== meta.dep_tree_hash) return { chain: [link], change: { what: 'code-changed', from: meta.dep_tree_hash, to: live } };
    if (this.#filesReadable) {
      for (const input of Array.isArray(meta.inputs) ? meta.inputs : []) {
        if (typeof input?.id !== 'string' || !isLocalPath(input.id)) continue;
        const now = await this.#digest(input.id);
        if (now?.sha256 !== input.sha256 || now.size !== input.size) {
          return { chain: [link], change: { what: 'input-changed', path: input.id, from: input.sha256, to: now && now.sha256 !== ABSENT_SHA256 ? now.sha256 : null } };
        }
      }
    }
    const below = await this.#changeBelow(meta, visiting);
    return below ? { chain: below.chain, change: below.change } : undefined;
  }

  #upstream(entry: RecordedEntry): Promise<UpstreamState> {
    let found = this.#entries.get(entry.state_hash);
    if (!found) {
      found = readUpstream(this.store, entry);
      this.#entries.set(entry.state_hash, found);
    }
    return found;
  }

  #digest(path: string): Promise<InputDigest | undefined> {
    let found = this.#files.get(path);
    if (!found) {
      found = this.hasher.hash(path, { optional: true }).catch(() => undefined);
      this.#files.set(path, found);
    }
    return found;
  }
}

/** An upstream entry's meta.json, checked as far as is cheap: readable, of this format, its output of the recorded size. */
async function readUpstream(store: StoreAdapter, entry: RecordedEntry): Promise<UpstreamState> {
  const prefix = entryPrefix(entry.object_type, entry.state_hash);
  const bytes = await store.get(prefix + META_FILE);
  if (!bytes) return { change: { what: 'entry-missing' } };
  let meta: EntryMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes)) as EntryMeta;
  } catch {
    return { change: { what: 'entry-damaged', problem: `${META_FILE} is not valid JSON` } };
  }
  if (meta?.format_version !== ENTRY_FORMAT_VERSION) return { change: { what: 'entry-unrecorded', formatVersion: meta?.format_version } };
  if (meta.state_hash !== entry.state_hash || typeof meta.output?.file !== 'string') return { change: { what: 'entry-damaged', problem: `${META_FILE} does not describe this entry` } };
  if (!isRecordedDependencies(meta.recorded)) return { change: { what: 'entry-damaged', problem: `${META_FILE} has recorded dependencies that geodata did not write` } };
  const stat = await store.stat(prefix + meta.output.file);
  if (!stat) return { change: { what: 'entry-damaged', problem: `output ${meta.output.file} is missing` } };
  if (stat.size !== meta.output.size) return { change: { what: 'entry-damaged', problem: `output ${meta.output.file} has ${stat.size} bytes, expected ${meta.output.size}` } };
  return { meta };
}

/**
 * The dep_tree_hash of the class registered under `name` now: `recorded` when one of the classes
 * of that name (see `ClassRegistry.variants`: two modules may each define one) still has it, else
 * the registered one's; undefined when none is registered (or it cannot be fingerprinted).
 */
function liveDepTreeHash(name: string, recorded: string): string | undefined {
  let first: string | undefined;
  for (const cls of defaultRegistry.variants(name)) {
    let hash: string;
    try {
      hash = analyseClass(cls).depTreeHash;
    } catch {
      continue;
    }
    if (hash === recorded) return hash;
    first ??= hash;
  }
  return first;
}

/** Input ids are file paths in Node; blobs, bytes and URLs cannot be re-read. */
function isLocalPath(id: string): boolean {
  return id.startsWith('/') || /^[A-Za-z]:[\\/]/.test(id);
}

/**
 * Where a recorded path may name its file now. A path relative to the working directory is judged
 * from the current one (a project that moved keeps its hits) and, when the recording's is
 * another that still exists, from that one too: the state hash does not cover where the inputs
 * are, so a run from another folder with the same absolute input paths hits the entry, and the
 * sidecars beside those inputs must not go unseen. A file must hold wherever it exists, and exist
 * somewhere; an absent one must have appeared nowhere.
 */
function placesOfRecordedPaths(recordedCwd: string | undefined): (path: string) => string[] {
  const here = getPlatform().resolvePath('.');
  if (recordedCwd === undefined || recordedCwd === here) return (path) => [path];
  const base = /[\\/]$/.test(recordedCwd) ? recordedCwd : `${recordedCwd}/`;
  return (path) => (isRelativeRecordedPath(path) ? [path, base + path] : [path]);
}
