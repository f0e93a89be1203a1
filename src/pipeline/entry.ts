import { getConfig } from '../config.js';
import type { StoreAdapter } from '../store/adapter.js';
import { sha256Hex } from './checksum.js';
import { entryPrefix, META_FILE } from './layout.js';

/** Bump when the meta.json layout changes: older entries then read as stale. */
export const ENTRY_FORMAT_VERSION = 1;

/** The `meta.json` of an entry (snake_case keys, as pygeodata writes them). */
export interface EntryMeta {
  format_version: number;
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
  output: { file: string; size: number; sha256: string };
  inputs: Array<{ id: string; size: number; sha256: string }>;
  /** `dep_tree_hash` only for processor classes that are registered (a user's own). */
  processor: { class_name: string; source_hash: string; dep_tree_hash?: string; settings: unknown } | null;
  unhashed: Array<{ className: string; identifier: string }>;
}

export type EntryCheck =
  | { state: 'valid'; meta: EntryMeta; outputKey: string; bytes?: Uint8Array }
  | { state: 'absent' }
  | { state: 'damaged'; problem: string };

/**
 * Reads and checks an entry: meta readable and of this format, output present with the recorded
 * size, and (with `verify`) the recorded checksum; `verify` also returns the output's bytes.
 */
export async function checkEntry(
  objectType: 'data' | 'figure',
  stateHash: string,
  options: { verify?: boolean; store?: StoreAdapter } = {},
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
  if (meta?.format_version !== ENTRY_FORMAT_VERSION) {
    return { state: 'damaged', problem: `${META_FILE} has format_version ${String(meta?.format_version)}, expected ${ENTRY_FORMAT_VERSION}` };
  }
  if (meta.state_hash !== stateHash || typeof meta.output?.file !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(meta.output.file)) {
    return { state: 'damaged', problem: `${META_FILE} does not describe this entry` };
  }
  const outputKey = prefix + meta.output.file;
  if (!options.verify) {
    const stat = await store.stat(outputKey);
    if (!stat) return { state: 'damaged', problem: `output ${meta.output.file} is missing` };
    if (stat.size !== meta.output.size) return { state: 'damaged', problem: `output ${meta.output.file} has ${stat.size} bytes, expected ${meta.output.size} (truncated?)` };
    return { state: 'valid', meta, outputKey };
  }
  const bytes = await store.get(outputKey);
  if (!bytes) return { state: 'damaged', problem: `output ${meta.output.file} is missing` };
  if (bytes.length !== meta.output.size) return { state: 'damaged', problem: `output ${meta.output.file} has ${bytes.length} bytes, expected ${meta.output.size} (truncated?)` };
  if ((await sha256Hex(bytes)) !== meta.output.sha256) return { state: 'damaged', problem: `output ${meta.output.file} does not match its checksum` };
  return { state: 'valid', meta, outputKey, bytes };
}
