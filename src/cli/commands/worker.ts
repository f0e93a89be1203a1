// Node only (part of the CLI): `geodata worker`, a process that computes queued entries.
import { getConfig } from '../../config.js';
import { onPipelineEvent } from '../../pipeline/events.js';
import { ConfigError, InvalidInputError } from '../../errors.js';
import type { Command } from '../command.js';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'take jobs from a Redis queue and compute them into this cache (the store shared with the clients)',
  usage: '<pipeline-module...> --redis <url> [--concurrency N] [--queue NAME] [--lock-duration MS]',
  options: {
    redis: { type: 'string' },
    concurrency: { type: 'string' },
    queue: { type: 'string' },
    'lock-duration': { type: 'string' },
  },
  positionals: { kind: 'modules' },
  async run(context, _args, values) {
    if (typeof values.redis !== 'string') throw new InvalidInputError('geodata worker needs --redis <url>, for example --redis redis://127.0.0.1:6379');
    if (context.modules.length === 0) {
      // Every job has a class of the user's at its root (library datasets take one as input), which
      // only a pipeline module registers: such a worker would take jobs and fail each one.
      throw new ConfigError(
        'geodata worker needs the pipeline modules the clients import (geodata worker pipeline.ts --redis <url>, or --module, or modules in geodata.config.json): without them it has no class to rebuild a job with, and would take jobs from the shared queue only to fail them',
      );
    }
    if (context.moduleErrors.length > 0) {
      // Running without them, it would take the jobs of their classes from the shared queue and
      // fail each one (jobs are not retried), while healthy workers could have computed them.
      throw new ConfigError(
        `geodata worker does not start while a pipeline module failed to load (see above): it would take jobs of the classes that module registers and fail them; fix the module, then start the worker again`,
      );
    }
    const concurrency = positiveInteger(values.concurrency, '--concurrency', 1);
    const lockDurationMs = positiveInteger(values['lock-duration'], '--lock-duration', 30_000);
    const { startWorker } = await import('../../queue/worker.js');
    let lost = false;
    const worker = await startWorker({
      redis: values.redis,
      concurrency,
      lockDurationMs,
      ...(typeof values.queue === 'string' ? { queue: values.queue } : {}),
      onActive: (job) => context.print(JSON.stringify({ event: 'active', ...job })),
      onJob: (report) => {
        // One JSON line per job on stdout: what a supervisor (or a test) counts.
        context.print(JSON.stringify({ event: 'job', ...report }));
        if (report.error) context.warn(`geodata worker: job ${report.className} (${report.stateHash.slice(0, 12)}) failed: ${report.error}`);
      },
      onLost: (error) => {
        lost = true;
        context.warn(`geodata worker: error: ${error.message}`);
      },
    });
    // Every entry this process commits, job or nested: the ground truth of what was computed where.
    onPipelineEvent('commit', (event) => context.print(JSON.stringify({ event: 'commit', className: event.className, stateHash: event.stateHash })));
    // Warm the engine before saying ready: the first job should not pay GDAL's start-up.
    await getConfig().engine.crsToWkt('EPSG:4326');
    context.print(JSON.stringify({ event: 'ready', worker: worker.id, redis: values.redis, concurrency, store: getConfig().store.name }));
    const stop = () => void worker.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await worker.stopped;
    return lost ? 2 : 0;
  },
};

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || number < 1) throw new InvalidInputError(`${name} ${JSON.stringify(value)} must be a positive whole number`);
  return number;
}
