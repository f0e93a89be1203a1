import type { Tracked } from '../data/tracked.js';
import { PipelineError } from '../errors.js';
import { getPlatform } from '../platform.js';
import { Raster } from '../raster/raster.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { currentComputationSpec } from './active.js';

/** What {@link write} writes: a raster (GeoTIFF), bytes, text, or any other value as JSON. */
export type WritableOutput = Raster | Uint8Array | ArrayBuffer | string | Record<string, unknown> | unknown[] | number | boolean | null;

const encoder = new TextEncoder();

/**
 * pygeodata's `write(instance, data)`: inside a `_process`, writes `data` to the processed path of
 * `instance` (the computing instance itself or a co-output it yields) and resolves to that path.
 * A `Raster` is written as a GeoTIFF, bytes as they are, a string as UTF-8, anything else as JSON.
 * The spec is the running computation's unless given.
 * @example
 * async *_process(spec: SpatialSpec) {
 *   await write(this, Raster.fromArrays([low], spec));
 *   await write(new Band('high'), Raster.fromArrays([high], spec));
 *   yield this;
 *   yield new Band('high');
 * }
 */
export async function write(instance: Tracked, data: WritableOutput, spec?: SpatialSpec): Promise<string> {
  const resolved = spec ?? currentComputationSpec();
  if (!resolved) {
    throw new PipelineError(`write(${instance.constructor.name}, ...) was called outside _process: it writes an output while it is computed; call it inside _process, or pass the spec`);
  }
  const path = instance.ensureProcessedPath(resolved);
  if (data instanceof Raster) {
    await data.write(path);
    return path;
  }
  const bytes =
    data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : encoder.encode(typeof data === 'string' ? data : `${JSON.stringify(data, null, 2)}\n`);
  await getPlatform().workspace().writeFile(path, bytes);
  return path;
}
