import proj4 from 'proj4';
import type { GdalEngine } from '../../../wasm/engine.js';
import type { JsonValue } from '../../fingerprint/index.js';
import { proj4Definition } from '../../spec/crs.js';
import { SpatialSpec, type Bounds } from '../../spec/spatial-spec.js';

/** What the browser shows and filters by, read from an entry's spec.json. */
export interface GridFacts {
  crs: string;
  /** `[height, width]`; null for a CRS-only spec. */
  shape: [number, number] | null;
  /** Pixel size `[x, y]` in CRS units. */
  resolution: [number, number] | null;
  /** `[left, bottom, right, top]` in CRS units. */
  bounds: Bounds | null;
  /**
   * `[west, south, east, north]` in degrees when proj4 knows the CRS; null when it does not
   * (GDAL can still draw the footprint) or the spec is CRS only.
   */
  lonLat: [number, number, number, number] | null;
}

/** Points per side of the outline that is reprojected: edges of projected grids bulge. */
const OUTLINE_POINTS_PER_SIDE = 16;

/**
 * The facts of a stored spec.json, or null when it is not a spec.
 * @example gridFacts({ crs: 'EPSG:4326', transform: { a: 0.5, b: 0, c: 5, d: 0, e: -0.5, f: 50 }, shape: [2, 3] })?.lonLat // [5, 49, 6.5, 50]
 */
export function gridFacts(spec: JsonValue | null): GridFacts | null {
  const parsed = specFromJson(spec);
  if (!parsed) return null;
  const ring = parsed.isFullyDefined ? lonLatOutlineWithProj4(parsed) : undefined;
  return {
    crs: parsed.crs,
    shape: parsed.shape ? [parsed.shape[0], parsed.shape[1]] : null,
    resolution: parsed.resolution ?? null,
    bounds: parsed.bounds ?? null,
    lonLat: ring ? envelope(ring) : null,
  };
}

/** A SpatialSpec from stored JSON, or undefined when it is not one. */
export function specFromJson(spec: JsonValue | null | undefined): SpatialSpec | undefined {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return undefined;
  try {
    return SpatialSpec.fromJSON(spec as never);
  } catch {
    return undefined;
  }
}

/**
 * The grid's outline as `[lon, lat]` points: with proj4 when it knows the CRS, else with GDAL
 * through `engine` (when given). Undefined for a CRS-only spec, or when neither can transform it.
 */
export async function lonLatOutline(spec: SpatialSpec, engine?: GdalEngine): Promise<Array<[number, number]> | undefined> {
  if (!spec.isFullyDefined) return undefined;
  const ring = lonLatOutlineWithProj4(spec);
  if (ring) return ring;
  if (!engine) return undefined;
  const points = await engine.transformPoints(spec.crs, 'EPSG:4326', outlineRing(spec));
  const finite = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  return finite.length > 2 ? finite : undefined;
}

function lonLatOutlineWithProj4(spec: SpatialSpec): Array<[number, number]> | undefined {
  const definition = proj4Definition(spec.crs);
  if (!definition) return undefined;
  let ring: Array<[number, number]>;
  try {
    const convert = proj4(definition, 'EPSG:4326');
    ring = outlineRing(spec).map((p) => convert.forward(p) as [number, number]);
  } catch {
    return undefined;
  }
  const finite = ring.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  return finite.length > 2 ? finite : undefined;
}

/** The grid's outline in its own CRS as a ring: top, right, bottom, then left side. */
function outlineRing(spec: SpatialSpec): Array<[number, number]> {
  // outline() lists the four sides interleaved; walk each side in turn.
  const outline = spec.outline(OUTLINE_POINTS_PER_SIDE)!;
  return [0, 1, 2, 3].flatMap((side) => outline.filter((_, i) => i % 4 === side));
}

/** `[west, south, east, north]` of points. */
export function envelope(points: ReadonlyArray<readonly [number, number]>): [number, number, number, number] {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    west = Math.min(west, x);
    east = Math.max(east, x);
    south = Math.min(south, y);
    north = Math.max(north, y);
  }
  return [west, south, east, north];
}
