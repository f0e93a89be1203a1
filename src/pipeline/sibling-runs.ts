import type { Tracked } from '../data/tracked.js';
import { inCallChain } from './active.js';
import type { Identity } from './identity.js';

/**
 * Computations in this process that may write co-outputs, by spec: an async generator `_process`
 * (or a class whose computation yielded co-outputs before) may produce the entry another caller
 * asks for at the same moment. `Promise.all([load(low), load(high)])`, where one computation
 * yields both, would otherwise run it once per sibling: each caller holds its own entry's lock,
 * so neither computation can commit the other's entry. Such callers take turns instead: the
 * second waits for the first computation to end, then finds its entry committed (a hit).
 *
 * Keyed by spec, not by class, since siblings may be of several classes; generator computations
 * at one spec then run one at a time in a process, which costs little (GDAL runs on one thread).
 * Across processes the entry locks keep results right; a sibling may be computed twice there.
 */
const running = new Map<string, Set<{ stateHash: string; done: Promise<void> }>>();
/** Classes whose computations yielded co-outputs in this process (bundlers may compile generators away). */
const yieldingClasses = new WeakSet<Function>();

/** Notes that a computation of `instance`'s class yielded co-outputs. */
export function noteYielded(instance: Tracked): void {
  yieldingClasses.add(instance.constructor);
}

function mayYield(instance: Tracked): boolean {
  const producer = (instance as { _process?: unknown })._process;
  return Object.prototype.toString.call(producer) === '[object AsyncGeneratorFunction]' || yieldingClasses.has(instance.constructor);
}

/**
 * Before computing `instance`: either the computations of siblings running now (not the callers
 * up this chain, which would wait for themselves) to wait for, after which the caller checks its
 * entry again; or, when there are none, the caller's own turn, announced at once (so two callers
 * cannot both miss each other) and ended by calling `end` when its computation is over.
 */
export function takeSiblingTurn(instance: Tracked, identity: Identity): { waitFor: Promise<unknown> } | { end: () => void } {
  if (!mayYield(instance)) return { end: () => undefined };
  const others = [...(running.get(identity.specHash) ?? [])].filter((run) => run.stateHash !== identity.stateHash && !inCallChain(run.stateHash));
  if (others.length > 0) return { waitFor: Promise.allSettled(others.map((run) => run.done)) };
  let end!: () => void;
  const run = { stateHash: identity.stateHash, done: new Promise<void>((resolve) => (end = resolve)) };
  let set = running.get(identity.specHash);
  if (!set) running.set(identity.specHash, (set = new Set()));
  set.add(run);
  return {
    end: () => {
      set!.delete(run);
      if (set!.size === 0 && running.get(identity.specHash) === set) running.delete(identity.specHash);
      end();
    },
  };
}
