// Node only: a job BullMQ gave up on because the workers that took it kept stopping mid-job.

/** How many times a job is handed on after its worker stopped renewing its lock (BullMQ's maxStalledCount). */
export const STALLED_LIMIT = 2;

/** BullMQ's failedReason for a job that stalled more than STALLED_LIMIT times (moveStalledJobsToWait). */
const STALLED_REASON = 'job stalled more than allowable limit';

/**
 * What a job's failure says, with BullMQ's own text for a job its workers kept dropping replaced
 * by what happened and what to do: that reason comes from the stalled-job check of whichever
 * worker ran it, not from the job's code, and names neither.
 * @example jobFailure('job stalled more than allowable limit'); // 'each of the 3 workers that took it stopped …'
 */
export function jobFailure(reason: string): string {
  if (reason !== STALLED_REASON) return reason;
  return (
    `each of the ${STALLED_LIMIT + 1} workers that took it in turn stopped before finishing it (killed, out of memory, or frozen longer than its --lock-duration), so BullMQ gave up on it (${STALLED_REASON}): ` +
    `look in those workers' logs (and the kernel's, for the out-of-memory killer), then ask again; no entry was written`
  );
}
