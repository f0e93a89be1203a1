/** Terrain analysis (gdaldem) for use inside `_process`: path in, path out. */
export { aspect, colorRelief, hillshade, roughness, slope, tpi, tri } from './gdaldem.js';
export type {
  AspectOptions,
  ColorReliefOptions,
  GradientAlgorithm,
  HillshadeOptions,
  RoughnessOptions,
  SlopeOptions,
  TerrainOptions,
  TpiOptions,
  TriOptions,
} from './terrain-options.js';
export type { ReliefColor } from './color-table.js';
export { degreeScale, demScale, metresPerDegreeAxes } from './dem-scale.js';
