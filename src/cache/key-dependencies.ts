import { sourceHash as codeHash } from '../fingerprint/index.js';
import type { EntryMeta } from '../pipeline/entry.js';
import { isLive, type LiveClasses } from './live-classes.js';
import type { ProcessorFinder } from './live-processors.js';
import type { StaleReason } from '../fingerprint/record.js';

/** What an entry's key dependencies say: code that changed (stale), code that is not loaded (unknown). */
export interface KeyDependencyJudgement {
  stale: StaleReason[];
  unknown: StaleReason[];
}

type KeyDependencies = NonNullable<EntryMeta['key_dependencies']>;

/**
 * Compares the code an entry's state hash covers beyond its class's dependency tree
 * (`meta.key_dependencies`: every processor, the class of every Data parameter) with the code
 * loaded now. A processor's own code is compared by source hash and, for a registered one, its
 * dependency tree too; a parameter class by its dependency tree hash, which covers its code and
 * everything it depends on. What cannot be found is reported, never assumed unchanged.
 * @example judgeKeyDependencies(meta.key_dependencies, new LiveClasses(), new ProcessorFinder()).stale
 */
export function judgeKeyDependencies(dependencies: KeyDependencies, live: LiveClasses, processors: ProcessorFinder, ownProcessor?: Function): KeyDependencyJudgement {
  const judgement: KeyDependencyJudgement = { stale: [], unknown: [] };
  for (const recorded of dependencies.processors) {
    const processor = recorded.class_name;
    const found = processors.find(processor, ownProcessor);
    if (!found) {
      judgement.unknown.push({ kind: 'processor-unknown', processor });
      continue;
    }
    const now = found.registered ? live.get(processor) : undefined;
    const sourceHash = isLive(now) ? now.sourceHash : liveSourceHash(found.cls);
    if (sourceHash === null) {
      judgement.unknown.push({ kind: 'processor-unknown', processor });
    } else if (sourceHash !== recorded.source_hash) {
      judgement.stale.push({ kind: 'processor-code-changed', processor, change: 'code', from: recorded.source_hash, to: sourceHash });
    } else if (found.registered) {
      // Registered processors bring their dependencies into the key (see the fingerprint).
      if (!isLive(now)) judgement.unknown.push({ kind: 'processor-unknown', processor });
      else if (recorded.dep_tree_hash === undefined) judgement.stale.push({ kind: 'processor-code-changed', processor, change: 'registered', from: null, to: now.depTreeHash });
      else if (recorded.dep_tree_hash !== now.depTreeHash) judgement.stale.push({ kind: 'processor-code-changed', processor, change: 'dependencies', from: recorded.dep_tree_hash, to: now.depTreeHash });
    } else if (recorded.dep_tree_hash !== undefined) {
      // Its dependencies are part of the key, and this process cannot tell them.
      judgement.unknown.push({ kind: 'processor-unknown', processor, wasRegistered: true });
    }
  }
  for (const className of Object.keys(dependencies.classes).sort()) {
    const recorded = dependencies.classes[className]!;
    const now = live.get(className);
    if (now === undefined) judgement.unknown.push({ kind: 'parameter-class-unknown', className });
    else if (!isLive(now)) judgement.unknown.push({ kind: 'parameter-class-unknown', className, message: now.error });
    else if (now.depTreeHash !== recorded) judgement.stale.push({ kind: 'parameter-class-changed', className, from: recorded, to: now.depTreeHash });
  }
  return judgement;
}

/**
 * Whether a meta.json's `key_dependencies` has the shape geodata writes (it may hold anything
 * in a damaged file).
 */
export function isKeyDependencies(value: unknown): value is KeyDependencies {
  const deps = value as Partial<KeyDependencies> | null;
  if (deps === null || typeof deps !== 'object' || !Array.isArray(deps.processors)) return false;
  if (deps.classes === null || typeof deps.classes !== 'object' || Array.isArray(deps.classes)) return false;
  const hash = (h: unknown) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h);
  return (
    deps.processors.every((p) => p !== null && typeof p === 'object' && typeof p.class_name === 'string' && hash(p.source_hash) && (p.dep_tree_hash === undefined || hash(p.dep_tree_hash))) &&
    Object.values(deps.classes).every(hash)
  );
}

/** The source hash of a class loaded now; null when it cannot be fingerprinted. */
function liveSourceHash(cls: Function): string | null {
  try {
    return codeHash(cls);
  } catch {
    return null;
  }
}
