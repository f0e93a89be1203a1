import type { StaleReason } from '../fingerprint/record.js';

/**
 * Pipeline events, for progress bars, logs and pages that show status. Every `load`/`process`
 * emits `hit` or `miss`; a computation emits `start`, `progress`..., then `commit` and `finish`
 * (or `fail`). A miss handed to an executor (a job queue) emits `start`, then `finish` once its
 * entry reads back (or `fail`), in the asking process; `commit` and `progress` come from the worker.
 */
export type PipelineEvent =
  | { type: 'hit'; className: string; stateHash: string; objectType: 'data' | 'figure' }
  /**
   * `absent`: never computed (or removed); `damaged`: unreadable or changed on disk (`detail` says
   * how); `stale`: the entry is there but a dependency its computation recorded changed, or it was
   * written by an older geodata (`stale` says which, `detail` as a sentence:
   * `SlopeLoader ← ElevationLoader: input data/elevation.tif changed`). A stale entry is replaced in place.
   */
  | { type: 'miss'; className: string; stateHash: string; objectType: 'data' | 'figure'; reason: 'absent' | 'damaged' | 'stale'; detail?: string; stale?: StaleReason }
  | { type: 'damaged'; className: string; stateHash: string; problem: string }
  | { type: 'start'; className: string; stateHash: string }
  | { type: 'progress'; className: string; stateHash: string; fraction: number; message?: string }
  | { type: 'commit'; className: string; stateHash: string; key: string; size: number }
  | { type: 'finish'; className: string; stateHash: string; durationMs: number }
  | { type: 'fail'; className: string; stateHash: string; error: unknown }
  /** Something about an output that is not an error: a warp whose source does not overlap the spec (all nodata). */
  | { type: 'warning'; className: string; stateHash: string; message: string }
  /**
   * `processAll` progress over its whole batch: emitted once at the start (`done` 0) and after
   * each item ends (`item` says which, and whether it was computed or failed).
   */
  | { type: 'batch'; batch: number; total: number; done: number; computed: number; failed: number; item?: BatchItemResult };

/** How one item of a `processAll` batch ended. */
export interface BatchItemResult {
  index: number;
  className: string;
  /** Undefined when the item failed before its hash was known. */
  stateHash?: string;
  computed: boolean;
  error?: unknown;
}

export type PipelineEventType = PipelineEvent['type'];
type Listener<T extends PipelineEventType | '*'> = (event: T extends '*' ? PipelineEvent : Extract<PipelineEvent, { type: T }>) => void;

const listeners = new Map<string, Set<(event: PipelineEvent) => void>>();

/**
 * Listens to one event type, or to all with `'*'`. Returns a function that stops listening.
 * @example const stop = onPipelineEvent('miss', (e) => console.log(`computing ${e.className}`));
 */
export function onPipelineEvent<T extends PipelineEventType | '*'>(type: T, listener: Listener<T>): () => void {
  let set = listeners.get(type);
  if (!set) listeners.set(type, (set = new Set()));
  set.add(listener as (event: PipelineEvent) => void);
  return () => set!.delete(listener as (event: PipelineEvent) => void);
}

/** Emits an event; a throwing listener never breaks the pipeline. */
export function emit(event: PipelineEvent): void {
  for (const key of [event.type, '*']) {
    for (const listener of listeners.get(key) ?? []) {
      try {
        listener(event);
      } catch (error) {
        console.warn(`geodata: a ${event.type} event listener threw:`, error);
      }
    }
  }
}
