import { PipelineError } from '../errors.js';
import type { Tracked } from '../data/tracked.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import type { Identity } from './identity.js';

/** An output being produced: where `ensureProcessedPath` points while `_process` runs. */
export interface ActiveOutput {
  identity: Identity;
  instance: Tracked;
  spec: SpatialSpec;
  /** The staging folder of the computation that produces this output. */
  stagingFolder: string;
  outputPath: string;
  /** For co-outputs: the state hash of the computation that writes them. */
  parent?: string;
}

const outputs = new Map<string, ActiveOutput>();
/** Running computations, most recent last: co-outputs are attributed to the innermost one. */
const running: string[] = [];

export function startComputation(output: ActiveOutput): void {
  if (outputs.has(output.identity.stateHash)) {
    throw new PipelineError(
      `${output.identity.className} depends on itself: its entry ${output.identity.stateHash.slice(0, 12)} is already being computed higher up this call chain`,
    );
  }
  outputs.set(output.identity.stateHash, output);
  running.push(output.identity.stateHash);
}

export function endComputation(stateHash: string): ActiveOutput[] {
  running.splice(running.lastIndexOf(stateHash), 1);
  const ended = [...outputs.values()].filter((o) => o.identity.stateHash === stateHash || o.parent === stateHash);
  for (const o of ended) outputs.delete(o.identity.stateHash);
  return ended;
}

export function isComputing(stateHash: string): boolean {
  return running.includes(stateHash);
}

export function activeOutput(stateHash: string): ActiveOutput | undefined {
  return outputs.get(stateHash);
}

/** Registers a co-output of the innermost running computation, returning where to write it. */
export function addCoOutput(identity: Identity, instance: Tracked, spec: SpatialSpec, fileName: string): ActiveOutput {
  const parentHash = running[running.length - 1];
  if (!parentHash) {
    throw new PipelineError(
      `${identity.className}.ensureProcessedPath() was called outside _process: it gives the path to write while computing; use getProcessedPath() after await process(...) to read an output`,
    );
  }
  const parent = outputs.get(parentHash)!;
  const output: ActiveOutput = {
    identity,
    instance,
    spec,
    stagingFolder: parent.stagingFolder,
    // Co-outputs share the parent's staging folder; the hash prefix keeps same-class siblings apart.
    outputPath: `${parent.stagingFolder}/co-${identity.stateHash.slice(0, 16)}-${fileName}`,
    parent: parentHash,
  };
  outputs.set(identity.stateHash, output);
  return output;
}

/** The co-outputs registered under a computation. */
export function coOutputsOf(stateHash: string): ActiveOutput[] {
  return [...outputs.values()].filter((o) => o.parent === stateHash);
}
