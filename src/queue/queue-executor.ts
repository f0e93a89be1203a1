// Node only: misses become BullMQ jobs on Redis; workers compute them into the shared store.
import { Queue, QueueEvents } from 'bullmq';
import { checkEntry } from '../pipeline/entry.js';
import type { Executor, ExecutorRequest } from '../pipeline/executor.js';
import { encodeJob } from './job-payload.js';
import { QueueError } from './queue-error.js';
import { jobFailure } from './stalled-job.js';
import { waitForJob } from './wait-for-job.js';
import { connectionFor, DEFAULT_LOST_AFTER_MS, DEFAULT_QUEUE, showUrl, watchConnection, type StatusSource } from './redis-connection.js';

/** Options of {@link queueExecutor}. */
export interface QueueExecutorOptions {
  /** The Redis server, `redis://host:port` (or `rediss://`, with `user:password@` and `/db`). */
  redis: string;
  /** The queue's name (default `geodata`); workers must use the same (`--queue`). */
  queue?: string;
  /** How long Redis may be unreachable before waiting calls fail, in ms (default 5000). */
  lostAfterMs?: number;
  /** How many entries `processAll` hands to the queue at once (default 64). */
  concurrency?: number;
  /**
   * How long a call waits for its job, in ms (default: no deadline). On expiry the call fails
   * with a QueueError naming the class, the entry's hash and the queue; the job stays queued, so
   * a worker that takes it later still commits a whole entry, and nothing is written here.
   */
  timeout?: number;
}

/** A queue executor: an `Executor` with the queue it uses. */
export interface QueueExecutor extends Executor {
  readonly url: string;
  readonly queueName: string;
  /** Closes the Redis connections (pending calls fail with a QueueError). */
  close(): Promise<void>;
}

/**
 * An executor that turns each miss into a BullMQ job on Redis, for `geodata worker` processes
 * that import the same pipeline module and share the store. A job is named by its entry's state
 * hash, so two clients asking for the same entry wait for one job. The caller waits until the job
 * ends; a failure on a worker (code skew, a failing `_process`) comes back as a QueueError with the
 * worker's message; Redis unreachable or lost for `lostAfterMs` fails every waiting call with a
 * QueueError naming the URL, and nothing is written here.
 * @example getConfig().update({ executor: queueExecutor({ redis: 'redis://127.0.0.1:6379' }) });
 */
