import { getConfig } from '../config.js';
import { PipelineError } from '../errors.js';
import { getPlatform } from '../platform.js';
import type { StoreAdapter } from '../store/adapter.js';
import { SpatialSpec } from '../spec/spatial-spec.js';
import { sha256BytesHex } from '../sha256.js';
import { entryPrefix, META_FILE, SPEC_FILE } from './layout.js';
import { isRecordedDependencies, type RecordedDependencies } from './recorded.js';

/**
 * Bump when the meta.json layout changes: older entries then read as stale (and are replaced
 * when loaded). 2: meta.json records what the computation used (`recorded`) and spec.json's
 * checksum; entries of format 1 record neither, so no hit could be checked.
 */
export const ENTRY_FORMAT_VERSION = 2;

/** The largest output `load()` reads whole (Node's fs.readFile limit); larger ones are read by window. */
export const MAX_LOAD_BYTES = 2 ** 31 - 1;

/** The `meta.json` of an entry (snake_case keys, as pygeodata writes them). */
export interface EntryMeta {
  format_version: number;
  /** The fingerprint format its hashes were computed with (`FINGERPRINT_FORMAT_VERSION`); 1 in entries without it. */
  fingerprint_format?: number;
  class_name: string;
  object_type: 'data' | 'figure';
  source_hash: string;
  dep_tree_hash: string;
  instance_hash: string;
  state_hash: string;
  params_hash: string;
  spec_hash: string;
  /** State hashes of the entries computed by the same run (co-outputs). */
  co_outputs: string[];
  /** State hashes of the entries of Data parameters at the same spec. */
  upstream: string[];
  /**
   * Code the state hash covers beyond the class's tree (see `KeyDependencies`): every processor
   * class and the dep_tree_hash of every Data parameter's class. Absent in entries of before 0.1.
   */
  key_dependencies?: { processors: Array<{ class_name: string; source_hash: string; dep_tree_hash?: string }>; classes: Record<string, string> };
  started_at: string;
  finished_at: string;
  duration_s: number;
  library_version: string;
  /**
   * Whether the class is one of geodata's own (`Slope`, `Reprojector`...), not a user's class of
   * the same name: a scan judges the entry by the class it was made with. Absent in entries of
   * before it was written.
   */
  library_class?: boolean;
  output: { file: string; size: number; sha256: string };
  /** SHA-256 of spec.json, which `load` reads the output's grid from. */
  spec_sha256: string;
  /** What the computation used beyond what the state hash covers; a hit requires it unchanged. */
  recorded: RecordedDependencies;
  inputs: Array<{ id: string; size: number; sha256: string }>;
  /** `dep_tree_hash` only for processor classes that are registered (a user's own). */
  processor: { class_name: string; source_hash: string; dep_tree_hash?: string; settings: unknown } | null;
  unhashed: Array<{ className: string; identifier: string }>;
  /**
   * Present when the entry came from an archive (`importArchive`): where from and when. Such an
   * entry's output is the archive author's, taken on trust until `verify` recomputes it (then
   * `verified_at` says when its bytes were found equal).
   */
  imported?: { archive: string; at: string; origin: string | null; archive_created_at: string | null; archive_library_version: string | null; verified_at?: string };
}

export type EntryCheck =
  | { state: 'valid'; meta: EntryMeta; outputKey: string; bytes?: Uint8Array; spec?: SpatialSpec; decoded?: { value: unknown } }
  | { state: 'absent' }
  | { state: 'damaged'; problem: string }
  /** Written by a geodata whose meta.json has another layout: readable, but nothing in it can be checked. */
  | { state: 'outdated'; formatVersion: unknown; problem: string };

/**
 * Checksums already verified in this process, per store: output key → the size, mtime and
 * checksum seen. A `process()` or `isProcessed()` in a loop then costs a stat, not a re-hash,
 * while a file rewritten since (new mtime or size) is hashed again.
 */
const verified = new WeakMap<StoreAdapter, Map<string, { size: number; mtimeMs: number; sha256: string }>>();

/**
 * Records that the output at `outputKey` has the checksum just computed by its commit, so the
 * check that follows a computation costs a stat rather than a second pass over the output.
 */
export async function rememberCommitted(store: StoreAdapter, outputKey: string, sha256: string): Promise<void> {
  const stat = await store.stat(outputKey);
  if (!stat) return;
  let seen = verified.get(store);
  if (!seen) verified.set(store, (seen = new Map()));
  seen.set(outputKey, { size: stat.size, mtimeMs: stat.mtimeMs, sha256 });
}

/**
 * Decodes an entry's output bytes (what `load()` returns). Given to `checkEntry` with `bytes`, it
 * runs while the bytes are hashed (the hash on the thread pool, the decode here), and its result
 * is kept only when the checksum matches: a cache hit costs the longer of the two, not their sum.
 */
export type EntryDecoder = (bytes: Uint8Array, meta: EntryMeta, spec: SpatialSpec) => Promise<unknown>;

/**
 * Reads and checks an entry: meta readable and of this format, spec.json with its recorded
 * checksum, output present with the recorded size and checksum. With `bytes`, the output is read
 * and its bytes hashed, every time: what is returned is what was checked. Without, an output
 * verified earlier in this process costs a stat (same size and mtime: not hashed again). The
 * output's bytes (and, with `bytes`, the parsed spec) come back whenever they were read, so no
 * caller reads them a second time. Recorded dependencies are checked elsewhere (`recordedChange`).
 */
