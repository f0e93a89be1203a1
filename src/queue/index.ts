// The `geodata/queue` entry (Node only): misses as BullMQ jobs on Redis, and the workers that take them.
import '../node/setup-node.js';

export { queueExecutor, type QueueExecutor, type QueueExecutorOptions } from './queue-executor.js';
export { startWorker, type JobReport, type RunningWorker, type WorkerOptions } from './worker.js';
export { QueueError } from './queue-error.js';
export { DEFAULT_QUEUE } from './redis-connection.js';
