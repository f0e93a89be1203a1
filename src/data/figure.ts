import { markFrameworkBase } from '../fingerprint/registry.js';
import { Tracked } from './tracked.js';

/**
 * A figure: like `Data`, but its outputs live under `figures/`, default to PNG, and it has no
 * `load` (use `process` and open the file).
 *
 * @example
 * @register
 * class FigureElevation extends Figure {
 *   async _process(spec) {
 *     const elevation = await load(new ElevationLoader(), spec);
 *     return renderRaster(elevation.band(0), { colormap: 'terrain', colorbar: { label: 'Elevation', units: 'm' } });
 *   }
 * }
 */
export class Figure extends Tracked {
  static override readonly objectType: 'data' | 'figure' = 'figure';

  override get ext(): string {
    return this.processor?.ext ?? this.driver?.ext ?? 'png';
  }
}

// Library code: the inheritance walk of fingerprints stops here.
markFrameworkBase(Figure);
