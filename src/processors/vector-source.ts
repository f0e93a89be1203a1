import type { GdalEngine } from '../../wasm/engine.js';
import { CrsError, GdalError, InvalidInputError } from '../errors.js';
import { sameCrs } from './crs-match.js';
import { withInputContext } from './input-errors.js';
import { describeInput } from './option-checks.js';
import type { InputRef, ProcessorContext } from './processor.js';

/** One layer of a vector source, as a processor needs to know it. */
export interface VectorLayer {
  /** Path in the engine's file system. */
  path: string;
  /** The source, for messages. */
  name: string;
  layer: string;
  featureCount: number;
  fields: Array<{ name: string; type: string }>;
  /** The layer's CRS as WKT, if it has one. */
  crsWkt?: string;
}

/** A field value as `ogrinfo -json` gives it; null for unset fields. */
export type FieldValue = number | string | null;

/** Quotes a layer or field name for OGR SQL: `"name"`, a `"` in it as `\"` (OGR SQL does not read SQL's `""`). */
export function sqlName(name: string): string {
  return `"${name.replace(/"/g, '\\"')}"`;
}

/** Quotes a layer or field name for GDAL's SQLite dialect: `"name"`, a `"` in it doubled. */
function sqliteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A value as an OGR SQL literal: numbers as round-trip decimals, strings in single quotes. */
export function sqlLiteral(value: number | string): string {
  return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
}

const NOT_VECTOR_REMEDY =
  'It is not a vector file GDAL reads here: give GeoJSON, a Shapefile (the .shp beside its .shx and .dbf, or zipped and named .shp.zip), GeoPackage, FlatGeobuf, KML (a KMZ unzipped) or CSV; a raster goes to a Reprojector.';

/** Opens a vector source and picks its layer (`layer`, or the first). */
export async function inspectVectorLayer(
  ref: InputRef,
  context: Pick<ProcessorContext, 'engine' | 'resolveInput'>,
  who: string,
  layerName?: string,
): Promise<VectorLayer> {
  const name = describeInput(ref);
  const path = await withInputContext(`${who} source ${name}`, () => context.resolveInput(ref));
  const info = await withInputContext(`${who} source ${name}`, () => context.engine.vectorInfo(path)).catch((error: unknown) => {
    // GDAL's words name no remedy; the usual causes are a raster, a KMZ, or a zipped Shapefile not named .shp.zip.
    if (error instanceof GdalError && /not recognized as a supported file format/.test(error.message)) {
      throw new GdalError(`${error.message} ${NOT_VECTOR_REMEDY}`, error.details, { cause: error });
    }
    throw error;
  });
  const label = name === path ? name : `${name} (${path})`;
  if (info.layers.length === 0) throw new InvalidInputError(`${who}: ${label} has no vector layer; give a file with features (GeoJSON, Shapefile, GeoPackage, FlatGeobuf...)`);
  const layer = layerName === undefined ? info.layers[0]! : info.layers.find((candidate) => candidate.name === layerName);
  if (!layer) {
    throw new InvalidInputError(`${who}: ${label} has no layer ${JSON.stringify(layerName)}; its layers are ${info.layers.map((l) => JSON.stringify(l.name)).join(', ')}`);
  }
  if (layer.geometryFields.length === 0) {
    // GDAL reads such a layer as a table: gdal_rasterize would burn nothing and write only the fill.
    throw new InvalidInputError(
      `${who}: layer ${layer.name} of ${label} has no geometry column, so it has nothing to burn; give a layer with geometries (a CSV needs a WKT column, or a conversion with its coordinate columns named: ogr2ogr -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y out.gpkg in.csv)`,
    );
  }
  const crsWkt = layer.geometryFields.find((field) => field.coordinateSystem?.wkt)?.coordinateSystem?.wkt;
  const featureCount = layer.featureCount ?? (await countFeatures(context.engine, path, layer.name, label));
  return { path, name: label, layer: layer.name, featureCount, fields: layer.fields.map(({ name: field, type }) => ({ name: field, type })), ...(crsWkt ? { crsWkt } : {}) };
}

