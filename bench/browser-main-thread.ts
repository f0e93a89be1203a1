/**
 * geodata on a browser page's thread, in headless Chromium: the longest task on the page's thread
 * (PerformanceObserver 'longtask' entries, > 50 ms) while the page runs the demo pipeline from an
 * empty cache and then writes, loads and renders a 2000x2000 Float32 raster; and the time to write
 * that raster as DEFLATE by GDAL inside WebAssembly against outside it (Compression Streams),
 * interleaved, medians.
 *
 *   npx tsx bench/browser-main-thread.ts [--size 2000] [--repetitions 5] [--profile] [--v8-compile] [--bundle-h5wasm]
 *
 * The page's bundle leaves h5wasm out and maps it with an import map, as the demo does;
 * `--bundle-h5wasm` bundles it (7.8 MB instead of 2.1 MB: the fingerprint's syntax tree of the page's
 * bundle, which the page keeps, is 113 MB instead of 38 MB, and V8 marks it in every full GC).
 *
 * `--v8-compile` also traces V8's compiler (`disabled-by-default-v8.compile`) and prints, for the
 * page load and each phase, the time the page's thread spent in `V8.CollectSourcePositions`
 * (V8 parsing a script again to give a stack frame its line and column). Without `--profile`:
 * the CPU profiler makes V8 keep positions from the start, hiding that cost. Playwright's DevTools
 * client has V8 capture every new Error's stack with positions (for the inspector), which a
 * user's page does not: bench/page-load.ts measures the load without it.
 *
 * `--profile` also records a CPU profile of the page's thread (Chrome DevTools protocol) and prints,
 * for each long task, the functions its samples were in: what geodata did in it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { HAS_CHROMIUM, withBrowserPage } from '../test/helpers/browser.js';
import { formatMs, median } from './lib/timing.js';
import type { TraceEvent } from './lib/chrome-trace.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '2000' }, repetitions: { type: 'string', default: '5' }, profile: { type: 'boolean', default: false }, 'v8-compile': { type: 'boolean', default: false }, 'bundle-h5wasm': { type: 'boolean', default: false } } });
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const PROFILE = values.profile;
const V8_COMPILE = values['v8-compile'];
/** The phase name of the tasks before the first phase. */
const PAGE_LOAD = '(page load)';
const H5WASM_DIST = fileURLToPath(new URL('../node_modules/h5wasm/dist/esm/', import.meta.url));
const COMPUTE_WORKER = fileURLToPath(new URL('../src/browser/compute-worker.ts', import.meta.url));
const GDAL_DIST = fileURLToPath(new URL('../node_modules/gdal3.js/dist/package/', import.meta.url));

if (!HAS_CHROMIUM) {
  console.log('skipped: /usr/bin/chromium is not installed');
  process.exit(0);
}

// h5wasm (netCDF-4/HDF5, 5.7 MB of the 7.8 MB bundle) is served beside the page and mapped, as
// the demo does, unless --bundle-h5wasm: bundled, it tripled the syntax tree the fingerprint keeps.
const h5wasmServed = values['bundle-h5wasm']
  ? {}
  : {
      external: ['h5wasm'],
      html: '<!doctype html><meta charset="utf-8"><title>geodata bench</title><script type="importmap">{"imports":{"h5wasm":"/h5wasm/hdf5_hl.js"}}</script><script type="module" src="/entry.js"></script>',
    };
const page = {
  entry: fileURLToPath(new URL('./browser/main-thread-entry.ts', import.meta.url)),
  ...h5wasmServed,
  bundles: {
    '/engine-worker.js': fileURLToPath(new URL('../wasm/engine-worker.ts', import.meta.url)),
    // Absent before the compute worker existed (the bench then measures the old code as it was).
    ...(existsSync(COMPUTE_WORKER) ? { '/compute-worker.js': COMPUTE_WORKER } : {}),
  },
  assets: {
    '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
    '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
    '/h5wasm/hdf5_hl.js': path.join(H5WASM_DIST, 'hdf5_hl.js'),
    '/h5wasm/hdf5_util.js': path.join(H5WASM_DIST, 'hdf5_util.js'),
  },
};

