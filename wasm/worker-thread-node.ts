/**
 * Node only: starting a worker thread with the parent's Node options, whatever `node` was run with.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The parent's Node options a worker thread can take: loaders and flags, without the parent's own
 * code (`-e`, `-p`) or its `--input-type`, which a worker refuses ("--input-type can only be used
 * with string input"): a script run as `node --input-type=module -e ...` must still get a pool.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print' || arg === '--input-type') {
      i++; // its value
      continue;
    }
    if (/^--(input-type|eval|print)=/.test(arg)) continue;
    kept.push(arg);
  }
  return kept;
}

/**
 * A worker thread given `execArgv` explicitly, less the options Node refuses for a thread: V8's
 * (`--max-old-space-size`, `--expose-gc`, `--stack-size`) and the process's own (`--title`). Those
 * already hold for the whole process, but given by name to a `Worker` they throw
 * ERR_WORKER_INVALID_EXEC_ARGV, so `node --max-old-space-size=8192 pipeline.js` got no GDAL at all.
 * Node names the refused options only in its error's message, so they are read from there.
 */
export function startWorkerThread(entry: string | URL, options: Omit<WorkerOptions, 'execArgv'>, execArgv: readonly string[]): Worker {
  // Node checks V8's options and the process's in separate passes, naming one kind per error.
  let given = [...execArgv];
  for (;;) {
    try {
      return new Worker(entry, { ...options, execArgv: given });
    } catch (error) {
      const kept = withoutOptions(given, refusedExecArgv(error));
      if (kept.length === given.length) throw error;
      given = kept;
    }
  }
}

/** The options a ERR_WORKER_INVALID_EXEC_ARGV error names ("... invalid execArgv flags: --a, --b=1"). */
function refusedExecArgv(error: unknown): Set<string> {
  if ((error as { code?: unknown })?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return new Set();
  const listed = /flags: (.*)$/s.exec((error as Error).message)?.[1] ?? '';
  return new Set(listed.split(', ').map((flag) => flag.trim()).filter((flag) => flag.startsWith('-')));
}

/** `execArgv` without `refused`; a refused option written as two words (`--title x`) loses its value too. */
function withoutOptions(execArgv: readonly string[], refused: Set<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (!refused.has(arg)) {
      kept.push(arg);
      continue;
    }
    const next = execArgv[i + 1];
    if (!arg.includes('=') && next !== undefined && !next.startsWith('-')) i++;
  }
  return kept;
}
