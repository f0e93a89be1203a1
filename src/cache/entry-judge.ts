import { isLibraryClass, type TreeRecord } from '../fingerprint/index.js';
import { ENTRY_FORMAT_VERSION, type EntryMeta } from '../pipeline/entry.js';
import { inputHasher } from '../pipeline/identity.js';
import { RecordedChecker } from '../pipeline/recorded-check.js';
import { isRecordedDependencies } from '../pipeline/recorded.js';
import { META_FILE, PARAMETERS_FILE, SPEC_FILE } from '../pipeline/layout.js';
import { sha256Hex } from '../sha256.js';
import { getPlatform } from '../platform.js';
import type { StoreAdapter } from '../store/adapter.js';
import { isKeyDependencies, judgeKeyDependencies } from './key-dependencies.js';
import { isLive, LiveClasses, type LiveClass } from './live-classes.js';
import { ProcessorFinder } from './live-processors.js';
import type { StaleReason } from '../fingerprint/record.js';
import type { EntryFolder, ScannedEntry } from './scan.js';
import { readJson, snapshotTrees } from './source-registry.js';

/** An entry folder read once: what its files and meta.json already decide, or what the judge needs. */
export type EntryReading =
  | { verdict: ScannedEntry }
  | { verdict?: undefined; base: Omit<ScannedEntry, 'state' | 'reasons'>; meta: EntryMeta; live: LiveClass; ownProcessor?: Function };

/**
 * Judges entries against the code loaded in this process, in two passes: {@link read} every
 * folder (sizes, meta.json, and the processor each live class returns for its entry's
 * parameters), then {@link judge} each, once every processor that can be found is known.
 * Live classes, processors, trees and input digests are looked up once for all entries.
 */
export class EntryJudge {
  readonly #live = new LiveClasses();
  readonly #processors = new ProcessorFinder();
  readonly #digests = new Map<string, Promise<string | null>>();

  readonly #tree: (depTreeHash: unknown) => Promise<TreeRecord | undefined>;
  readonly #recorded: RecordedChecker;

  constructor(
    private readonly store: StoreAdapter,
    private readonly checkInputs: boolean,
  ) {
    this.#tree = snapshotTrees(store);
    // One checker for the whole scan: entries many others used are judged once.
    this.#recorded = new RecordedChecker(store);
  }

  /** Reads a folder: a verdict when its files, meta.json or class settle it, else what to judge. */
  async read(folder: EntryFolder): Promise<EntryReading> {
    const sizes = new Map(await Promise.all(folder.files.map(async (file) => [file, (await this.store.stat(file))?.size ?? 0] as const)));
    const bytes = [...sizes.values()].reduce((sum, size) => sum + size, 0);
    const base = { ...folder, bytes };
    const verdict = (meta: EntryMeta | undefined, state: ScannedEntry['state'], reasons: StaleReason[]): EntryReading => ({
      verdict: { ...base, meta, className: typeof meta?.class_name === 'string' ? meta.class_name : null, state, reasons },
    });
    const problem = (state: 'damaged' | 'incomplete', text: string, meta?: EntryMeta) => verdict(meta, state, [{ kind: state, problem: text }]);

    const metaKey = folder.key + META_FILE;
    if (!sizes.has(metaKey)) return problem('incomplete', `no ${META_FILE}`);
    const meta = await readJson<EntryMeta>(this.store, metaKey);
    if (!meta) return problem('damaged', `${META_FILE} is not a JSON object`);
    const className = typeof meta.class_name === 'string' ? meta.class_name : null;
    if (meta.format_version !== ENTRY_FORMAT_VERSION) {
      return verdict(meta, 'stale', [{ kind: 'entry-format', from: meta.format_version, to: ENTRY_FORMAT_VERSION }]);
    }
    // A size that is no byte count (a string "1048576") read as a truncated output, "has 1048576 bytes, expected 1048576".
    if (meta.state_hash !== folder.stateHash || !className || typeof meta.output?.file !== 'string' || !isByteCount(meta.output.size)) {
      return problem('damaged', `${META_FILE} does not describe this entry`, meta);
    }
    if (meta.key_dependencies !== undefined && !isKeyDependencies(meta.key_dependencies)) {
      return problem('damaged', `${META_FILE} has key_dependencies that geodata did not write`, meta);
    }
    if (!isRecordedDependencies(meta.recorded)) return problem('damaged', `${META_FILE} has recorded dependencies that geodata did not write`, meta);
    const outputSize = sizes.get(folder.key + meta.output.file);
    if (outputSize === undefined) return problem('damaged', `output ${meta.output.file} is missing`, meta);
    if (outputSize !== meta.output.size) {
      return problem('damaged', `output ${meta.output.file} has ${outputSize} bytes, expected ${meta.output.size} (truncated?)`, meta);
    }

    // spec.json is small: checked as a load checks it, so no entry a load recomputes reads fresh here.
    const specBytes = sizes.has(folder.key + SPEC_FILE) ? await this.store.get(folder.key + SPEC_FILE) : undefined;
    if (!specBytes) return problem('damaged', `${SPEC_FILE} is missing`, meta);
    if (sha256Hex(specBytes) !== meta.spec_sha256) return problem('damaged', `${SPEC_FILE} does not match its checksum`, meta);

    const live = this.#live.get(className, typeof meta.dep_tree_hash === 'string' ? meta.dep_tree_hash : undefined);
    if (!live) return verdict(meta, 'unknown', [{ kind: 'class-unregistered', className }]);
    if (!isLive(live)) return verdict(meta, 'unknown', [{ kind: 'class-error', className, message: live.error }]);
    // A processor that is neither registered nor geodata's: ask the live class for it.
    const processorName = meta.key_dependencies && meta.processor ? meta.processor.class_name : undefined;
    let ownProcessor: Function | undefined;
    if (typeof processorName === 'string' && !this.#processors.known(processorName)) {
      ownProcessor = this.#processors.learn(live.cls, await readJson(this.store, folder.key + PARAMETERS_FILE), processorName);
    }
    return { base: { ...base, meta, className }, meta, live, ownProcessor };
  }