export function queueExecutor(options: QueueExecutorOptions): QueueExecutor {
  if (!options || typeof options.redis !== 'string') throw new QueueError(`queueExecutor needs { redis: 'redis://host:port' }, got ${JSON.stringify(options)}`);
  const url = options.redis;
  let closed = false;
  const connection = connectionFor(url, () => closed);
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const lostAfterMs = options.lostAfterMs ?? DEFAULT_LOST_AFTER_MS;
  const timeout = options.timeout;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) throw new QueueError(`queueExecutor's timeout must be a positive number of ms, got ${timeout}`);
  const shown = showUrl(url);
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  let clients: StatusSource[] = [];
  let lastError = '';
  let lost: QueueError | undefined;
  let stopWatching: (() => void) | undefined;
  const waiting = new Set<(error: QueueError) => void>();

  const fail = (error: QueueError) => {
    lost = error;
    for (const reject of [...waiting]) reject(error);
  };
  /** `promise`, or the connection's failure, whichever comes first. */
  const guarded = <T>(promise: Promise<T>): Promise<T> => {
    if (lost) return Promise.reject(lost);
    return new Promise<T>((resolve, reject) => {
      const onLost = (error: QueueError) => {
        waiting.delete(onLost);
        reject(error);
      };
      waiting.add(onLost);
      promise.then(
        (value) => {
          waiting.delete(onLost);
          resolve(value);
        },
        (error: unknown) => {
          waiting.delete(onLost);
          reject(error);
        },
      );
    });
  };

  let starting: Promise<{ queue: Queue; events: QueueEvents }> | undefined;
  /** The connections once ready; a QueueError naming the URL if they are not within `lostAfterMs`. */
  const reachable = async <T>(promise: Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const reason = lastError ? ` (${lastError})` : '';
        reject(new QueueError(`cannot reach Redis at ${shown}${reason} within ${(lostAfterMs / 1000).toFixed(1)} s: start redis-server there (or fix the URL), then run again; nothing was computed or written`));
      }, lostAfterMs);
    });
    try {
      const value = await Promise.race([promise, timeout]);
      await Promise.race([Promise.all([queue!.waitUntilReady(), events!.waitUntilReady()]), timeout]);
      return value;
    } finally {
      clearTimeout(timer);
    }
  };

  const start = async (): Promise<{ queue: Queue; events: QueueEvents }> => {
    if (queue && events) return { queue, events };
    queue = new Queue(queueName, { connection });
    events = new QueueEvents(queueName, { connection });
    // BullMQ adds a 'closing' listener per call in flight: processAll runs `concurrency` at once.
    queue.setMaxListeners(Math.max(10, (options.concurrency ?? 64) + 10));
    const note = (error: Error) => {
      lastError = error.message;
    };
    queue.on('error', note);
    events.on('error', note);
    const [queueClient, eventsClient] = await Promise.all([queue.backend.client, events.backend.client]);
    clients = [queueClient, eventsClient];
    stopWatching = watchConnection(
      () => clients,
      lostAfterMs,
      (downMs) => {
        const reason = lastError ? ` (${lastError})` : '';
        fail(new QueueError(`lost the connection to Redis at ${shown}${reason} for ${(downMs / 1000).toFixed(1)} s: check that redis-server runs there, then run again; entries already committed stay in the store, none is half-written`));
      },
      // Redis is back: the calls that waited have failed, and later calls go through again (a
      // long-lived process should not need a new executor after an outage).
      () => {
        lost = undefined;
        lastError = '';
      },
    );
    return { queue, events };
  };

  return {
    name: `queue ${queueName} on ${shown}`,
    url,
    queueName,
    concurrency: options.concurrency ?? 64,
    async compute({ instance, spec, identity }: ExecutorRequest): Promise<void> {
      const payload = encodeJob(instance, spec, identity);
      if (lost) throw lost;
      starting ??= start();
      const { queue: q, events: e } = await reachable(starting);
      const expired = () => new QueueError(`waited ${(timeout! / 1000).toFixed(1)} s for the job computing ${identity.className} (entry ${identity.stateHash.slice(0, 12)}) on queue ${queueName} at ${shown}, and no worker finished it: start workers (geodata worker <pipeline module> --redis ${shown} --queue ${queueName}) or raise queueExecutor's timeout; the job stays queued and nothing was written`);
      const deadline = timeout === undefined ? undefined : Date.now() + timeout;
      // A job of this entry that has ended already is an earlier one (jobs are kept a while after
      // they end): this call asks anew. Told by its state, not by its finishedOn, which is the
      // worker's clock, and the machines' clocks need not agree.
      const earlier = await guarded(q.getJobState(identity.stateHash));
      if (earlier === 'completed' || earlier === 'failed') await guarded(q.remove(identity.stateHash)).catch(() => undefined);
      for (;;) {
        const job = await guarded(
          q.add(identity.className, payload, {
            jobId: identity.stateHash,
            attempts: 1,
            // Kept a while after they end: a waiting client that missed the event reads the end from the job's state.
            removeOnComplete: { age: 300 },
            removeOnFail: { age: 300 },
          }),
        );
        const left = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
        const end = await guarded(withDeadline(waitForJob(q, e, job.id!), left, expired));
        if ((await checkEntry(identity.objectType, identity.stateHash)).state === 'valid') return;
        // Redis forgot the job (it restarted without persistence while this call waited): ask again.
        if (end.state === 'gone') continue;
        if (end.state === 'failed') throw new QueueError(`the job for ${identity.className} (${identity.stateHash.slice(0, 12)}) failed on a worker: ${jobFailure(end.reason)}`);
        return; // completed: the caller reports an entry that does not read back (store not shared)
      }
    },
    async close() {
      closed = true;
      stopWatching?.();
      fail(new QueueError(`the queue executor for ${shown} was closed`));
      // With Redis gone, close() would wait for it forever: give it a second, then drop the sockets.
      const closing = Promise.allSettled([events?.close(), queue?.close()]);
      const late = await Promise.race([closing.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1000).unref())]);
      if (late) await Promise.allSettled([events?.disconnect(), queue?.disconnect()]);
    },
  };
}

/** `promise`, or `error()` once `ms` have passed (no deadline when `ms` is undefined). */
function withDeadline<T>(promise: Promise<T>, ms: number | undefined, error: () => QueueError): Promise<T> {
  if (ms === undefined) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}
