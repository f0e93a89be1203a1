/**
 * A page's load as a user's browser does it: headless Chromium with no DevTools client attached
 * (Playwright's, like an open DevTools, has V8 capture a detailed stack trace, with every frame's
 * line and column, for each Error made; the page-load figures of bench/browser-main-thread.ts
 * carry that cost). Bundles the bench page (bench/browser/main-thread-entry.ts, whose top-level
 * code registers the example's classes), serves it, loads it `--runs` times in a fresh profile
 * with Chromium's startup tracing, and prints per load the time the page's thread spent in
 * `V8.CollectSourcePositions` (V8 parsing a script again to give stack frames their line and
 * column) and its longest task.
 *
 *   npx tsx bench/page-load.ts [--runs 3] [--entry bench/browser/main-thread-entry.ts]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle, CHROMIUM, HAS_CHROMIUM } from '../test/helpers/browser.js';
import { startHttpServer } from '../test/helpers/http-server.js';
import { median } from './lib/timing.js';
import type { TraceEvent } from './lib/chrome-trace.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, entry: { type: 'string', default: fileURLToPath(new URL('./browser/main-thread-entry.ts', import.meta.url)) } } });
const RUNS = Number(values.runs);
/** How long Chromium traces from its start (the load must fit in it). */
const TRACE_SECONDS = 12;

if (!HAS_CHROMIUM) {
  console.log(`skipped: ${CHROMIUM} is not installed`);
  process.exit(0);
}


const script = await bundle(values.entry);
const html = '<!doctype html><meta charset="utf-8"><title>page load</title><script type="module" src="/entry.js"></script>';
const server = await startHttpServer(async (urlPath) =>
  urlPath === '/' ? { body: html, type: 'text/html; charset=utf-8' } : urlPath === '/entry.js' ? { body: script, type: 'text/javascript; charset=utf-8' } : undefined,
);

/** One load: the page thread's CollectSourcePositions (sum, wall and CPU ms) and longest task. */
async function load(): Promise<{ collect: number; collectCpu: number; count: number; longest: number; longestCpu: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'geodata-page-load-'));
  const file = path.join(dir, 'trace.json');
  try {
    const child = spawn(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${path.join(dir, 'profile')}`, '--trace-startup=toplevel,disabled-by-default-v8.compile,__metadata', `--trace-startup-file=${file}`, `--trace-startup-duration=${TRACE_SECONDS}`, '--trace-startup-format=json', server.url],
      { stdio: 'ignore' },
    );
    const started = Date.now();
    // The trace is written when its duration is over; then a moment to finish writing it.
    while (!existsSync(file) && Date.now() - started < (TRACE_SECONDS + 30) * 1000) await new Promise((resolve) => setTimeout(resolve, 250));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill();
    if (!existsSync(file)) throw new Error(`Chromium wrote no trace to ${file} within ${TRACE_SECONDS + 30} s`);
    const events = (JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
    // The page's thread: the renderer main thread that compiled the most (the bundle's).
    const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const compiles = (m: TraceEvent) => events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.name.startsWith('V8.')).length;
    const main = mains.sort((a, b) => compiles(b) - compiles(a))[0];
    if (!main) throw new Error('the trace names no renderer main thread');
    const own = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
    const collect = own.filter((e) => e.name === 'V8.CollectSourcePositions');
    const tasks = own.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
    const longest = tasks.sort((a, b) => b.dur! - a.dur!)[0];
    return {
      collect: collect.reduce((sum, e) => sum + e.dur! / 1000, 0),
      collectCpu: collect.reduce((sum, e) => sum + (e.tdur ?? e.dur!) / 1000, 0),
      count: collect.length,
      longest: (longest?.dur ?? 0) / 1000,
      longestCpu: ((longest?.tdur ?? longest?.dur) ?? 0) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (let run = 0; run < RUNS; run++) {
  const r = await load();
  results.push(r);
  const loadavg = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load ${run + 1}: V8.CollectSourcePositions ${r.count} times, ${Math.round(r.collect)} ms wall, ${Math.round(r.collectCpu)} ms CPU; longest task ${Math.round(r.longest)} ms wall, ${Math.round(r.longestCpu)} ms CPU (load ${loadavg})`);
}
console.log(`median of ${RUNS}: V8.CollectSourcePositions ${Math.round(median(results.map((r) => r.collectCpu)))} ms CPU; longest task ${Math.round(median(results.map((r) => r.longestCpu)))} ms CPU, ${Math.round(median(results.map((r) => r.longest)))} ms wall`);
await server.close();
