import { GeodataError } from '../errors.js';

/** The job queue failed: Redis unreachable or lost (the message names its URL), or a job refused or failed on a worker. */
export class QueueError extends GeodataError {
  override name = 'QueueError';
}
