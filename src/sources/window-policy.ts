import type { Processor } from '../processors/processor.js';
import { Reprojector } from '../processors/reprojector.js';
import { validateResampling } from '../processors/resampling.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import type { WindowRequest } from './cog-window.js';

/**
 * Whether a processor's remote inputs may be read as windows, and which: only for a
 * `Reprojector` (a warp onto the spec reads nothing outside the spec's footprint plus its kernel)
 * producing a fully defined spec. Other processors may read their inputs whole (a vector file,
 * statistics of a raster), so they get the whole file.
 */
export function windowRequestFor(processor: Processor | undefined, spec: SpatialSpec | undefined): WindowRequest | undefined {
  if (!(processor instanceof Reprojector) || !spec?.isFullyDefined) return undefined;
  return { spec, resampling: validateResampling(processor.settings().resampling) };
}