type Hook = 'mainThread' | 'compression';
function inPage<T>(hook: Hook, ...args: unknown[]): Promise<{ result: T; profile?: CpuProfile; trace?: TraceEvent[] }> {
  let session: CDPSession | undefined;
  const requests: Array<{ url: string; start: number; end: number }> = [];
  const tracing = hook === 'mainThread';
  const beforeGoto = async (p: Page) => {
    // Every task of the page's thread (not only the long ones the page can observe) and the
    // phases' user-timing marks.
    if (tracing) await p.context().browser()!.startTracing(p, { categories: ['toplevel', 'blink.user_timing', '__metadata', ...(V8_COMPILE ? ['disabled-by-default-v8.compile'] : [])] });
    if (!PROFILE) return;
    p.on('requestfinished', (request) => {
      const t = request.timing();
      requests.push({ url: new URL(request.url()).pathname, start: t.startTime, end: t.startTime + t.responseEnd });
    });
    session = await p.context().newCDPSession(p);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 200 });
    await session.send('Profiler.start');
  };
  return withBrowserPage({ ...page, beforeGoto }, async (p) => {
    await p.waitForFunction(() => typeof (window as unknown as { bench?: unknown }).bench === 'object');
    const result = (await p.evaluate(([name, hookArgs]) => {
      const bench = (window as unknown as { bench: Record<string, (...a: unknown[]) => Promise<unknown>> }).bench;
      return bench[name as string]!(...(hookArgs as unknown[]));
    }, [hook, args] as const)) as T;
    const profile = session ? ((await session.send('Profiler.stop')).profile as CpuProfile) : undefined;
    if (PROFILE) {
      const origin = await p.evaluate(() => performance.timeOrigin);
      console.log('requests (page time, ms):');
      for (const r of requests) console.log(`  ${Math.round(r.start - origin)}-${Math.round(r.end - origin)} ${r.url}`);
    }
    const trace = tracing ? (JSON.parse((await p.context().browser()!.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents : undefined;
    return { result, profile, trace };
  });
}

interface MainThread {
  phases: Array<{ name: string; ms: number; longest: number; count: number }>;
  longest: number;
  /** performance.now() when the page's profilerSyncMark started. */
  syncMark: number;
  tasks: Array<{ start: number; duration: number }>;
  spans: Array<{ name: string; start: number; end: number }>;
}
const { result: main, profile, trace } = await inPage<MainThread>('mainThread', SIZE);
const load = (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ');
const { longest: traced, long } = trace ? tasksByPhase(trace, main) : { longest: undefined, long: undefined };
console.log(`page thread, longest task per phase (load ${load}):`);
console.log(`  traced: every task of the page's thread in a Chrome trace, wall-clock (what the page feels) and the`);
console.log(`  longest one's CPU time (on a loaded machine the thread waits for a core inside a task); longtask:`);
console.log(`  PerformanceObserver entries (> 50 ms) the page itself sees.`);
const row = (name: string, ms: string, wall: number, cpu: number | undefined, extra: string) =>
  console.log(`  ${name.padEnd(24)} ${ms.padStart(9)}  longest task ${String(wall).padStart(5)} ms ${wall <= 50 ? '≤ 50' : '> 50'}${cpu === undefined ? '' : `, longest CPU ${String(cpu).padStart(4)} ms`}  ${extra}`);
if (traced) row('(page load: bundle)', '', traced.get(PAGE_LOAD)?.wall ?? 0, traced.get(PAGE_LOAD)?.cpu ?? 0, '(before the first phase: the browser compiles and runs the bundle)');
for (const p of main.phases) {
  const t = traced?.get(p.name);
  row(p.name, formatMs(p.ms), t?.wall ?? p.longest, t?.cpu, `longtask: ${p.count} over 50 ms${p.count ? `, longest ${p.longest} ms` : ''}`);
}
const geodataPhases = main.phases.filter((p) => !p.name.startsWith('bench:'));
const worst = Math.max(main.longest, ...geodataPhases.map((p) => traced?.get(p.name)?.wall ?? 0));
console.log(`  longest task on the page's thread in geodata's phases: ${worst} ms (${worst <= 50 ? '≤' : '>'} 50 ms)${traced ? `; longest CPU ${Math.max(...geodataPhases.map((p) => traced.get(p.name)?.cpu ?? 0))} ms` : ''}`);
if (trace && V8_COMPILE) printCollectSourcePositions(trace, main);
if (profile) printProfile(main, profile, long ?? main.tasks.map((t) => ({ ...t, what: 'longtask entry' })));
if (REPETITIONS === 0) process.exit(0);

const { result: comp } = await inPage<{ times: Record<string, number[]>; sizes: Record<string, number> }>('compression', SIZE, REPETITIONS);
console.log(`\nwrite ${SIZE}x${SIZE} Float32 as DEFLATE in Chromium, medians of ${REPETITIONS}, interleaved:`);
const outside = median(comp.times.outside!);
for (const [how, label] of [['none', 'GDAL in wasm, uncompressed'], ['gdal', 'GDAL in wasm, level 6 (before)'], ['gdalPredictor', 'GDAL in wasm, level 6 + predictor 3'], ['outside', 'outside wasm (CompressionStream) + predictor 3']] as const) {
  const ms = median(comp.times[how]!);
  console.log(`  ${label.padEnd(48)} ${formatMs(ms).padStart(9)}  ${(comp.sizes[how]! / 1e6).toFixed(1)} MB  outside/this ${(outside / ms).toFixed(2)}x`);
}


/** A V8 CPU profile as the DevTools protocol's Profiler.stop returns it (times in µs). */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * For each long task: the share of its samples per leaf function, and per innermost frame of
 * the page's bundle (what geodata code was running, or had called into the browser).
 */
function printProfile(run: MainThread, profile: CpuProfile, tasks: Array<{ start: number; duration: number; what: string }>): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  const name = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'}${f.url ? `@${path.basename(f.url)}:${f.lineNumber + 1}` : ''}`;
  };
  // The profile clock: the first sample inside profilerSyncMark is at run.syncMark.
  const first = profile.samples.findIndex((id) => byId.get(id)!.callFrame.functionName === 'profilerSyncMark');
  if (first < 0) throw new Error('the profile has no sample in profilerSyncMark: cannot match its clock to the page');
  const offset = times[first]! / 1000 - run.syncMark;
  console.log('\nlong tasks on the page thread, with where their samples were (leaf | innermost bundle frames):');
  for (const task of tasks) {
    const span = run.spans.find((s) => task.start + task.duration / 2 >= s.start && task.start + task.duration / 2 < s.end);
    const from = (task.start + offset) * 1000;
    const to = from + task.duration * 1000;
    const leaves = new Map<string, number>();
    const stacks = new Map<string, number>();
    let count = 0;
    profile.samples.forEach((id, i) => {
      if (times[i]! < from || times[i]! >= to) return;
      count += 1;
      leaves.set(name(id), (leaves.get(name(id)) ?? 0) + 1);
      const frames: string[] = [];
      for (let n: number | undefined = id; n !== undefined && frames.length < 4; n = parent.get(n)) {
        if (byId.get(n)!.callFrame.url.endsWith('/entry.js')) frames.push(name(n));
      }
      const key = frames.join(' < ') || '(no bundle frame)';
      stacks.set(key, (stacks.get(key) ?? 0) + 1);
    });
    console.log(`  ${Math.round(task.duration)} ms at ${Math.round(task.start)} ms (${span?.name ?? 'outside phases'}), ${count} samples, task: ${task.what}`);
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 6);
    for (const [k, v] of top(leaves)) console.log(`      leaf ${String(Math.round((100 * v) / Math.max(1, count))).padStart(3)}%  ${k}`);
    for (const [k, v] of top(stacks)) console.log(`      code ${String(Math.round((100 * v) / Math.max(1, count))).padStart(3)}%  ${k}`);
  }
}



