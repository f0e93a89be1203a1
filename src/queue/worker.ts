// Node only: a process that takes geodata jobs from Redis and computes them into the shared store.
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { withConfig } from '../config.js';
import { describeError } from '../format.js';
import { prepareIdentity, identify, type Identity } from '../pipeline/identity.js';
import { process as produce } from '../pipeline/process.js';
import { SpatialSpec } from '../spec/spatial-spec.js';
import { decodeInstance, JOB_FORMAT, type JobPayload } from './job-payload.js';
import { QueueError } from './queue-error.js';
import { jobFailure, STALLED_LIMIT } from './stalled-job.js';
import { connectionFor, DEFAULT_LOST_AFTER_MS, DEFAULT_QUEUE, showUrl, watchConnection } from './redis-connection.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  redis: string;
  /** Jobs computed at once by this process (default 1). */
  concurrency?: number;
  queue?: string;
  /**
   * BullMQ's job lock, in ms (default 30000): a worker that stops renewing it (killed, frozen) has
   * its job handed to another worker after about this long. Also the stalled-job check interval.
   */
  lockDurationMs?: number;
  /** How long Redis may be unreachable before the worker stops (default 5000 ms). */
  lostAfterMs?: number;
  /** Called once per job that ended. */
  onJob?: (report: JobReport) => void;
  /** Called when this worker starts a job. */
  onActive?: (job: { jobId: string; className: string; stateHash: string }) => void;
  /** Called once if Redis was lost: the worker is stopping. */
  onLost?: (error: QueueError) => void;
}

/** How one job ended on this worker. */
export interface JobReport {
  jobId: string;
  className: string;
  stateHash: string;
  /** Whether this worker computed the entry (false: it was in the store already). */
  computed: boolean;
  durationMs: number;
  error?: string;
}

/** A running worker. */
export interface RunningWorker {
  /** Who this worker is in messages and job results: host, pid. */
  readonly id: string;
  /** Waits for the jobs in progress, then disconnects. */
  close(): Promise<void>;
  /** Resolves when the worker stopped (closed, or Redis lost). */
  readonly stopped: Promise<void>;
}

/**
 * Takes jobs of the queue and computes each through the normal pipeline (local engine, the
 * configured store — which must be the clients' shared store), with no executor of its own. Before
 * computing, it rebuilds the instance from its own registered classes and checks that its code
 * gives the job's state hash: on code skew it refuses the job (no retry), naming the class, instead
 * of committing a result under a hash it does not match. Pipeline modules must be imported first.
 * @example const worker = await startWorker({ redis: 'redis://127.0.0.1:6379', concurrency: 2 });
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const shown = showUrl(options.redis);
  const id = `${hostname()}:${globalThis.process.pid}`;
  const lockDuration = options.lockDurationMs ?? 30_000;
  // Declared before the connection, whose retry strategy reads it from the first refused connect.
  let stopping: Promise<void> | undefined;
  const worker = new Worker(options.queue ?? DEFAULT_QUEUE, (job: Job) => runJob(job, id), {
    connection: connectionFor(options.redis, () => stopping !== undefined),
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: STALLED_LIMIT,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (error) => {
    lastError = error.message;
  });
  worker.on('active', (job) => {
    const payload = job.data as Partial<JobPayload>;
    options.onActive?.({ jobId: String(job.id), className: String(payload.className), stateHash: String(payload.stateHash) });
  });
  worker.on('completed', (job, result: JobReport) => options.onJob?.(result));
  worker.on('failed', (job, error) => {
    if (!job) return;
    const payload = job.data as Partial<JobPayload>;
    options.onJob?.({ jobId: String(job.id), className: String(payload.className), stateHash: String(payload.stateHash), computed: false, durationMs: 0, error: jobFailure(error.message) });
  });
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const lostAfterMs = options.lostAfterMs ?? DEFAULT_LOST_AFTER_MS;
  const ready = worker.waitUntilReady();
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new QueueError(`cannot reach Redis at ${shown}${lastError ? ` (${lastError})` : ''} within ${(lostAfterMs / 1000).toFixed(1)} s: start redis-server there or fix --redis`)), lostAfterMs).unref(),
  );
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await closeWithin(worker, true, 1000);
    throw error;
  }
  const client = await worker.backend.client;
  const stopWatching = watchConnection(() => [client], lostAfterMs, (downMs) => {
    const error = new QueueError(
      `lost the connection to Redis at ${shown}${lastError ? ` (${lastError})` : ''} for ${(downMs / 1000).toFixed(1)} s; stopping: a job in progress here either committed whole or left nothing, and BullMQ hands unfinished jobs to another worker once Redis is back`,
    );
    options.onLost?.(error);
    void stop(true);
  });
  const stop = (force: boolean) =>
    (stopping ??= (async () => {
      stopWatching();
      // Redis gone: close() cannot hand jobs back; do not wait for it forever.
      await closeWithin(worker, force, force ? 2000 : 60_000);
      resolveStopped();
    })());
  void worker.run();
  return { id, close: () => stop(false), stopped };
}

/**
 * Closes the BullMQ worker, giving up after `ms`. The timer is cleared once close() returns: left
 * running, it would hold the event loop, and a `geodata worker` stopped by SIGTERM would take the
 * whole `ms` to exit (a supervisor kills it before then).
 */
