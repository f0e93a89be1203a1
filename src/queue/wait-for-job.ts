// Node only: how a client waits for its job to end, across Redis reconnections.
import type { EventEmitter } from 'node:events';
import { Job, type Queue, type QueueEvents } from 'bullmq';

/**
 * How often a waiting call asks Redis for its job's state. Events alone are not enough: those
 * sent while the connection was down are lost, and a Redis that restarted without persistence has
 * forgotten the job, so no event will ever come.
 */
export const JOB_CHECK_INTERVAL_MS = 2000;

/** How a job ended, as a waiting client sees it; `gone`: Redis no longer has it (restarted, or removed). */
export type JobEnd = { state: 'completed' } | { state: 'failed'; reason: string } | { state: 'gone' };

/**
 * Resolves when the job `jobId` of `queue` ends: by its `completed`/`failed` event, or by its state
 * in Redis, checked now and every `checkEveryMs`. Rejects only when Redis cannot be asked.
 * @example const end = await waitForJob(queue, events, job.id!); // { state: 'completed' }
 */
export function waitForJob(queue: Queue, queueEvents: QueueEvents, jobId: string, checkEveryMs = JOB_CHECK_INTERVAL_MS): Promise<JobEnd> {
  // Per-job event names (`completed:<id>`), which BullMQ emits but does not type.
  const events = queueEvents as unknown as EventEmitter;
  return new Promise<JobEnd>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const completedEvent = `completed:${jobId}`;
    const failedEvent = `failed:${jobId}`;
    const settle = (end: { value: JobEnd } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      events.off(completedEvent, onCompleted);
      events.off(failedEvent, onFailed);
      if ('value' in end) resolve(end.value);
      else reject(end.error);
    };
    const onCompleted = () => settle({ value: { state: 'completed' } });
    const onFailed = (args: { failedReason?: string }) => settle({ value: { state: 'failed', reason: args.failedReason ?? 'no reason given' } });
    events.on(completedEvent, onCompleted);
    events.on(failedEvent, onFailed);
    const check = async () => {
      if (settled) return;
      try {
        const state = await queue.getJobState(jobId);
        if (state === 'completed') return settle({ value: { state: 'completed' } });
        if (state === 'failed') {
          const job = await Job.fromId(queue, jobId);
          return settle({ value: { state: 'failed', reason: job?.failedReason ?? 'no reason given' } });
        }
        if (state === 'unknown') return settle({ value: { state: 'gone' } });
      } catch (error) {
        return settle({ error });
      }
      if (!settled) timer = setTimeout(() => void check(), checkEveryMs);
    };
    void check();
  });
}
