import type { StaleReason } from '../fingerprint/index.js';
import { describeReason } from '../pipeline/explain.js';

/**
 * What a cache entry is, judged against the code loaded in this process:
 * - `fresh`: its class's code and dependencies, and the code its key covers beyond them (its
 *   processors, its Data parameters' classes), are as they are now (and its inputs, when checked);
 * - `stale`: some of that code, the entry format, or an upstream entry changed, so no `load` can
 *   reach it any more;
 * - `input-changed`: the bytes of an input file changed (or an upstream entry's), or something
 *   its computation recorded (a file it read, an entry it loaded): loading computes it again;
 * - `unknown`: its class, a processor or a parameter's class is not loaded in this process, so it
 *   cannot be judged;
 * - `damaged`: meta.json unreadable or wrong, output missing or truncated;
 * - `incomplete`: a folder without meta.json, left by an interrupted run.
 */
export type EntryState = 'fresh' | 'stale' | 'input-changed' | 'unknown' | 'damaged' | 'incomplete';

/**
 * Why an entry is in its state: the fingerprint's own reasons (code, dependency, processor,
 * input changes) plus what only the cache can tell.
 */
export type CacheReason =
  | Extract<StaleReason, { kind: 'source-changed' | 'dependency-changed' | 'processor-changed' | 'input-changed' | 'entry-format' | 'recorded-changed' }>
  | { kind: 'incomplete'; problem: string }
  | { kind: 'damaged'; problem: string }
  | { kind: 'upstream-changed'; stateHash: string; className: string; state: 'stale' | 'input-changed' }
  | { kind: 'class-unregistered'; className: string }
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

/**
 * Reasons that come from a class's code: its own, its dependencies, its processor, the entry
 * format. A parameter's class is not among them: like a stale parameter entry, it is about the
 * instance's parameters, not about the class.
 */
export const CODE_REASON_KINDS: ReadonlySet<CacheReason['kind']> = new Set(['source-changed', 'dependency-changed', 'processor-changed', 'processor-code-changed', 'entry-format']);

/**
 * One reason as a sentence.
 * @example describeCacheReason({ kind: 'incomplete', problem: 'no meta.json' }) // 'incomplete: no meta.json (left by an interrupted run)'
 */
export function describeCacheReason(reason: CacheReason): string {
  switch (reason.kind) {
    case 'entry-format':
      return `meta.json has format_version ${JSON.stringify(reason.from)}, and this version of geodata writes ${reason.to}`;
    case 'incomplete':
      return `incomplete: ${reason.problem} (left by an interrupted run)`;
    case 'damaged':
      return `damaged: ${reason.problem}`;
    case 'upstream-changed':
      return reason.state === 'stale'
        ? `its parameter entry ${reason.stateHash.slice(0, 12)} (${reason.className}) is stale`
        : `an input of its parameter entry ${reason.stateHash.slice(0, 12)} (${reason.className}) changed`;
    case 'class-unregistered':
      return `class ${reason.className} is not registered in this process (import the module that defines it)`;
    case 'class-error':
      return `class ${reason.className} cannot be fingerprinted now: ${reason.message}`;
    case 'processor-code-changed':
      if (reason.change === 'code') return `processor ${reason.processor}'s code changed (${short(reason.from)} → ${short(reason.to)})`;
      if (reason.change === 'dependencies') return `processor ${reason.processor}'s dependencies changed (tree ${short(reason.from)} → ${short(reason.to)})`;
      return `processor ${reason.processor} is registered now, which puts its dependencies in the key; it was not registered when the entry was made`;
    case 'parameter-class-changed':
      return `parameter class ${reason.className}'s code or dependencies changed (tree ${short(reason.from)} → ${short(reason.to)})`;
    case 'processor-unknown':
      return reason.wasRegistered
        ? `cannot judge: processor ${reason.processor} was registered when the entry was made, and is not registered now (import the module that registers it)`
        : `cannot judge: processor ${reason.processor} is not loaded (register it, or make the class return it from its parameters alone)`;
    case 'parameter-class-unknown':
      return reason.message === undefined
        ? `cannot judge: parameter class ${reason.className} is not loaded (import the module that defines it)`
        : `cannot judge: parameter class ${reason.className} cannot be fingerprinted now: ${reason.message}`;
    case 'processor-changed':
      // Entries of before key_dependencies: the same processor class, other code.
      if (reason.from && reason.to && reason.from.className === reason.to.className) {
        return `processor ${reason.from.className}'s code changed (${short(reason.from.sourceHash)} → ${short(reason.to.sourceHash)})`;
      }
      return describeReason(reason);
    case 'input-changed':
      if (reason.to === null) return `input ${reason.id} is missing or unreadable`;
      return describeReason(reason);
    default:
      return describeReason(reason);
  }
}

function short(hash: string | null): string {
  return hash ? hash.slice(0, 12) : 'none';
}

/** The first reason of a list as a sentence, or what the state means when there is none. */
export function summariseReasons(state: EntryState, reasons: readonly CacheReason[]): string {
  if (reasons.length > 0) return reasons.map(describeCacheReason).join('; ');
  return state === 'fresh' ? 'matches the code loaded now' : state;
}
