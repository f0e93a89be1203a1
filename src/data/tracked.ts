import { markFrameworkBase } from '../fingerprint/registry.js';
import type { Driver } from '../drivers/driver.js';
import type { Processor } from '../processors/processor.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import type { SvgOutput } from './svg-output.js';
import { entryIsProcessed, processedPath, stagingPath } from '../pipeline/paths.js';

/** What `_process` may be: a plain (async) method, or an async generator that yields co-outputs. */
export type ProcessResult = void | Uint8Array | SvgOutput | Promise<void | Uint8Array | SvgOutput> | AsyncGenerator<Tracked, void, unknown>;

/**
 * What a subclass's `_process(spec)` may return. It produces the output for `spec` at
 * `this.ensureProcessedPath(spec)`; it may return the output's bytes instead of writing them (a
 * Figure may return SVG: a string or an `<svg>` element, stored as `.svg`), and
 * may be an async generator that yields sibling instances whose outputs it wrote too
 * (co-outputs). It is not declared on the base class, so subclasses need no `override`.
 */
export interface HasProcess {
  _process(spec: SpatialSpec): ProcessResult;
}

/**
 * What `Data` and `Figure` share: parameters are the own enumerable instance properties (names
 * starting with `_` excepted); the output is `snake_case_class_name.ext` in a folder named by the
 * entry's state hash.
 */
export abstract class Tracked<Output = unknown> {
  /** `'data'` or `'figure'`: which cache folder holds the outputs. */
  static readonly objectType: 'data' | 'figure' = 'data';

  /** A reusable recipe producing the output, instead of `_process`. */
  get processor(): Processor | undefined {
    return undefined;
  }

  /**
   * How `load` reads the output; default: the processor's, else by extension. Its type is what
   * `load` resolves to (`Output`, when the class declares one: `extends Data<Raster>`).
   */
  get driver(): Driver<Output> | undefined {
    return undefined;
  }

  /** The output's extension: the class's own, else its processor's, else its driver's, else `tif`. */
  get ext(): string {
    return this.processor?.ext ?? this.driver?.ext ?? 'tif';
  }

  /**
   * The path of the committed output for `spec` (spec defaults to the configured one). Call
   * `await produce(instance, spec)` first: the file exists only once produced. Before that, the
   * path is the one the class declares; a Figure whose `_process` returns SVG is stored as
   * `.svg`, which this path names once the entry was produced or read in this process (or from
   * the start, when the class declares `ext = 'svg'`).
   * @example await slope(new ElevationLoader().getProcessedPath(spec), this.ensureProcessedPath(spec));
   */
  getProcessedPath(spec?: SpatialSpec): string {
    return processedPath(this, spec);
  }

  /** Inside `_process`: the path where the output must be written (a staging path, committed at the end). */
  ensureProcessedPath(spec?: SpatialSpec): string {
    return stagingPath(this, spec);
  }

  /** Whether a complete, undamaged entry exists for `spec`. */
  isProcessed(spec?: SpatialSpec): Promise<boolean> {
    return entryIsProcessed(this, spec);
  }
}

// Library code: the inheritance walk of fingerprints stops here.
markFrameworkBase(Tracked);
