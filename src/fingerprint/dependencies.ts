import canonicalize from 'canonicalize';
import { FingerprintError } from '../errors.js';
import { canonicalJsonHash } from './canonical-json.js';
import { type CanonicalSource, canonicalSource } from './canonical-source.js';
import { isGlobalName } from './globals.js';
import { sha256Hex } from './hash.js';
import { FINGERPRINT_FORMAT_VERSION, type EdgeKind, type TreeRecord, type UnhashedReference } from './record.js';
import { type ClassRegistry, defaultRegistry, isFrameworkBase, isLibraryClass } from './registry.js';
import type { Code } from './source-hash.js';

/** A class's dependency tree, its hash, and the free names nothing resolved. */
export interface ClassAnalysis {
  tree: TreeRecord;
  /** SHA-256 of the canonical JSON of `tree`. */
  depTreeHash: string;
  /** Free names not resolved by locals, `uses` or the registry; globals and known names included. */
  unresolved: UnhashedReference[];
}

/**
 * The dependency tree of a class: the class, its registered (or at least non-library) base
 * classes up to a framework base, the registered classes its body names, what it declares in
 * `static uses` (helpers by their canonical source and their own `uses`, constants by their
 * canonical JSON), and so on transitively.
 *
 * Cycles (A names B, B names A) terminate: each class or helper is one node, visited once; nodes
 * are keyed by name and edges sorted, so the tree (and its hash) does not depend on the order of
 * the walk. The root is part of the tree, so A and B in one cycle still hash differently.
 *
 * @example
 * dependencyTree(SlopeLoader);
 * // { format_version: 1, root: 'SlopeLoader',
 * //   nodes: { SlopeLoader: { kind: 'class', … }, ElevationLoader: { kind: 'class', … } },
 * //   edges: [{ from: 'SlopeLoader', to: 'ElevationLoader', kind: 'calls' }] }
 */
export function dependencyTree(cls: Code, registry: ClassRegistry = defaultRegistry): TreeRecord {
  return analyseClass(cls, registry).tree;
}

const memo = new WeakMap<ClassRegistry, WeakMap<Code, { version: number; analysis: ClassAnalysis }>>();

/**
 * Analyses a class, memoised per class object and registry version. `uses` values are read on
 * the first analysis after each registry change: treat them as constants.
 */
export function analyseClass(cls: Code, registry: ClassRegistry = defaultRegistry): ClassAnalysis {
  let byClass = memo.get(registry);
  if (!byClass) memo.set(registry, (byClass = new WeakMap()));
  const cached = byClass.get(cls);
  if (cached && cached.version === registry.version) return cached.analysis;
  const builder = new TreeBuilder(registry);
  const root = builder.addClass(cls, registry.nameOf(cls) ?? cls.name);
  const tree = builder.record(root);
  const analysis = { tree, depTreeHash: sha256Hex(canonicalize(tree) as string), unresolved: builder.unresolved };
  byClass.set(cls, { version: registry.version, analysis });
  return analysis;
}

/**
 * The unresolved names of an analysis that are neither JavaScript globals nor `knownNames`
 * (the library's own exports): references whose code is not part of any hash.
 */
export function unhashedReferences(analysis: ClassAnalysis, knownNames: ReadonlySet<string>): UnhashedReference[] {
  return analysis.unresolved.filter((ref) => !knownNames.has(ref.identifier) && !isGlobalName(ref.identifier));
}

class TreeBuilder {
  readonly unresolved: UnhashedReference[] = [];
  private readonly nodes = new Map<string, { kind: 'class' | 'helper' | 'value'; sourceHash: string }>();
  private readonly edges = new Map<string, { from: string; to: string; kind: EdgeKind }>();
  private readonly nodeNames = new Map<unknown, string>();

  constructor(private readonly registry: ClassRegistry) {}

  addClass(cls: Code, name: string): string {
    return this.addCode(cls, name, 'class');
  }

