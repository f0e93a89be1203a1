import { markFrameworkBase } from '../fingerprint/registry.js';
import { Tracked } from './tracked.js';

/**
 * A dataset. Subclass it, declare parameters as instance properties, and either return a
 * `processor` or implement `_process(spec)`; `load(new MyData())` returns the output. `Output`,
 * optional, declares what `load` returns where the processor does not tell
 * (`class Slope extends Data<Raster>`).
 *
 * @example
 * @register
 * class ElevationLoader extends Data {
 *   get processor() { return new Reprojector('data/elevation.tif'); }
 * }
 */
export class Data<Output = unknown> extends Tracked<Output> {
  static override readonly objectType: 'data' | 'figure' = 'data';
}

// Library code: the inheritance walk of fingerprints stops here.
markFrameworkBase(Data);
