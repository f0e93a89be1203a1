/**
 * Runs inside a corpus project, in a fresh Node process (tsx): imports the project's pipeline,
 * asks `explain()` about every target, loads them in order, and prints one JSON line
 * (`@@corpus {...}`) with what was computed, what was a hit and what explain said.
 */
import { explain, Figure, load, onPipelineEvent, process as processEntry, type Tracked } from '../../src/node.js';

/** A target of a corpus project: what the user loads, by a label. */
export interface Target {
  label: string;
  make: () => Tracked | Promise<Tracked>;
}

/** What one run printed. */
export interface RunReport {
  /** Class names of the entries committed, in order. */
  computed: string[];
  /** Class names of the hits, in order. */
  hits: string[];
  misses: Array<{ className: string; reason: string; detail?: string }>;
  /** explain().summary per target label, asked before anything was loaded. */
  explain: Record<string, string[]>;
  /** The output checksum of each target's entry after the run. */
  outputs: Record<string, string>;
  /** Computations started per class (a computation may commit several entries: co-outputs). */
  runs: Record<string, number>;
}

export async function runTargets(targets: Target[]): Promise<void> {
  const report: RunReport = { computed: [], hits: [], misses: [], explain: {}, outputs: {}, runs: {} };
  const instances = new Map<string, Tracked>();
  for (const target of targets) instances.set(target.label, await target.make());
  for (const [label, instance] of instances) report.explain[label] = (await explain(instance)).summary;
  onPipelineEvent('*', (event) => {
    if (event.type === 'commit') report.computed.push(event.className);
    if (event.type === 'hit') report.hits.push(event.className);
    if (event.type === 'start') report.runs[event.className] = (report.runs[event.className] ?? 0) + 1;
    if (event.type === 'miss') {
      const detail = (event as { detail?: string }).detail;
      report.misses.push({ className: event.className, reason: event.reason, ...(detail ? { detail } : {}) });
    }
  });
  for (const [label, instance] of instances) {
    if (!(instance instanceof Figure)) await load(instance);
    report.outputs[label] = (await processEntry(instance)).meta.output.sha256;
  }
  console.log(`@@corpus ${JSON.stringify(report)}`);
}
