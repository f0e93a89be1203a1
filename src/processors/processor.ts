import type { GdalEngine } from '../../wasm/engine.js';
import type { Driver } from '../drivers/driver.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';

/**
 * Where a processor's input comes from. In Node a string is a file path; in the browser a
 * string that parses as an http(s) URL is fetched. Blobs (a dropped `File`) and bytes work
 * everywhere.
 */
export type InputRef = string | URL | Blob | Uint8Array;

/** What a processor receives to produce one output. */
export interface ProcessorContext {
  /** The fully defined spec the output must match. */
  spec: SpatialSpec;
  /** Where to write the output, a path in the engine's file system. */
  outputPath: string;
  engine: GdalEngine;
  /** Resolves an input to a path in the engine's file system (materialising bytes if needed). */
  resolveInput(ref: InputRef): Promise<string>;
  onProgress?: (fraction: number, message?: string) => void;
  /** Tells the user something about the output that is not an error (a `warning` event and one line). */
  warn?: (message: string) => void;
}

/**
 * The processor seam: a reusable recipe (reproject a file, rasterize vectors) that a `Data`
 * class returns from its `processor` getter instead of writing `_process` itself.
 *
 * The processor's class source and `settings()` are part of the instance fingerprint; the
 * bytes of `inputs()` and `optionalInputs()` are too (and, in Node, of the files a VRT among them
 * names).
 */
export interface Processor {
  /** Output file extension without the dot (`tif`). */
  readonly ext: string;
  /** How `load` reads the output when the class names no driver; by extension otherwise. */
  readonly driver?: Driver;
  /** Inputs whose bytes the output depends on; each must exist. */
  inputs(): InputRef[];
  /**
   * Files read when they exist, such as GDAL's `.aux.xml` sidecar of a raster or a Shapefile's
   * `.prj`: fingerprinted by their bytes when they exist (a missing one adds nothing, so a file
   * path without sidecars hashes as its bytes do), so that creating, changing or deleting one
   * makes the results stale.
   * @example optionalInputs() { return ['data/dem.tif.aux.xml']; }
   */
  optionalInputs?(): InputRef[];
  /** Plain JSON-able settings that change the output. */
  settings(): Record<string, unknown>;
  /** Completes a partial spec (for example CRS only) from the inputs, such as their footprint. */
  completeSpec?(spec: SpatialSpec, context: Omit<ProcessorContext, 'spec' | 'outputPath'>): Promise<SpatialSpec>;
  run(context: ProcessorContext): Promise<void>;
}
