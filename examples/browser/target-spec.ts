/**
 * The grid the demo (and the notebook) reprojects to: the source's footprint in the target CRS,
 * at the chosen resolution, with edges on multiples of the resolution (as `gdalwarp -tap`), so
 * the same source, CRS and resolution always give the same spec — in the page and in Node.
 */
import { SpatialSpec, type GdalEngine } from '../../src/api.js';

/** Points along each edge of the source used to find its footprint in the target CRS. */
const OUTLINE_POINTS = 32;

/**
 * @example const spec = await targetSpec(await SpatialSpec.fromRasterFile('/in/dem.tif', engine), 'EPSG:3035', 40, engine);
 */
export async function targetSpec(source: SpatialSpec, crs: string, resolution: number, engine: GdalEngine): Promise<SpatialSpec> {
  if (!(resolution > 0)) throw new RangeError(`resolution must be a positive number of target CRS units, got ${resolution}`);
  const outline = source.outline(OUTLINE_POINTS)!;
  const points = (await engine.transformPoints(source.crs, crs, outline)).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (points.length === 0) throw new RangeError(`the source does not reach into ${crs}`);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const left = Math.floor(Math.min(...xs) / resolution) * resolution;
  const right = Math.ceil(Math.max(...xs) / resolution) * resolution;
  const bottom = Math.floor(Math.min(...ys) / resolution) * resolution;
  const top = Math.ceil(Math.max(...ys) / resolution) * resolution;
  const shape: [number, number] = [Math.round((top - bottom) / resolution), Math.round((right - left) / resolution)];
  return new SpatialSpec({ crs, transform: [resolution, 0, left, 0, -resolution, top], shape });
}
