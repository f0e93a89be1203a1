import type { StaleReason } from '../fingerprint/index.js';
import { describeReason } from '../pipeline/explain.js';

/**
 * What a cache entry is, judged against the classes loaded in this process:
 * - `fresh`: its class's code and dependencies are as they are now (and its inputs, when checked);
 * - `stale`: its class's code, a dependency, its processor, the entry format, or an upstream
 *   entry changed, so no `load` can reach it any more;
 * - `input-changed`: only the bytes of an input file (or an upstream entry's) changed;
 * - `unknown`: its class is not registered in this process, so it cannot be judged;
 * - `damaged`: meta.json unreadable or wrong, output missing or truncated;
 * - `incomplete`: a folder without meta.json, left by an interrupted run.
 */
export type EntryState = 'fresh' | 'stale' | 'input-changed' | 'unknown' | 'damaged' | 'incomplete';

/**
 * Why an entry is in its state: the fingerprint's own reasons (code, dependency, processor,
 * input changes) plus what only the cache can tell.
 */
export type CacheReason =
  | Extract<StaleReason, { kind: 'source-changed' | 'dependency-changed' | 'processor-changed' | 'input-changed' }>
  | { kind: 'entry-format'; from: unknown; to: number }
  | { kind: 'incomplete'; problem: string }
  | { kind: 'damaged'; problem: string }
  | { kind: 'upstream-changed'; stateHash: string; className: string; state: 'stale' | 'input-changed' }
  | { kind: 'class-unregistered'; className: string }
  | { kind: 'class-error'; className: string; message: string };

/** Reasons that come from code (the class, its dependencies, its processor, the entry format). */
export const CODE_REASON_KINDS: ReadonlySet<CacheReason['kind']> = new Set(['source-changed', 'dependency-changed', 'processor-changed', 'entry-format']);

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
    case 'input-changed':
      if (reason.to === null) return `input ${reason.id} is missing or unreadable`;
      return describeReason(reason);
    default:
      return describeReason(reason);
  }
}

/** The first reason of a list as a sentence, or what the state means when there is none. */
export function summariseReasons(state: EntryState, reasons: readonly CacheReason[]): string {
  if (reasons.length > 0) return reasons.map(describeCacheReason).join('; ');
  return state === 'fresh' ? 'matches the code loaded now' : state;
}
