import { libraryClass } from '../fingerprint/code-marks.js';
import { analyseClass } from '../fingerprint/dependencies.js';
import { defaultRegistry, type TreeRecord } from '../fingerprint/index.js';

/** A class registered in this process, with the hashes its code has now. */
export interface LiveClass {
  name: string;
  cls: Function;
  /** `data` or `figure` for pipeline classes; `helper` for other registered classes (a base, a processor). */
  objectType: 'data' | 'figure' | 'helper';
  sourceHash: string;
  tree: TreeRecord;
  depTreeHash: string;
}

/** A registered class whose fingerprint cannot be taken (a broken `static uses`, say). */
export interface BrokenClass {
  name: string;
  error: string;
}

/**
 * Live fingerprints of registered classes, computed once per name: a cache scan asks for the
 * same few classes once per entry.
 */
export class LiveClasses {
  readonly #byName = new Map<string, LiveClass | BrokenClass | undefined>();

  /** The class registered under `name` now, a BrokenClass, or undefined when none is registered. */
  get(name: string): LiveClass | BrokenClass | undefined {
    if (!this.#byName.has(name)) this.#byName.set(name, describeLive(name));
    return this.#byName.get(name);
  }

  /** Every registered class, sorted by name. */
  all(): Array<LiveClass | BrokenClass> {
    return defaultRegistry.names().map((name) => this.get(name)!).filter(Boolean);
  }
}

/** Whether a lookup found a class that could be fingerprinted. */
export function isLive(value: LiveClass | BrokenClass | undefined): value is LiveClass {
  return value !== undefined && 'sourceHash' in value;
}

function describeLive(name: string): LiveClass | BrokenClass | undefined {
  // A ready-made class of the library (`Slope`...) registers only when first used, so a process
  // that only judges the cache (the CLI, the browser) finds it among the marked library classes.
  const cls = defaultRegistry.get(name) ?? libraryClass(name);
  if (!cls) return undefined;
  try {
    // The same analysis the fingerprint makes: names resolved in the class's module, as loaded now.
    const analysis = analyseClass(cls);
    const declared = (cls as { objectType?: unknown }).objectType;
    return {
      name,
      cls,
      objectType: declared === 'data' || declared === 'figure' ? declared : 'helper',
      sourceHash: analysis.sourceHash,
      tree: analysis.tree,
      depTreeHash: analysis.depTreeHash,
    };
  } catch (error) {
    return { name, error: error instanceof Error ? error.message : String(error) };
  }
}
