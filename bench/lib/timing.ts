/**
 * Small helpers for benches: time an async function or a native command several times and
 * compare medians. Benches print ratios measured side by side in one run, never absolute
 * thresholds (the machine is shared).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** The median of some durations (ms). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `body` `repetitions` times in sequence; returns each duration in ms. */
export async function timeAsync(repetitions: number, body: (index: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let index = 0; index < repetitions; index += 1) {
    const start = performance.now();
    await body(index);
    durations.push(performance.now() - start);
  }
  return durations;
}

/** Whether a native program is installed (GDAL's print their version to stdout). */
export function hasNativeCommand(command: string): boolean {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return !result.error && result.stdout.trim().length > 0;
}

/**
 * Runs a native command `repetitions` times; returns each wall-clock duration in ms, process
 * start included (a few ms for GDAL's programs, part of what a user of native GDAL pays too).
 */
export function timeNative(repetitions: number, command: string, args: readonly string[]): number[] {
  const durations: number[] = [];
  for (let index = 0; index < repetitions; index += 1) {
    const start = performance.now();
    const result = spawnSync(command, args, { encoding: 'utf8' });
    durations.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
  }
  return durations;
}

/** `1234.5` → `"1235 ms"`. */
export function formatMs(value: number): string {
  return `${Math.round(value)} ms`;
}
