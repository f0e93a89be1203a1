/**
 * A user's pipeline, as the README teaches it, in a project that installed geodata from its
 * tarball (test/package/install.test.ts copies this folder there). Decorators, parameter
 * properties and `override`: what tsc and tsx each compile their own way.
 */
import { Data, Figure, Reprojector, Slope, SpatialSpec, load, register, renderRaster, type InputRef } from 'geodata';

/** ETRS89 / LAEA Europe, 80 m pixels, over the generated terrain. */
export const SPEC = new SpatialSpec({ crs: 'EPSG:3035', transform: [80, 0, 4365000, 0, -80, 2637600], shape: [188, 185] });

/** Elevation on the grid, from a DEM given as a path (Node) or as bytes (a page). */
@register
export class Elevation extends Data {
  _source: InputRef;
  constructor(source: InputRef) {
    super();
    this._source = source;
  }
  override get processor() {
    return new Reprojector(this._source, { resampling: 'bilinear', dstDtype: 'float32' });
  }
}

// Registered, not exported: only the copy of geodata this module imports knows it, so only a
// `geodata` command that uses that same copy can see it.
@register
class SlopeMap extends Figure {
  constructor(public elevation: Elevation) {
    super();
  }
  async _process(spec: SpatialSpec) {
    const degrees = await load(new Slope(this.elevation), spec);
    return renderRaster(degrees.band(0), { colormap: 'viridis', range: [0, 45], colorbar: { label: 'Slope', units: '°' } });
  }
}

/** Everything the pipeline makes, in order. */
export function targets(source: InputRef) {
  const elevation = new Elevation(source);
  return [elevation, new Slope(elevation), new SlopeMap(elevation)];
}