async function countFeatures(engine: GdalEngine, path: string, layer: string, label: string): Promise<number> {
  const info = await engine.vectorInfo(path, ['-features', '-sql', `SELECT COUNT(*) AS n FROM ${sqlName(layer)}`]);
  const value = featuresOf(info.layers[0])[0]?.properties?.n;
  if (typeof value !== 'number') throw new GdalError(`cannot count the features of layer ${layer} of ${label}`, { operation: 'vectorInfo', path });
  return value;
}

/** The field of a layer, or an error listing the fields there are. */
export function fieldOf(layer: VectorLayer, field: string, who: string, option: string): { name: string; type: string } {
  const found = layer.fields.find((candidate) => candidate.name === field);
  if (found && /List$/.test(found.type)) {
    // GDAL's JSON gives such a field as an array, which no band or burn value can be.
    throw new InvalidInputError(
      `${who} ${option}: field ${JSON.stringify(field)} of layer ${layer.layer} (${layer.name}) is a list (${found.type}), which cannot be burned; burn a field holding one value per feature (ogr2ogr -sql can make one)`,
    );
  }
  if (found) return found;
  const list = layer.fields.map((candidate) => `${candidate.name} (${candidate.type})`).join(', ') || 'none';
  throw new InvalidInputError(`${who} ${option}: layer ${layer.layer} of ${layer.name} has no field ${JSON.stringify(field)}; its fields are ${list}`);
}

/**
 * The distinct values of a field (`SELECT DISTINCT`), without reading geometries: what
 * rasterizing the field can burn, including null for features that have none. Real values are
 * read exactly: GDAL's JSON prints doubles with 15 significant digits (1/3 as 0.333333333333333,
 * which no feature equals), so they are formatted by SQLite with 17.
 */
export async function distinctValues(engine: GdalEngine, layer: VectorLayer, field: string): Promise<FieldValue[]> {
  const real = layer.fields.find((candidate) => candidate.name === field)?.type === 'Real';
  const column = sqliteName(field);
  const args = real
    ? ['-dialect', 'SQLite', '-sql', `SELECT DISTINCT CASE WHEN ${column} IS NULL THEN NULL ELSE printf('%!.17g', ${column}) END AS ${column} FROM ${sqliteName(layer.layer)}`]
    : ['-sql', `SELECT DISTINCT ${sqlName(field)} FROM ${sqlName(layer.layer)}`];
  const info = await engine.vectorInfo(layer.path, ['-features', ...args]);
  return featuresOf(info.layers[0]).map((feature) => {
    const value = feature.properties?.[field];
    if (real && typeof value === 'string') return Number(value);
    // A Boolean field (OGR's Integer subtype) is true/false in GDAL's JSON, 1/0 in its SQL and when burned.
    if (typeof value === 'boolean') return Number(value);
    return typeof value === 'number' || typeof value === 'string' ? value : null;
  });
}

function featuresOf(layer: unknown): Array<{ properties?: Record<string, unknown> }> {
  const features = (layer as { features?: unknown } | undefined)?.features;
  return Array.isArray(features) ? (features as Array<{ properties?: Record<string, unknown> }>) : [];
}

/**
 * The `ogr2ogr` arguments that bring a layer into `targetCrs`, or undefined when its coordinates
 * are in that CRS already. gdal_rasterize burns coordinates as they are, in whatever CRS, so the
 * vector must be reprojected first. A layer without a CRS needs `srcCrs`.
 */
export async function reprojectionArgs(engine: GdalEngine, layer: VectorLayer, targetCrs: string, srcCrs: string | undefined, who: string): Promise<string[] | undefined> {
  const crs = layer.crsWkt ?? srcCrs;
  if (crs === undefined) {
    throw new CrsError(
      `${who}: ${layer.name} has no coordinate reference system (layer ${layer.layer}); give the CRS its coordinates are in with the srcCrs option (for example { srcCrs: 'EPSG:4326' }), or add a .prj file`,
    );
  }
  if (await sameCrs(engine, crs, targetCrs)) return undefined;
  return layer.crsWkt ? ['-t_srs', targetCrs] : ['-s_srs', crs, '-t_srs', targetCrs];
}
