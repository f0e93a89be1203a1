/**
 * The example pipeline: a DEM reprojected to the spec, its slope and hillshade, and two figures.
 * Used by `npm start` (examples/main.ts), by the browser demo and by the tests.
 */
import {
  Data,
  Figure,
  Hillshade,
  type InputRef,
  Reprojector,
  Slope,
  SpatialSpec,
  load,
  register,
  renderRaster,
} from '../src/api.js';

/** The grid of the example: ETRS89 / LAEA Europe, 40 m pixels, over the generated terrain. */
export const EXAMPLE_SPEC = new SpatialSpec({
  crs: 'EPSG:3035',
  transform: [40, 0, 4365000, 0, -40, 2637600],
  shape: [375, 370],
});

/**
 * Elevation on the spec's grid, from any DEM GDAL reads. The source is not a parameter itself
 * (a browser `File` cannot be fingerprinted as a value): its bytes are, through the processor.
 */
export class Elevation extends Data {
  _source: InputRef;
  constructor(source: InputRef, public resampling: 'bilinear' | 'cubic' = 'bilinear') {
    super();
    this._source = source;
  }
  override get processor() {
    return new Reprojector(this._source, { resampling: this.resampling, dstDtype: 'float32' });
  }
}
register(Elevation);

/** Elevation coloured by height over a hillshade, with a colour bar. */
export class ElevationFigure extends Figure {
  constructor(public elevation: Elevation) {
    super();
  }
  async _process(spec: SpatialSpec) {
    const elevation = await load(this.elevation, spec);
    const shade = await load(new Hillshade(this.elevation, { multidirectional: true }), spec);
    return renderRaster(elevation.band(0), {
      colormap: 'terrain',
      hillshade: shade.band(0),
      colorbar: { label: 'Elevation', units: 'm' },
      title: 'Elevation',
      // Twice the 5x7 font: the default (1 under 400 rows) is too small to read on a 375-row map.
      textScale: 2,
    });
  }
}
register(ElevationFigure);

/** Slope in degrees, with a colour bar. */
export class SlopeFigure extends Figure {
  constructor(public elevation: Elevation) {
    super();
  }
  async _process(spec: SpatialSpec) {
    const slope = await load(new Slope(this.elevation), spec);
    return renderRaster(slope.band(0), { colormap: 'viridis', range: [0, 45], colorbar: { label: 'Slope', units: '°' }, title: 'Slope', textScale: 2 });
  }
}
register(SlopeFigure);

/** Every step of the example, in the order they are printed. */
export function exampleSteps(source: InputRef) {
  const elevation = new Elevation(source);
  return [
    { name: 'elevation (reprojected)', instance: elevation },
    { name: 'slope', instance: new Slope(elevation) },
    { name: 'hillshade', instance: new Hillshade(elevation, { multidirectional: true }) },
    { name: 'elevation figure', instance: new ElevationFigure(elevation) },
    { name: 'slope figure', instance: new SlopeFigure(elevation) },
  ];
}
