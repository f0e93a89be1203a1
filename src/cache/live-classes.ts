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
  readonly #variants = new Map<string, LiveClass[]>();

  /**
   * The class registered under `name` now, a BrokenClass, or undefined when none is registered.
   * Given the `depTreeHash` an entry was made with: the class of that name that has it, when two
   * modules each registered an identical class of that name (see `ClassRegistry.variants`), so
   * an entry of either is judged by its own class.
   */
  get(name: string, depTreeHash?: string): LiveClass | BrokenClass | undefined {
    if (!this.#byName.has(name)) this.#byName.set(name, describeLive(name));
    const found = this.#byName.get(name);
    if (depTreeHash === undefined || !isLive(found) || found.depTreeHash === depTreeHash) return found;
    return this.#others(name).find((live) => live.depTreeHash === depTreeHash) ?? found;
  }

  #others(name: string): LiveClass[] {
    let others = this.#variants.get(name);
    if (!others) {
      others = defaultRegistry
        .variants(name)
        .slice(1)
        .map((cls) => describeLive(name, cls))
        .filter(isLive);
      this.#variants.set(name, others);
    }
    return others;
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

function describeLive(name: string, variant?: Function): LiveClass | BrokenClass | undefined {
  // A ready-made class of the library (`Slope`...) registers only when first used, so a process
  // that only judges the cache (the CLI, the browser) finds it among the marked library classes.
  const cls = variant ?? defaultRegistry.get(name) ?? libraryClass(name);
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
