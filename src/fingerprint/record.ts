import type { JsonValue } from './canonical-json.js';
import type { InputDigest } from './input-hasher.js';

/** Carried by every record; bumped when the meaning of any hash changes. */
export const FINGERPRINT_FORMAT_VERSION = 1;

/**
 * What a node of a dependency tree is: a class, a helper function (or unregistered class), a
 * constant or an export of a package outside the project (`proj4@2.22.0:default`, by package name
 * and version).
 */
export type DependencyKind = 'class' | 'helper' | 'value';

/**
 * Why one node depends on another: it extends it, names it in its body, or declares it in
 * `uses`.
 */
export type EdgeKind = 'inherits' | 'calls' | 'uses';

/**
 * A class and everything its code depends on, JSON-able; stored as
 * `.source/snapshots/{dep_tree_hash}/tree.json`. Classes are named by their registry name,
 * helpers and constants by where they were declared (`SlopeLoader.uses.THRESHOLD`).
 */
export interface TreeRecord {
  format_version: number;
  root: string;
  nodes: Record<string, { kind: DependencyKind; sourceHash: string }>;
  edges: { from: string; to: string; kind: EdgeKind }[];
}

/** A free name in `className`'s code that nothing resolves, so its code or value is not hashed. */
export interface UnhashedReference {
  className: string;
  identifier: string;
  /** Why it could not be resolved (`it is a parameter of an enclosing function`...). */
  reason?: string;
}

/** The processor part of an instance record. */
export interface ProcessorRecord {
  className: string;
  sourceHash: string;
  /** Present when the processor's class is registered: its code and its dependencies. */
  depTreeHash?: string;
  settings: JsonValue;
}

/** The hashes that identify an instance (and, given a spec, one cache entry). */
export interface Fingerprint {
  sourceHash: string;
  depTreeHash: string;
  instanceHash: string;
  /** Only when a spec was given: the cache key. */
  stateHash?: string;
}

/** Everything that went into an instance's hashes, to store and to compare later. */
export interface InstanceRecord extends Fingerprint {
  format_version: number;
  className: string;
  paramsHash: string;
  specHash?: string;
  /** The canonical JSON value of the parameters (nested `Data` as `{ $data, instanceHash }`). */
  parameters: JsonValue;
  spec?: JsonValue;
  processor?: ProcessorRecord;
  inputs: InputDigest[];
  tree: TreeRecord;
  /** Unhashed references in this class's tree and in the trees of nested `Data` parameters. */
  unhashed: UnhashedReference[];
}

/**
 * What changed in one dependency a computation recorded (see `RecordedDependencies` in
 * `pipeline/recorded.ts`): a file it read, a file it looked for, or an upstream entry it used
 * (gone, damaged, computed again, its class's code, one of its static inputs).
 */
export type RecordedChange =
  | { what: 'file-changed'; path: string; from: string; to: string | null }
  | { what: 'file-appeared'; path: string }
  | { what: 'input-changed'; path: string; from: string; to: string | null }
  | { what: 'entry-missing' }
  | { what: 'entry-damaged'; problem: string }
  | { what: 'entry-replaced'; from: string; to: string }
  | { what: 'entry-unrecorded'; formatVersion: unknown }
  | { what: 'code-changed'; from: string; to: string };

/** One entry along a chain of recorded dependencies, the entry judged first. */
export interface ChainLink {
  className: string;
  stateHash: string;
}

/**
 * Why an entry is not a hit, or not fresh: the one vocabulary of `explain` (a live record against
 * a stored one), the pipeline's `miss` events, and the cache's listings (`explainEntry`, `status`,
 * `entries`). `describeReason` says each as a sentence. The kinds from `incomplete` on come only
 * from judging a stored entry against the code loaded now.
 */
export type StaleReason =
  | { kind: 'format-version'; from: number; to: number }
  /** The entry's meta.json is of another layout (an older geodata): it records nothing that can be checked. */
  | { kind: 'entry-format'; from: unknown; to: number }
  /**
   * A dependency the computation recorded changed: `chain` leads from the entry to the entry whose
   * dependency it is (`SlopeLoader ← ElevationLoader`), `change` says what changed there.
   */
  | { kind: 'recorded-changed'; chain: ChainLink[]; change: RecordedChange }
  | { kind: 'source-changed'; className: string; from: string; to: string }
  | { kind: 'dependency-changed'; className: string; dependency: string; from: string | null; to: string | null }
  | { kind: 'parameter-changed'; path: string; from: JsonValue; to: JsonValue }
  | { kind: 'parameter-added' | 'parameter-removed'; path: string }
  | { kind: 'processor-changed'; from: ProcessorRecord | null; to: ProcessorRecord | null }
  | { kind: 'input-changed'; id: string; from: string | null; to: string | null }
  | { kind: 'spec-changed'; from: string | null; to: string | null }
  | { kind: 'unhashed-reference'; className: string; identifier: string }
  /** A folder without meta.json, left by an interrupted run. */
  | { kind: 'incomplete'; problem: string }
  /** meta.json unreadable or wrong, output missing or truncated. */
  | { kind: 'damaged'; problem: string }
  /** A Data parameter's entry is stale, or one of its inputs changed. */
  | { kind: 'upstream-changed'; stateHash: string; className: string; state: 'stale' | 'input-changed' }
  | { kind: 'class-unregistered'; className: string }
  /**
   * The class loaded under the entry's class name is not the one the entry was made with: geodata's
   * own (`Slope`) where a user's class of that name made it, or the other way round (`madeBy`);
   * `unsure` for entries that do not say which (written before they did).
   */
  | { kind: 'class-namesake'; className: string; madeBy: 'library' | 'user' | 'unsure' }
  | { kind: 'class-error'; className: string; message: string }
  /**
   * A processor in the entry's key (its own, or a Data parameter's) differs from the one loaded
   * now: its own `code`, its `dependencies` (a registered processor), or it is `registered` now
   * and was not then (registering puts its dependencies in the key).
   */
  | { kind: 'processor-code-changed'; processor: string; change: 'code' | 'dependencies' | 'registered'; from: string | null; to: string | null }
  /** The class of a Data parameter has another dependency tree hash now. */
  | { kind: 'parameter-class-changed'; className: string; from: string; to: string }
  /** A processor in the entry's key is not loaded (`wasRegistered`: it was registered then, and is not now). */
  | { kind: 'processor-unknown'; processor: string; wasRegistered?: true }
  /** The class of a Data parameter is not registered (or, with `message`, cannot be fingerprinted). */
  | { kind: 'parameter-class-unknown'; className: string; message?: string };