/**
 * The time the page's thread spent in `V8.CollectSourcePositions` (wall-clock and CPU, summed),
 * for the page load and each phase (an event belongs to the phase its start falls in).
 */
function printCollectSourcePositions(events: TraceEvent[], run: MainThread): void {
  const { spans, pid, tid, first } = phaseSpans(events, run);
  const sums = new Map<string, { wall: number; cpu: number; count: number }>();
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid || e.name !== 'V8.CollectSourcePositions' || e.ph !== 'X' || e.dur === undefined) continue;
    const phase = e.ts < first ? PAGE_LOAD : ([...spans].find(([, s]) => e.ts >= s.start && e.ts < s.end)?.[0] ?? '(between phases)');
    const sum = sums.get(phase) ?? { wall: 0, cpu: 0, count: 0 };
    sums.set(phase, { wall: sum.wall + e.dur / 1000, cpu: sum.cpu + (e.tdur ?? e.dur) / 1000, count: sum.count + 1 });
  }
  console.log(`\nV8.CollectSourcePositions on the page's thread (V8 parsing a script again for stack frames' positions):`);
  for (const name of [PAGE_LOAD, ...run.phases.map((p) => p.name), '(between phases)']) {
    const sum = sums.get(name);
    if (name === '(between phases)' && !sum) continue;
    console.log(`  ${name.padEnd(24)} ${String(sum?.count ?? 0).padStart(4)} times, ${String(Math.round(sum?.wall ?? 0)).padStart(5)} ms wall, ${String(Math.round(sum?.cpu ?? 0)).padStart(5)} ms CPU`);
  }
}