  record(root: string): TreeRecord {
    const byKey = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      format_version: FINGERPRINT_FORMAT_VERSION,
      root,
      nodes: Object.fromEntries(byKey([...this.nodes])),
      edges: byKey([...this.edges]).map(([, edge]) => edge),
    };
  }

  private addCode(code: Code, wantedName: string, kind: 'class' | 'helper'): string {
    const known = this.nodeNames.get(code);
    if (known !== undefined) return known;
    const name = this.uniqueName(wantedName);
    this.nodeNames.set(code, name);
    const source = canonicalSource(code);
    this.nodes.set(name, { kind, sourceHash: source.hash });
    // A private field can hold what changes the output, and no parameter walk can see it.
    for (const field of source.privateFields) this.unresolved.push({ className: name, identifier: field });
    if (source.kind === 'class') this.addParent(code, name);
    this.addUses(code, name);
    this.resolveFreeNames(code, name, source);
    return name;
  }

  private addParent(cls: Code, name: string): void {
    const parent: unknown = Object.getPrototypeOf(cls);
    if (!isUserClass(parent)) return;
    // An unregistered base class below the framework base is still user code: hash it too.
    const parentName = this.addClass(parent, this.registry.nameOf(parent) ?? (parent.name || `${name}.base`));
    this.addEdge(name, parentName, 'inherits');
  }

  private addUses(code: Code, name: string): void {
    const uses = ownUses(code, name);
    if (!uses) return;
    for (const key of Object.keys(uses).sort()) {
      this.addEdge(name, this.addUse(name, key, uses[key]), 'uses');
    }
  }

  private addUse(owner: string, key: string, value: unknown): string {
    const path = `${owner}.uses.${key}`;
    if (typeof value === 'function') {
      const registeredName = this.registry.nameOf(value);
      return registeredName !== undefined ? this.addClass(value, registeredName) : this.addCode(value, path, 'helper');
    }
    const name = this.uniqueName(path);
    this.nodes.set(name, { kind: 'value', sourceHash: canonicalJsonHash(value, path, { owner }) });
    return name;
  }

  private resolveFreeNames(code: Code, name: string, source: CanonicalSource): void {
    for (const identifier of source.free) {
      if (declaredInUses(code, identifier) || declaredExternal(code, identifier)) continue;
      const cls = this.registry.get(identifier);
      // Library classes (Slope...) register themselves when first used: resolving them only
      // then would change a user's tree in the middle of a run. They are library names instead.
      if (cls && !isLibraryClass(cls)) this.addEdge(name, this.addClass(cls, identifier), 'calls');
      else if (!cls) this.unresolved.push({ className: name, identifier });
    }
  }

  private addEdge(from: string, to: string, kind: EdgeKind): void {
    if (from !== to) this.edges.set(`${from}\u0000${to}\u0000${kind}`, { from, to, kind });
  }

  private uniqueName(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.nodes.has(name); n++) name = `${wanted}#${n}`;
    return name;
  }
}

function isUserClass(value: unknown): value is Code {
  return (
    typeof value === 'function' &&
    value !== Function.prototype &&
    !isFrameworkBase(value) &&
    canonicalSource(value).kind !== 'native'
  );
}

function ownUses(code: Code, name: string): Record<string, unknown> | undefined {
  if (!Object.prototype.hasOwnProperty.call(code, 'uses')) return undefined;
  const uses: unknown = (code as { uses?: unknown }).uses;
  if (uses === undefined || uses === null) return undefined;
  if (typeof uses !== 'object' || Array.isArray(uses)) {
    throw new FingerprintError(
      `${name}.uses must be an object naming helpers and constants ({ helper, THRESHOLD }), got ${typeof uses}.`,
    );
  }
  return uses as Record<string, unknown>;
}

/**
 * Named in the class's `static external = ['writeFile', ...]` (or an ancestor's): functions from
 * outside the project (Node builtins, packages) the user deliberately leaves out of the
 * fingerprint, pinning them by their dependency's version instead. Listed names count in the
 * source hash, since the list is part of the class text.
 */
function declaredExternal(code: Code, identifier: string): boolean {
  for (let current: unknown = code; isUserClass(current); current = Object.getPrototypeOf(current)) {
    const external = Object.prototype.hasOwnProperty.call(current, 'external') ? (current as { external?: unknown }).external : undefined;
    if (Array.isArray(external) && external.includes(identifier)) return true;
    if (canonicalSource(current).kind !== 'class') break;
  }
  return false;
}

/** Declared in the code's own `uses` or, for a class, in an ancestor's (the subclass sees it too). */
function declaredInUses(code: Code, identifier: string): boolean {
  for (let current: unknown = code; isUserClass(current); current = Object.getPrototypeOf(current)) {
    const uses = Object.prototype.hasOwnProperty.call(current, 'uses') ? (current as { uses?: unknown }).uses : undefined;
    if (uses && typeof uses === 'object' && Object.prototype.hasOwnProperty.call(uses, identifier)) return true;
    if (canonicalSource(current).kind !== 'class') break;
  }
  return false;
}