async function closeWithin(worker: Worker, force: boolean, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([worker.close(force), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function runJob(job: Job, workerId: string): Promise<JobReport> {
  const started = Date.now();
  const payload = job.data as JobPayload;
  if (payload?.format !== JOB_FORMAT) {
    throw new UnrecoverableError(`job ${job.id} has format ${JSON.stringify(payload?.format)}, and this worker (geodata) reads format ${JOB_FORMAT}: run the same geodata version on clients and workers`);
  }
  let instance;
  try {
    instance = decodeInstance(payload.instance);
  } catch (error) {
    throw new UnrecoverableError((error as Error).message);
  }
  const spec = SpatialSpec.fromJSON(payload.spec);
  await prepareIdentity(instance);
  checkJobIdentity(payload, identify(instance, spec), workerId);
  // Nested misses of this computation run here: the worker is where the work happens.
  let entry;
  try {
    entry = await withConfig({ executor: undefined }, () => produce(instance, spec));
  } catch (error) {
    // A job's failure travels as its message alone: what went wrong underneath (an error's
    // `cause`, which a caller computing here could read) must be in it, or the caller never sees it.
    const message = withCauses(error);
    // `_x` fields and #private fields are not parameters (not in the state hash), so a job does
    // not carry them and the rebuilt instance lacks them: say so when the code trips over that.
    if (causes(error).some((e) => e instanceof TypeError)) {
      throw new Error(
        `${message}; note: a worker rebuilds ${payload.className} from its parameters without running its constructor, so fields named _x and #private fields (not parameters, not in the state hash) do not exist there: make them parameters or derive them inside _process`,
        { cause: error },
      );
    }
    if (message !== (error as Error)?.message) throw new Error(message, { cause: error });
    throw error;
  }
  return { jobId: String(job.id), className: payload.className, stateHash: entry.stateHash, computed: entry.computed, durationMs: Date.now() - started };
}

/**
 * Throws an UnrecoverableError when the instance rebuilt here does not hash as where the job was
 * asked for: other code (code skew), an input file that differs (named, with both digests), or a
 * parameter that did not survive the trip. Computing it would commit a result under a hash this
 * worker's code and files do not give.
 */
export function checkJobIdentity(payload: JobPayload, identity: Identity, workerId: string): void {
  if (identity.depTreeHash !== payload.depTreeHash) {
    throw new UnrecoverableError(
      `code skew: class ${payload.className} hashes to dep tree ${identity.depTreeHash.slice(0, 12)} on worker ${workerId} but ${payload.depTreeHash.slice(0, 12)} where the job was asked for; the worker refused it rather than commit a result under a hash its code does not match: run the same pipeline code on every machine`,
    );
  }
  if (identity.stateHash === payload.stateHash) return;
  const asked = new Map((payload.inputs ?? []).map((digest) => [digest.id, digest]));
  const differing = identity.record.inputs.find((digest) => {
    const there = asked.get(digest.id);
    return there !== undefined && (there.size !== digest.size || there.sha256 !== digest.sha256);
  });
  if (differing) {
    const there = asked.get(differing.id)!;
    throw new UnrecoverableError(
      `${payload.className}: its input ${differing.id} is ${describeDigest(differing)} on worker ${workerId} but was ${describeDigest(there)} where the job was asked for: it changed since (a file replaced, or updated on its server), or the machines see different files; the worker refused the job rather than compute from other bytes: ask again once every machine sees the same version`,
    );
  }
  throw new UnrecoverableError(
    `${payload.className}: same code, but the instance rebuilt on worker ${workerId} hashes to ${identity.stateHash.slice(0, 12)}, not ${payload.stateHash.slice(0, 12)}: an input file differs between machines, or a parameter did not survive the trip (only JSON values, specs and registered instances do)`,
  );
}

function describeDigest(digest: { size: number; sha256: string }): string {
  return `${digest.size} bytes (sha256 ${digest.sha256.slice(0, 12)})`;
}

/**
 * The error's message followed by each cause's that it does not already contain (geodata's own
 * wrappers repeat their direct cause's message): `…: cannot read tile 3; caused by: HTTP 403`.
 */
function withCauses(error: unknown): string {
  let message = error instanceof Error ? error.message : describeError(error);
  for (const cause of causes(error).slice(1)) {
    const text = describeError(cause);
    const own = cause instanceof Error ? cause.message : text;
    if (!message.includes(own)) message += `; caused by: ${text}`;
  }
  return message;
}

/** `error` and its causes (including an AggregateError-like array cause), outermost first. */
function causes(error: unknown): unknown[] {
  const found: unknown[] = [];
  const visit = (e: unknown, depth: number) => {
    if (depth > 8 || e === undefined || e === null) return;
    if (Array.isArray(e)) return e.forEach((item) => visit(item, depth + 1));
    found.push(e);
    if (typeof e === 'object' && 'cause' in e) visit((e as { cause: unknown }).cause, depth + 1);
  };
  visit(error, 0);
  return found;
}
