import type { GdalEngine, RasterInfo } from '../../wasm/engine.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';

/** Points along the outline of a raster's grid, per side. */
const PER_SIDE = 16;

/**
 * Whether the sources' footprints provably miss the spec's grid: each source's outline, densely
 * sampled and transformed into the spec's CRS, has a bounding box that does not meet the spec's
 * bounds. Undefined when it cannot be judged (a source without a CRS or a geotransform, a point
 * that does not transform): then no warning, since a warning must never be wrong.
 */
export async function footprintsMiss(infos: readonly RasterInfo[], spec: SpatialSpec, engine: GdalEngine): Promise<boolean | undefined> {
  const bounds = spec.bounds;
  if (!bounds || infos.length === 0) return undefined;
  const [left, bottom, right, top] = bounds;
  for (const info of infos) {
    const wkt = info.coordinateSystem?.wkt;
    if (!wkt || !info.geoTransform) return undefined;
    const points = await engine.transformPoints(wkt, spec.crs, outline(info.geoTransform, info.size));
    if (points.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return undefined;
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const meets = Math.min(...xs) < right && Math.max(...xs) > left && Math.min(...ys) < top && Math.max(...ys) > bottom;
    if (meets) return false;
  }
  return true;
}

/**
 * Whether features whose extent (`[minX, minY, maxX, maxY]`, in the spec's CRS) is `extent` provably
 * miss the spec's grid. Undefined when it cannot be judged (no extent, an empty or unbounded one).
 */
export function extentMisses(extent: readonly number[] | undefined, spec: SpatialSpec): boolean | undefined {
  const bounds = spec.bounds;
  if (!bounds || !extent || extent.length !== 4 || !extent.every(Number.isFinite)) return undefined;
  const [minX, minY, maxX, maxY] = extent as [number, number, number, number];
  if (minX > maxX || minY > maxY) return undefined;
  const [left, bottom, right, top] = bounds;
  // A feature on the grid's edge itself covers no pixel centre, but may touch pixels: not a miss.
  return minX > right || maxX < left || minY > top || maxY < bottom;
}

function outline(gt: readonly number[], [width, height]: readonly [number, number]): Array<[number, number]> {
  const at = (col: number, row: number): [number, number] => [gt[0]! + col * gt[1]! + row * gt[2]!, gt[3]! + col * gt[4]! + row * gt[5]!];
  const points: Array<[number, number]> = [];
  for (let i = 0; i < PER_SIDE; i++) {
    const f = i / PER_SIDE;
    points.push(at(f * width, 0), at(width, f * height), at((1 - f) * width, height), at(0, (1 - f) * height));
  }
  return points;
}
