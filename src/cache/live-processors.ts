import { libraryClass } from '../fingerprint/code-marks.js';
import { defaultRegistry, sourceHash } from '../fingerprint/index.js';

/** A processor class found by name in this process, and whether it is registered. */
export interface FoundProcessor {
  cls: Function;
  registered: boolean;
}

/**
 * Finds, by the name an entry recorded (`meta.key_dependencies.processors`), the processor
 * classes as the code loaded in this process has them. In order: a registered class; one of the
 * library's own (Reprojector, Rasterizer: not registered, but exported); and a user's processor
 * that is neither (a class beside the Data class, as most are), found the way the pipeline finds
 * it: by asking the live Data class for its processor, given an entry's parameters.
 *
 * Processors learned from one entry serve the entries that name them through a Data parameter
 * (a `Slope(new Made())` whose `Made` returns a user processor), unless two live classes return
 * different processors of the same name: then neither is trusted.
 * @example
 * const finder = new ProcessorFinder();
 * finder.learn(Made, { path: '/data/dem.tif' }, 'Write'); // the class Made's getter returns
 * finder.find('Reprojector')?.cls; // geodata's own
 */
export class ProcessorFinder {
  /** Learned classes by name; null when two different ones have that name. */
  readonly #learned = new Map<string, Function | null>();

  /** The class registered under `name`, else the library's processor of that name. */
  known(name: string): FoundProcessor | undefined {
    const registered = defaultRegistry.get(name);
    if (registered) return { cls: registered, registered: true };
    const library = libraryClass(name);
    return isProcessorClass(library) ? { cls: library, registered: false } : undefined;
  }

  /**
   * The processor class `dataClass` returns for `parameters` (an entry's parameters.json), when
   * it is named `name`; remembered for {@link find}.
   */
  learn(dataClass: Function, parameters: unknown, name: string): Function | undefined {
    const found = probeProcessorClass(dataClass, parameters);
    if (!found || found.name !== name) return undefined;
    const before = this.#learned.get(name);
    if (before === undefined) this.#learned.set(name, found);
    else if (before !== null && before !== found && sourceHash(before) !== sourceHash(found)) this.#learned.set(name, null);
    return found;
  }

  /** The processor named `name`: known, else `own` (the entry's own, learned), else learned from another entry. */
  find(name: string, own?: Function): FoundProcessor | undefined {
    const known = this.known(name);
    if (known) return known;
    const cls = own?.name === name ? own : this.#learned.get(name);
    return cls ? { cls, registered: defaultRegistry.nameOf(cls) !== undefined } : undefined;
  }
}

/**
 * The class of the processor `dataClass`'s `processor` getter returns on an object that has the
 * entry's parameters as its own properties, as an instance made with them would. The constructor
 * does not run (its arguments are not known): a getter that needs what only the constructor sets
 * (or that throws for any other reason) finds nothing, and the entry cannot be judged.
 */
function probeProcessorClass(dataClass: Function, parameters: unknown): Function | undefined {
  const probe = Object.create(dataClass.prototype as object) as Record<string, unknown>;
  if (parameters !== null && typeof parameters === 'object' && !Array.isArray(parameters)) {
    for (const [key, value] of Object.entries(parameters)) {
      // Canonical parameters escape a leading `$` with another one.
      const name = key.startsWith('$$') ? key.slice(1) : key;
      Object.defineProperty(probe, name, { value, writable: true, enumerable: true, configurable: true });
    }
  }
  try {
    const processor: unknown = probe.processor;
    return processor !== null && typeof processor === 'object' ? (processor.constructor as Function) : undefined;
  } catch {
    return undefined;
  }
}

function isProcessorClass(value: unknown): value is Function {
  const prototype = (value as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  return typeof value === 'function' && typeof prototype?.run === 'function' && typeof prototype.inputs === 'function';
}
