import { onFileAccess } from '../../wasm/file-access.js';
import { getConfig } from '../config.js';
import { PipelineError } from '../errors.js';
import type { Tracked } from '../data/tracked.js';
import { getPlatform } from '../platform.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import type { StoreAdapter } from '../store/adapter.js';
import type { Identity } from './identity.js';
import { Recording } from './recorded.js';

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

interface Computation {
  main: ActiveOutput;
  coOutputs: Map<string, ActiveOutput>;
  /** What the computation uses while it runs: upstream entries, files. */
  recording: Recording;
}

/**
 * Running computations by state hash, per store: concurrent `withConfig` blocks may compute the
 * same entry into two stores at once, each its own computation.
 */
const computationsByStore = new WeakMap<StoreAdapter, Map<string, Computation>>();

/** The computations writing to the configured store. */
function storeComputations(): Map<string, Computation> {
  const store = getConfig().store;
  let computations = computationsByStore.get(store);
  if (!computations) computationsByStore.set(store, (computations = new Map()));
  return computations;
}

/** Running computations, most recent last: without an async context, co-outputs go to the innermost. */
const running: string[] = [];

/**
 * Whether computing `stateHash` now would wait for itself: it is being computed by a caller up
 * this chain. Where the platform tracks async context (Node) the chain is exact; elsewhere only a
 * computation that asks for its own entry is caught (an indirect cycle then waits on its lock).
 */
export function inCallChain(stateHash: string): boolean {
  const context = getPlatform().asyncContext?.();
  if (context) return (context.get() ?? []).includes(stateHash);
  return running[running.length - 1] === stateHash;
}

/**
 * Runs `fn` as the computation of `main` (the caller holds the entry's lock). Where the platform
 * tracks async context (Node), calls of `ensureProcessedPath` inside it are attributed to it
 * exactly, even with computations running concurrently; elsewhere to the most recent one.
 */
export async function runComputation<T>(main: ActiveOutput, fn: () => Promise<T>): Promise<T> {
  const hash = main.identity.stateHash;
  storeComputations().set(hash, { main, coOutputs: new Map(), recording: new Recording(main.stagingFolder) });
  running.push(hash);
  try {
    const context = getPlatform().asyncContext?.();
    return await (context ? context.run([...(context.get() ?? []), hash], fn) : fn());
  } finally {
    running.splice(running.lastIndexOf(hash), 1);
  }
}

/** Ends a computation, returning its main output, the co-outputs it asked paths for, and what it used. */
export function endComputation(stateHash: string): { outputs: ActiveOutput[]; recording?: Recording } {
  const computations = storeComputations();
  const computation = computations.get(stateHash);
  computations.delete(stateHash);
  return computation ? { outputs: [computation.main, ...computation.coOutputs.values()], recording: computation.recording } : { outputs: [] };
}

/**
 * What the running computation records its uses in: the one in this async context where the
 * platform tracks it (Node), else the innermost running one. So in browsers, an entry loaded or
 * a file read while two computations run concurrently may be recorded for the other one (it is
 * then checked needlessly there, and missed here): run concurrent computations in Node, or one at
 * a time, where that matters.
 */
export function currentRecording(): Recording | undefined {
  return currentComputation()?.recording;
}

// Files the engine (or the platform's readers) read belong to the computation that asked.
onFileAccess((access) => currentRecording()?.addAccess(access));

/** Where `instance` (identified as `identity`) must write its output, from inside a `_process`. */
export function outputPathFor(identity: Identity, instance: Tracked, spec: SpatialSpec, fileName: string): string {
  const context = getPlatform().asyncContext?.();
  const own = storeComputations().get(identity.stateHash);
  // Without an async context the innermost computation may be another one running concurrently:
  // an output being computed on its own is its own computation's, not a co-output.
  if (!context && own) return own.main.outputPath;
  const current = currentComputation();
  if (!current) {
    throw new PipelineError(
      `${identity.className}.ensureProcessedPath() was called outside _process: it gives the path to write while computing; use getProcessedPath() after await produce(...) to read an output`,
    );
  }
  if (current.main.identity.stateHash === identity.stateHash) return current.main.outputPath;
  let output = current.coOutputs.get(identity.stateHash);
  if (!output) {
    const folder = current.main.stagingFolder;
    output = {
      identity,
      instance,
      spec,
      stagingFolder: folder,
      // Co-outputs share the parent's staging folder; the hash prefix keeps same-class siblings apart.
      outputPath: `${folder}/co-${identity.stateHash.slice(0, 16)}-${fileName}`,
      parent: current.main.identity.stateHash,
    };
    current.coOutputs.set(identity.stateHash, output);
  }
  return output.outputPath;
}

/** The spec of the computation running here (inside a `_process`), or undefined outside one. */
export function currentComputationSpec(): SpatialSpec | undefined {
  return currentComputation()?.main.spec;
}

function currentComputation(): Computation | undefined {
  const context = getPlatform().asyncContext?.();
  const hash = context ? context.get()?.at(-1) : running[running.length - 1];
  return hash === undefined ? undefined : storeComputations().get(hash);
}
