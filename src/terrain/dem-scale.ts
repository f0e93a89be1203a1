import type { GdalEngine, RasterInfo } from '../../wasm/engine.js';
import { crsFactsFromWkt, type WktCrsFacts } from '../../wasm/wkt.js';
import { InvalidInputError } from '../errors.js';

/**
 * The ratio `gdaldem -s` wants: how many vertical units one horizontal unit spans. geodata
 * derives it from the raster so that slope and hillshade come out right without thinking:
 *
 * - Projected CRS: the CRS's linear unit in metres divided by the elevations' unit in metres
 *   (1 for metres over metres; 0.3048 for a CRS in feet with elevations in metres; 1 again for
 *   feet over feet).
 * - Geographic CRS (degrees): metres per degree at the raster's centre latitude, divided by the
 *   elevations' unit. A degree of longitude is shorter than a degree of latitude (by cos φ), but
 *   GDAL takes one scale for both axes. geodata uses the geometric mean of the two, which splits
 *   the error: at 50° N east-west gradients come out 20 % too gentle and north-south ones 24 %
 *   too steep, where GDAL's suggested 111120 (a degree of latitude) gets north-south right and
 *   east-west 35 % too gentle. For accurate terrain far from the equator, reproject to a
 *   projected CRS first (`Reprojector`).
 * - Elevation unit: the band's unit type (`m`, `ft`, `US survey foot`...), metres when it has
 *   none. An unknown unit is an error that asks for an explicit `scale`.
 * - No CRS at all: 1 (horizontal and vertical units assumed equal, whatever the band unit).
 */

/** WGS84 metres per degree of longitude (`x`) and latitude (`y`) at a latitude (degrees). */
export function metresPerDegreeAxes(latitude: number): { x: number; y: number } {
  const phi = (Math.max(-89, Math.min(89, latitude)) * Math.PI) / 180;
  return {
    x: 111412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi) + 0.118 * Math.cos(5 * phi),
    y: 111132.92 - 559.82 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi) - 0.0023 * Math.cos(6 * phi),
  };
}

/**
 * The single metres-per-degree factor geodata gives gdaldem at a latitude: the geometric mean of
 * the east-west and north-south factors.
 * @example degreeScale(0)  // ≈ 110946
 * @example degreeScale(50) // ≈ 89301
 */
export function degreeScale(latitude: number): number {
  const { x, y } = metresPerDegreeAxes(latitude);
  return Math.sqrt(x * y);
}

const UNIT_METRES: Record<string, number> = {
  m: 1,
  metre: 1,
  meter: 1,
  metres: 1,
  meters: 1,
  km: 1000,
  cm: 0.01,
  mm: 0.001,
  ft: 0.3048,
  foot: 0.3048,
  feet: 0.3048,
  'international foot': 0.3048,
  'us-ft': 1200 / 3937,
  ftus: 1200 / 3937,
  'us survey foot': 1200 / 3937,
  us_survey_foot: 1200 / 3937,
};

/** Metres per elevation unit of a band's unit type; 1 when it has none. */
export function verticalUnitMetres(unit: string | undefined, input: string): number {
  if (unit === undefined || unit.trim() === '') return 1;
  const metres = UNIT_METRES[unit.trim().toLowerCase()];
  if (metres === undefined) {
    throw new InvalidInputError(
      `the elevations of ${input} are in unit ${JSON.stringify(unit)}, which geodata does not know; give scale (horizontal units per vertical unit) explicitly`,
    );
  }
  return metres;
}

/** The latitude of a raster's centre from its geotransform (traditional lon/lat order). */
export function centreLatitude(info: RasterInfo): number {
  const gt = info.geoTransform ?? [0, 1, 0, 0, 0, 1];
  const [width, height] = info.size;
  return gt[3] + gt[4] * (width / 2) + gt[5] * (height / 2);
}

/**
 * The `-s` that slope and hillshade use for a raster when no `scale` is given (see the rules
 * above). Exported so that a caller can see, log or reuse it.
 * @example await demScale('data/srtm.tif', { engine }) // ≈ 89301 for a DEM in degrees centred at 50° N
 */
export async function demScale(input: string, options: { engine: GdalEngine; band?: number; info?: RasterInfo }): Promise<number> {
  const { engine, band = 1 } = options;
  const info = options.info ?? (await engine.info(input));
  const unit = (info.bands[band - 1] as { unit?: string } | undefined)?.unit;
  const vertical = verticalUnitMetres(unit, input);
  const wkt = info.coordinateSystem?.wkt;
  if (!wkt) return 1;
  const crs = factsOf(wkt) ?? (await engine.crsInfo(wkt));
  const horizontal = crs.isGeographic ? degreeScale(centreLatitude(info)) : (crs.linearUnitMetres ?? 1);
  return horizontal / vertical;
}

/**
 * What the raster's own WKT (GDAL's, from `info`) says of its CRS, read without a GDAL call (one
 * costs about 0.1 s on a worker); undefined when it cannot be read, and GDAL is asked.
 */
function factsOf(wkt: string): WktCrsFacts | undefined {
  try {
    return crsFactsFromWkt(wkt);
  } catch {
    return undefined;
  }
}
