import type { Tracked } from '../data/tracked.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import type { Identity } from './identity.js';

/** One entry to compute: the instance, its spec, and the identity the caller computed for it. */
export interface ExecutorRequest {
  instance: Tracked;
  spec: SpatialSpec;
  identity: Identity;
}

/**
 * Where misses are computed when not in this process (config `executor`). The default (none) runs
 * them here. An executor such as `queueExecutor` from `geodata/queue` hands each miss to workers
 * that share this store; `compute` resolves once the entry is committed there, and the caller then
 * reads it from the store like any hit. Classes with `static computeLocally = true` (such as
 * `Mosaic`, which only gathers other entries) always run here.
 */
export interface Executor {
  /** Names the executor in messages (`queue redis://host:6379`). */
  readonly name: string;
  /** How many entries `processAll` asks for at once by default. */
  readonly concurrency?: number;
  /** Has the entry computed and committed to the shared store; rejects with a clear error otherwise. */
  compute(request: ExecutorRequest): Promise<void>;
  /** Releases connections; the executor is unusable afterwards. */
  close?(): Promise<void>;
}

/** Whether `instance`'s class asks to be computed where it is asked for, whatever the executor. */
export function computesLocally(instance: Tracked): boolean {
  return (instance.constructor as { computeLocally?: unknown }).computeLocally === true;
}

/** Whether `value` looks like an executor (config check). */
export function isExecutor(value: unknown): value is Executor {
  return typeof value === 'object' && value !== null && typeof (value as Executor).compute === 'function' && typeof (value as Executor).name === 'string';
}
