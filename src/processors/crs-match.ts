import type { GdalEngine } from '../../wasm/engine.js';

/**
 * Whether two CRS definitions (authority codes, WKT, PROJ strings) are the same CRS, as far as
 * reprojecting is concerned: equal authority codes when both have one, else equal WKT2 as GDAL
 * writes it. A false "different" only costs a reprojection that changes nothing.
 * @example await sameCrs(engine, 'EPSG:4326', layerWkt) // true for lux.shp
 */
export async function sameCrs(engine: GdalEngine, a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  const [first, second] = await Promise.all([engine.crsInfo(a), engine.crsInfo(b)]);
  if (first.authority && second.authority) return first.authority === second.authority;
  return first.wkt === second.wkt;
}
