import type { StaleReason } from '../fingerprint/index.js';
import { describeReason } from '../pipeline/describe-reason.js';

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
 * Why an entry is in its state: the same vocabulary as `explain`'s reasons.
 * @deprecated Use `StaleReason`, which it names.
 */
export type CacheReason = StaleReason;

/**
 * Reasons that come from a class's code: its own, its dependencies, its processor, the entry
 * format. A parameter's class is not among them: like a stale parameter entry, it is about the
 * instance's parameters, not about the class.
 */
export const CODE_REASON_KINDS: ReadonlySet<StaleReason['kind']> = new Set(['source-changed', 'dependency-changed', 'processor-changed', 'processor-code-changed', 'entry-format']);

/**
 * One reason as a sentence.
 * @deprecated Use `describeReason`, which it is.
 */
export const describeCacheReason: (reason: StaleReason) => string = describeReason;

/** The first reason of a list as a sentence, or what the state means when there is none. */
export function summariseReasons(state: EntryState, reasons: readonly StaleReason[]): string {
  if (reasons.length > 0) return reasons.map(describeReason).join('; ');
  return state === 'fresh' ? 'matches the code loaded now' : state;
}
