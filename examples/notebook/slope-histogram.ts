/**
 * A chart drawn with Observable Plot in the page: the distribution of the example's slope. Its
 * `_process` returns Plot's `<svg>`, drawn on the page's own document (`svgDocument()`), so the
 * cache stores it as `.svg`.
 */
import * as Plot from '@observablehq/plot';
import { Figure, load, register, Slope, svgDocument, type SpatialSpec } from 'geodata';
import type { Elevation } from '../pipeline.js';

export class SlopeHistogram extends Figure {
  constructor(public elevation: Elevation) {
    super();
  }
  async _process(spec: SpatialSpec) {
    const slope = await load(new Slope(this.elevation), spec);
    // Pixels without a slope (the nodata value at the grid's edge) are left out.
    const degrees = Array.from(slope.band(0).data).filter((value) => Number.isFinite(value) && value !== slope.nodata);
    return Plot.rectY(degrees, Plot.binX({ y: 'count' }, { x: (value: number) => value, thresholds: 30 })).plot({
      document: (await svgDocument()) as Document,
      width: 640,
      height: 240,
      x: { label: 'Slope (°)' },
      y: { label: 'Pixels', grid: true },
    });
  }
}
register(SlopeHistogram);