export async function checkEntry(
  objectType: 'data' | 'figure',
  stateHash: string,
  options: { bytes?: boolean; store?: StoreAdapter; decode?: EntryDecoder } = {},
): Promise<EntryCheck> {
  const store = options.store ?? getConfig().store;
  const prefix = entryPrefix(objectType, stateHash);
  const metaBytes = await store.get(prefix + META_FILE);
  if (!metaBytes) {
    const debris = await store.keys(prefix);
    return debris.length ? { state: 'damaged', problem: `no ${META_FILE} (left by an interrupted run)` } : { state: 'absent' };
  }
  let meta: EntryMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(metaBytes)) as EntryMeta;
  } catch {
    return { state: 'damaged', problem: `${META_FILE} is not valid JSON` };
  }
  if (meta === null || typeof meta !== 'object') return { state: 'damaged', problem: `${META_FILE} is not a JSON object` };
  if (meta.format_version !== ENTRY_FORMAT_VERSION) {
    return {
      state: 'outdated',
      formatVersion: meta.format_version,
      problem: `${META_FILE} has format_version ${JSON.stringify(meta.format_version)}, and this geodata writes ${ENTRY_FORMAT_VERSION}`,
    };
  }
  // A size that is no byte count (a string "1048576") read as a truncated output, "has 1048576 bytes, expected 1048576".
  if (meta.state_hash !== stateHash || typeof meta.output?.file !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(meta.output.file) || !Number.isSafeInteger(meta.output.size) || meta.output.size < 0) {
    return { state: 'damaged', problem: `${META_FILE} does not describe this entry` };
  }
  if (!isRecordedDependencies(meta.recorded)) return { state: 'damaged', problem: `${META_FILE} has recorded dependencies that geodata did not write` };
  const specBytes = await store.get(prefix + SPEC_FILE);
  if (!specBytes) return { state: 'damaged', problem: `${SPEC_FILE} is missing` };
  if ((await sha256BytesHex(specBytes)) !== meta.spec_sha256) return { state: 'damaged', problem: `${SPEC_FILE} does not match its checksum` };
  const outputKey = prefix + meta.output.file;
  const missing = { state: 'damaged', problem: `output ${meta.output.file} is missing` } as const;
  const truncated = (size: number) => ({ state: 'damaged', problem: `output ${meta.output.file} has ${size} bytes, expected ${meta.output.size} (truncated?)` }) as const;
  const stat = await store.stat(outputKey);
  if (!stat) return missing;
  if (stat.size !== meta.output.size) return truncated(stat.size);
  let seen = verified.get(store);
  if (!seen) verified.set(store, (seen = new Map()));
  const known = seen.get(outputKey);
  const unchanged = known?.size === stat.size && known.mtimeMs === stat.mtimeMs && known.sha256 === meta.output.sha256;
  if (unchanged && !options.bytes) return { state: 'valid', meta, outputKey };
  if (options.bytes && stat.size > MAX_LOAD_BYTES) {
    throw new PipelineError(
      `output ${meta.output.file} of ${meta.class_name} (${stateHash.slice(0, 12)}) is ${(stat.size / 2 ** 30).toFixed(1)} GiB, more than load() reads into memory (2 GiB); ` +
        'read it by window instead: const { path } = await produce(instance, spec); const part = await readWindow(path, { x, y, width, height })',
    );
  }
  const localPath = store.localPath?.(outputKey);
  const workspace = localPath ? getPlatform().workspace() : undefined;
  if (!options.bytes && localPath && workspace?.hashFile) {
    // Only the checksum is wanted: hashed in pieces, so an output of any size is checked in flat memory.
    const digest = await workspace.hashFile(localPath).catch(() => undefined);
    if (!digest) return missing;
    if (digest.size !== meta.output.size) return truncated(digest.size);
    if (digest.sha256 !== meta.output.sha256) {
      seen.delete(outputKey);
      return { state: 'damaged', problem: `output ${meta.output.file} does not match its checksum` };
    }
    seen.set(outputKey, { size: stat.size, mtimeMs: stat.mtimeMs, sha256: meta.output.sha256 });
    return { state: 'valid', meta, outputKey };
  }
  // A local file is hashed as it is read; other stores' bytes are hashed once they are in memory.
  const read = localPath && workspace?.readFileWithSha256 ? await workspace.readFileWithSha256(localPath).catch(() => undefined) : undefined;
  const bytes = read ? read.bytes : await store.get(outputKey);
  if (!bytes) return missing;
  if (bytes.length !== meta.output.size) return truncated(bytes.length);
  // The bytes handed out are hashed whatever the stat said: a file rewritten within the mtime's
  // resolution, or by a tool that keeps it, would otherwise pass unseen. Started first: the hash
  // runs on the thread pool while the decode below runs here.
  const hashing = read ? Promise.resolve(read.sha256) : sha256BytesHex(bytes);
  hashing.catch(() => undefined);
  let spec: SpatialSpec | undefined;
  let decoding: Promise<unknown> | undefined;
  if (options.bytes) {
    try {
      spec = SpatialSpec.fromJSON(new TextDecoder().decode(specBytes));
    } catch (error) {
      return { state: 'damaged', problem: `${SPEC_FILE} is not a spec (${(error as Error).message})` };
    }
    // Decoded while hashed; a damaged entry's decode (and its failure) is dropped below.
    decoding = options.decode?.(bytes, meta, spec);
    decoding?.catch(() => undefined);
  }
  if ((await hashing) !== meta.output.sha256) {
    seen.delete(outputKey);
    return { state: 'damaged', problem: `output ${meta.output.file} does not match its checksum` };
  }
  seen.set(outputKey, { size: stat.size, mtimeMs: stat.mtimeMs, sha256: meta.output.sha256 });
  if (!spec) return { state: 'valid', meta, outputKey, bytes };
  return { state: 'valid', meta, outputKey, bytes, spec, ...(decoding ? { decoded: { value: await decoding } } : {}) };
}
