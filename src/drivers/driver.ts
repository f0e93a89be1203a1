import type { SpatialSpec } from '../spec/spatial-spec.js';

/** What a driver gets besides the bytes: the file's name and the spec of its entry. */
export interface DriverContext {
  /** The output's file name, for messages. */
  name: string;
  /** The entry's (completed) spec, when it has one. */
  spec?: SpatialSpec;
}

/**
 * The driver seam: turns an output file's bytes into what `load()` returns. A processor supplies
 * a default; a class can override it with a `driver` getter.
 */
export interface Driver<T = unknown> {
  /** The extension this driver reads and writes, without the dot. */
  readonly ext: string;
  read(bytes: Uint8Array, context: DriverContext): Promise<T>;
  /**
   * Loads what `read` needs (its decoder's modules), started by `load()` before it finds and
   * checks the entry so the two overlap. Optional; a failure here is left for `read` to report.
   */
  prepare?(): Promise<void>;
}
