import { getConfig } from '../config.js';
import { isLibraryClass } from '../fingerprint/code-marks.js';
import { FINGERPRINT_FORMAT_VERSION } from '../fingerprint/record.js';
import type { Workspace } from '../platform.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { LIBRARY_VERSION } from '../version.js';
import type { ActiveOutput } from './active.js';
import { sha256BytesHex } from '../sha256.js';
import { ENTRY_FORMAT_VERSION, rememberCommitted, type EntryMeta } from './entry.js';
import type { Identity, KeyDependencies } from './identity.js';
import { entryPrefix, META_FILE, PARAMETERS_FILE, SPEC_FILE } from './layout.js';
import type { RecordedDependencies } from './recorded.js';

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);

/** What one computation produced, ready to commit. */
export interface ProducedOutput {
  output: ActiveOutput;
  fileName: string;
  /** The spec to record: completed by the processor, or as given. */
  spec: SpatialSpec;
  upstream: string[];
  keyDependencies: KeyDependencies;
}

/**
 * Commits the outputs of one computation (its own and its co-outputs) as entries: output file,
 * parameters.json, spec.json and, last, meta.json, so an entry is visible only when complete.
 * A filesystem store gets the staging folder renamed into place (no copy of the output).
 *
 * An entry already there (a stale one: same state hash, a recorded dependency changed) is
 * replaced in place: on the filesystem by two renames (the old folder out, the new one in), in
 * IndexedDB and memory by one transaction over the same keys. A reader sees the old entry or the
 * new one; between the two renames none, which sends it to the entry's lock (held until this
 * commit is done) and then to the new entry. A reader that read the old meta.json and then finds
 * the new output (or spec.json) sees a checksum mismatch, never a mix.
 */
export async function commitOutputs(
  produced: ProducedOutput[],
  timing: { startedAt: Date; finishedAt: Date },
  workspace: Workspace,
  /** What the computation used (see `RecordedDependencies`), recorded with every entry it commits. */
  recorded: RecordedDependencies,
  /** Co-output files in the staging folder that are not committed (not yielded, or made elsewhere). */
  leftovers: string[] = [],
): Promise<EntryMeta[]> {
  const store = getConfig().store;
  const coHashes = produced.map((p) => p.output.identity.stateHash);
  const metas: EntryMeta[] = [];
  // Co-outputs first: they sit in the main output's staging folder, which is renamed away last.
  const ordered = [...produced.filter((p) => p.output.parent), ...produced.filter((p) => !p.output.parent)];
  for (const item of ordered) {
    const { identity } = item.output;
    const ownFolder = `${item.output.stagingFolder}/${item.fileName}` === item.output.outputPath;
    const renamed = Boolean(store.commitFolder && ownFolder && !item.output.parent);
    // An output renamed into place is hashed in pieces (any size, flat memory); one the store
    // takes as bytes is read whole anyway.
    const bytes = renamed && workspace.hashFile ? undefined : await workspace.readFile(item.output.outputPath);
    const digest = bytes ? { size: bytes.length, sha256: await sha256BytesHex(bytes) } : await workspace.hashFile!(item.output.outputPath);
    const spec = json(item.spec.toJSON());
    const meta = buildMeta(identity, item, digest, await sha256BytesHex(spec), recorded, coHashes, timing);
    metas.push(meta);
    const prefix = entryPrefix(identity.objectType, identity.stateHash);
    const sidecars: Array<[string, Uint8Array]> = [
      [PARAMETERS_FILE, json(identity.parameters)],
      [SPEC_FILE, spec],
      [META_FILE, json(meta)],
    ];
    if (renamed) {
      // The staging folder holds this output under its final name; the co-outputs beside it are
      // committed already, so they leave before the rename.
      for (const [name, data] of sidecars) await workspace.writeFile(`${item.output.stagingFolder}/${name}`, data);
      for (const other of produced) if (other !== item) await workspace.remove(other.output.outputPath);
      for (const path of leftovers) await workspace.remove(path);
      await store.commitFolder!(item.output.stagingFolder, prefix, { replace: true });
      await rememberCommitted(store, prefix + item.fileName, digest.sha256);
    } else {
      await store.setMany([[prefix + item.fileName, bytes ?? (await workspace.readFile(item.output.outputPath))], ...sidecars.map(([name, data]) => [prefix + name, data] as const)]);
    }
  }
  return metas;
}

function buildMeta(
  identity: Identity,
  item: ProducedOutput,
  output: { size: number; sha256: string },
  specSha256: string,
  recorded: RecordedDependencies,
  coHashes: string[],
  timing: { startedAt: Date; finishedAt: Date },
): EntryMeta {
  const record = identity.record;
  return {
    format_version: ENTRY_FORMAT_VERSION,
    fingerprint_format: FINGERPRINT_FORMAT_VERSION,
    class_name: identity.className,
    object_type: identity.objectType,
    source_hash: identity.sourceHash,
    dep_tree_hash: identity.depTreeHash,
    instance_hash: identity.instanceHash,
    state_hash: identity.stateHash,
    params_hash: identity.paramsHash,
    spec_hash: identity.specHash,
    co_outputs: coHashes.filter((h) => h !== identity.stateHash),
    upstream: item.upstream,
    key_dependencies: item.keyDependencies,
    started_at: timing.startedAt.toISOString(),
    finished_at: timing.finishedAt.toISOString(),
    duration_s: (timing.finishedAt.getTime() - timing.startedAt.getTime()) / 1000,
    library_version: LIBRARY_VERSION,
    library_class: isLibraryClass(item.output.instance.constructor),
    output: { file: item.fileName, ...output },
    spec_sha256: specSha256,
    recorded,
    inputs: record.inputs,
    processor: record.processor
      ? {
          class_name: record.processor.className,
          source_hash: record.processor.sourceHash,
          ...(record.processor.depTreeHash ? { dep_tree_hash: record.processor.depTreeHash } : {}),
          settings: record.processor.settings,
        }
      : null,
    unhashed: record.unhashed,
  };
}