  /** The entry's state and reasons, from a reading (after every folder was read). */
  async judge(reading: EntryReading): Promise<ScannedEntry> {
    if (reading.verdict) return reading.verdict;
    const { base, meta, live } = reading;
    const stale = await this.codeReasons(meta, live);
    // A user's class named like one of geodata's (`Slope`) is not geodata's, and the other way
    // round: an entry of the one, judged by the other, read stale and was removed by cleanCache.
    // Entries written before library_class existed do not say: one that geodata's class finds
    // changed may be a user's, so it is kept, not removed.
    const liveIsLibrary = isLibraryClass(live.cls);
    if (meta.library_class !== undefined ? meta.library_class !== liveIsLibrary : liveIsLibrary && stale.length > 0) {
      const madeBy = meta.library_class === undefined ? 'unsure' : meta.library_class ? 'library' : 'user';
      return { ...base, state: 'unknown', reasons: [{ kind: 'class-namesake', className: live.name, madeBy }] };
    }
    let unknown: StaleReason[] = [];
    if (meta.key_dependencies) {
      const keys = judgeKeyDependencies(meta.key_dependencies, this.#live, this.#processors, reading.ownProcessor);
      stale.push(...keys.stale);
      unknown = keys.unknown;
    } else {
      stale.push(...this.legacyProcessorReasons(meta));
    }
    // What changed is enough to say the entry is out of reach, whatever else cannot be judged.
    if (stale.length > 0) return { ...base, state: 'stale', reasons: stale };
    if (unknown.length > 0) return { ...base, state: 'unknown', reasons: unknown };
    const inputReasons = this.checkInputs ? await this.inputReasons(meta) : [];
    if (this.checkInputs && inputReasons.length === 0) {
      // What the computation recorded (files read, entries loaded): same key, but loading computes it again.
      const recorded = await this.#recorded.change(meta);
      if (recorded) inputReasons.push(recorded);
    }
    return { ...base, state: inputReasons.length ? 'input-changed' : 'fresh', reasons: inputReasons };
  }

  /** Differences between the class and dependency tree the entry was made with and those loaded now. */
  private async codeReasons(meta: EntryMeta, live: LiveClass): Promise<StaleReason[]> {
    const reasons: StaleReason[] = [];
    const className = live.name;
    if (meta.source_hash !== live.sourceHash) reasons.push({ kind: 'source-changed', className, from: meta.source_hash, to: live.sourceHash });
    const stored = await this.#tree(meta.dep_tree_hash);
    if (stored) {
      const names = new Set([...Object.keys(stored.nodes), ...Object.keys(live.tree.nodes)]);
      names.delete(stored.root);
      names.delete(live.tree.root);
      for (const name of [...names].sort()) {
        const from = stored.nodes[name]?.sourceHash ?? null;
        const to = live.tree.nodes[name]?.sourceHash ?? null;
        if (from !== to) reasons.push({ kind: 'dependency-changed', className, dependency: name, from, to });
      }
    }
    if (reasons.length === 0 && meta.dep_tree_hash !== live.depTreeHash) {
      // Same code everywhere, yet another tree: links changed (a name now resolves to a class),
      // or the snapshot that would say which dependency is gone.
      const dependency = stored ? '(dependency links)' : '(dependencies: the tree snapshot is missing)';
      reasons.push({ kind: 'dependency-changed', className, dependency, from: meta.dep_tree_hash, to: live.depTreeHash });
    }
    return reasons;
  }

  /** Entries of before key_dependencies: only a registered processor's own code can be compared. */
  private legacyProcessorReasons(meta: EntryMeta): StaleReason[] {
    const processor = meta.processor;
    const processorClass = processor ? this.#live.get(processor.class_name) : undefined;
    if (!processor || !isLive(processorClass) || processorClass.sourceHash === processor.source_hash) return [];
    const from = { className: processor.class_name, sourceHash: processor.source_hash, settings: processor.settings as never };
    return [{ kind: 'processor-changed', from, to: { ...from, sourceHash: processorClass.sourceHash } }];
  }

  /** Input files whose bytes differ from what meta.json recorded (local paths only). */
  private async inputReasons(meta: EntryMeta): Promise<StaleReason[]> {
    const reasons: StaleReason[] = [];
    for (const input of Array.isArray(meta.inputs) ? meta.inputs : []) {
      if (typeof input?.id !== 'string' || !isLocalPath(input.id)) continue;
      const now = await this.digest(input.id);
      if (now !== input.sha256) reasons.push({ kind: 'input-changed', id: input.id, from: input.sha256, to: now });
    }
    return reasons;
  }

  private digest(path: string): Promise<string | null> {
    let found = this.#digests.get(path);
    if (!found) {
      const hasher = inputHasher();
      this.#digests.set(path, (found = hasher.hash(path).then((d) => d.sha256, () => null)));
    }
    return found;
  }
}

/** Input ids are file paths in Node; blobs, bytes and URLs cannot be re-read here. */
function isLocalPath(id: string): boolean {
  return getPlatform().name === 'node' && (id.startsWith('/') || /^[A-Za-z]:[\\/]/.test(id));
}

function isByteCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