/** The phases' spans in trace time (µs), the page's process and main thread, and the first phase's start. */
function phaseSpans(events: TraceEvent[], run: MainThread): { spans: Map<string, { start: number; end: number }>; pid: number; tid: number; first: number; offset: number } {
  const marks = events.filter((e) => (e.cat ?? '').includes('blink.user_timing') && /^phase-(start|end):/.test(e.name));
  if (marks.length === 0) throw new Error('the trace has no phase marks: cannot tell its tasks apart');
  const pid = marks[0]!.pid;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error('the trace names no CrRendererMain thread in the page\'s process');
  const spans = new Map<string, { start: number; end: number }>();
  for (const mark of marks) {
    const [, edge, name] = /^phase-(start|end):(.*)$/.exec(mark.name)!;
    const span = spans.get(name!) ?? { start: Infinity, end: -Infinity };
    if (edge === 'start') span.start = mark.ts;
    else span.end = mark.ts;
    spans.set(name!, span);
  }
  const first = Math.min(...[...spans.values()].map((s) => s.start));
  // The trace's clock against performance.now(): a phase's start mark and its recorded start.
  const phase0 = run.spans[0]!;
  const offset = spans.get(phase0.name)!.start / 1000 - phase0.start;
  return { spans, pid, tid: main.tid, first, offset };
}

/**
 * The longest task (ms) of the page's main thread in each phase, from a trace: the renderer's
 * `ThreadControllerImpl::RunTask` events, a task belonging to the phase its middle falls in
 * (the phases' bounds are the page's `phase-start:`/`phase-end:` user-timing marks); tasks
 * before the first phase are the page's load.
 */
function tasksByPhase(events: TraceEvent[], run: MainThread): { longest: Map<string, { wall: number; cpu: number }>; long: Array<{ start: number; duration: number; what: string }> } {
  const { spans, pid, tid, first, offset } = phaseSpans(events, run);
  const longest = new Map<string, { wall: number; cpu: number }>();
  const long: Array<{ start: number; duration: number; what: string }> = [];
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid || e.ph !== 'X' || e.name !== 'ThreadControllerImpl::RunTask' || e.dur === undefined) continue;
    const middle = e.ts + e.dur / 2;
    const phase = middle < first ? PAGE_LOAD : [...spans].find(([, s]) => middle >= s.start && middle < s.end)?.[0];
    if (phase !== undefined) {
      const seen = longest.get(phase) ?? { wall: 0, cpu: 0 };
      longest.set(phase, { wall: Math.max(seen.wall, Math.round(e.dur / 1000)), cpu: Math.max(seen.cpu, Math.round((e.tdur ?? e.dur) / 1000)) });
    }
    if (e.dur > 50_000) long.push({ start: e.ts / 1000 - offset, duration: e.dur / 1000, what: `${String(e.args?.src_func ?? '?')} (${String(e.args?.src_file ?? '?').split('/').pop()}), CPU ${Math.round((e.tdur ?? e.dur) / 1000)} ms` });
  }
  return { longest, long };
}
