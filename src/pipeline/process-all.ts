import { mapConcurrently } from '../cache/concurrency.js';
import { getConfig } from '../config.js';
import type { Tracked } from '../data/tracked.js';
import { PipelineError } from '../errors.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { emit, type BatchItemResult, type PipelineEvent } from './events.js';
import { process, type ProcessedEntry } from './process.js';

/** An item of `processAll`: an instance (at the configured spec), or an instance and its spec. */
export type BatchItem = Tracked | readonly [Tracked, SpatialSpec | undefined];

/** Options of {@link processAll}. */
export interface ProcessAllOptions {
  /**
   * How many entries are asked for at once. Default: the executor's (`queueExecutor`: its own
   * limit), else {@link LOCAL_BATCH_CONCURRENCY}: independent entries then overlap on the
   * engine(s) this process has, and a larger engine pool takes more of them at once.
   */
  concurrency?: number;
  /** Called with each `batch` event of this call (the same events go to `onPipelineEvent('batch')`). */
  onProgress?: (event: Extract<PipelineEvent, { type: 'batch' }>) => void;
}

/** How many entries `processAll` runs at once in this process when neither option nor executor says. */
export const LOCAL_BATCH_CONCURRENCY = 4;

let batches = 0;

/**
 * Makes sure the entries of many items exist, as `produce` does for one, several at once, with
 * `batch` progress events over the whole batch. Items are instances, or `[instance, spec]` pairs
 * (tiles: `spec.tiles({ rows, cols }).map((tile) => [new Slope(dem), tile])`). With an executor
 * configured (`geodata/queue`), misses become jobs for the workers. Every item is attempted; if
 * any failed, a PipelineError names them after the others are done (its `cause` lists the errors).
 * Resolves to the entries in the items' order.
 * @example const entries = await processAll(spec.tiles({ rows: 4, cols: 4 }).map((t) => [new Slope(dem), t] as const));
 */
export async function processAll(items: readonly BatchItem[], options: ProcessAllOptions = {}): Promise<ProcessedEntry[]> {
  if (!Array.isArray(items)) throw new PipelineError(`processAll needs an array of instances or [instance, spec] pairs, got ${typeof items}`);
  const concurrency = options.concurrency ?? getConfig().executor?.concurrency ?? LOCAL_BATCH_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new PipelineError(`processAll: concurrency must be a positive integer, got ${JSON.stringify(options.concurrency)}`);
  const batch = ++batches;
  const progress = { batch, total: items.length, done: 0, computed: 0, failed: 0 };
  const report = (item?: BatchItemResult) => {
    const event = { type: 'batch' as const, ...progress, ...(item ? { item } : {}) };
    // As for onPipelineEvent listeners: a failing progress callback is not a failing item (it
    // would count an item done twice, and call a computed entry failed).
    try {
      options.onProgress?.(event);
    } catch (error) {
      console.warn('geodata: a processAll onProgress callback threw:', error);
    }
    emit(event);
  };
  report();
  const failures: Array<{ index: number; error: unknown }> = [];
  const results = await mapConcurrently(items, concurrency, async (item, index) => {
    const [instance, spec] = Array.isArray(item) ? (item as unknown as readonly [Tracked, SpatialSpec | undefined]) : [item as Tracked, undefined];
    const className = instance?.constructor?.name ?? typeof instance;
    try {
      const entry = await process(instance, spec);
      progress.done++;
      if (entry.computed) progress.computed++;
      report({ index, className, stateHash: entry.stateHash, computed: entry.computed });
      return entry;
    } catch (error) {
      progress.done++;
      progress.failed++;
      failures.push({ index, error });
      report({ index, className, computed: false, error });
      return undefined;
    }
  });
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    const first = failures[0]!;
    const message = first.error instanceof Error ? first.error.message : String(first.error);
    throw new PipelineError(
      `processAll: ${failures.length} of ${items.length} items failed (items ${failures.map((f) => f.index).join(', ')}); the first: ${message}`,
      { cause: failures.map((f) => f.error) },
    );
  }
  return results as ProcessedEntry[];
}
