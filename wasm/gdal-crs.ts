import { CrsError, describeValue } from '../src/errors.js';
import type { CrsInfo } from './engine.js';
import { TRADITIONAL_GIS_ORDER } from './gdal-api.js';
import { runGdalCall, type CallContext, type GdalCall } from './gdal-call.js';
import type { GdalRuntime } from './gdal-runtime.js';
import { crsFactsFromWkt } from './wkt.js';

/**
 * CRS questions answered by GDAL/PROJ inside the module: any definition GDAL accepts (authority
 * codes, WKT, PROJ strings, PROJJSON) becomes WKT2, facts, a PROJ.4 string, or transformed points.
 */
type Context = Omit<CallContext, 'subject' | 'operation'>;

const OGRERR_NONE = 0;

function short(crs: string): string {
  return describeValue(crs.trim());
}

/** A spatial reference handle for `crs`, destroyed when the call ends; unknown → CrsError. */
function spatialReference(call: GdalCall, crs: string, cleanup: Array<() => void>): number {
  const { api } = call.runtime;
  const handle = api.OSRNewSpatialReference(0);
  cleanup.push(() => api.OSRDestroySpatialReference(handle));
  if (api.OSRSetFromUserInput(handle, call.heap.string(crs)) !== OGRERR_NONE) {
    const reason = call.failures().map((failure) => failure.message).join('; ') || 'GDAL/PROJ does not recognise it';
    throw new CrsError(`unknown CRS ${short(crs)}: ${reason}. Use an authority code such as "EPSG:3035", WKT, a PROJ string or PROJJSON`);
  }
  return handle;
}

function exportWkt2(call: GdalCall, srs: number): string {
  const { api } = call.runtime;
  const key = call.heap.string('OSR_WKT_FORMAT');
  // OSRExportToWktEx is not exported; OSRExportToWkt honours this option and would otherwise write WKT1.
  api.CPLSetThreadLocalConfigOption(key, call.heap.string('WKT2_2019'));
  try {
    const out = call.heap.slot();
    if (api.OSRExportToWkt(srs, out) !== OGRERR_NONE || !call.heap.readSlot(out)) {
      throw new CrsError(`cannot export CRS as WKT2: ${call.failures().map((failure) => failure.message).join('; ') || 'no message'}`);
    }
    return call.heap.takeString(call.heap.readSlot(out));
  } finally {
    api.CPLSetThreadLocalConfigOption(key, 0);
  }
}

function withCleanup<T>(body: (cleanup: Array<() => void>) => T): T {
  const cleanup: Array<() => void> = [];
  try {
    return body(cleanup);
  } finally {
    for (const release of cleanup.reverse()) release();
  }
}

/** The WKT2 (2019) of `crs`. */
export function crsToWkt(runtime: GdalRuntime, context: Context, crs: string): string {
  return runGdalCall(runtime, { ...context, operation: 'crsToWkt', subject: short(crs) }, (call) =>
    withCleanup((cleanup) => exportWkt2(call, spatialReference(call, crs, cleanup))),
  );
}

/**
 * A PROJ.4 string through `gdalinfo -proj4` on an empty in-memory dataset, since OSRExportToProj4
 * is not exported. Undefined when PROJ cannot express the CRS that way.
 */
function proj4Of(call: GdalCall, wkt: string): string | undefined {
  const { api } = call.runtime;
  const driver = api.GDALGetDriverByName(call.heap.string('MEM'));
  const dataset = driver ? api.GDALCreate(driver, call.heap.string(''), 1, 1, 0, 1, 0) : 0;
  if (!dataset) return undefined;
  call.own(dataset);
  if (api.GDALSetProjection(dataset, call.heap.string(wkt)) !== 0) return undefined;
  const argv = ['-json', '-proj4', '-nomd', '-noct', '-norat', '-nogcp'];
  const options = api.GDALInfoOptionsNew(call.heap.stringList(argv), 0);
  if (!options) return undefined;
  try {
    const text = api.GDALInfo(dataset, options);
    if (!text) return undefined;
    const info = JSON.parse(call.heap.takeString(text)) as { coordinateSystem?: { proj4?: string } };
    return info.coordinateSystem?.proj4?.trim() || undefined;
  } finally {
    api.GDALInfoOptionsFree(options);
  }
}

/** WKT2, authority, geographic or not, linear unit and PROJ.4 string of `crs`. */
export function crsInfo(runtime: GdalRuntime, context: Context, crs: string): CrsInfo {
  const wkt = crsToWkt(runtime, context, crs);
  // Warnings from the PROJ.4 export (a CRS PROJ.4 cannot express) are not the caller's problem.
  const proj4 = runGdalCall(runtime, { ...context, onWarning: undefined, operation: 'crsInfo', subject: short(crs) }, (call) => {
    try {
      return proj4Of(call, wkt);
    } finally {
      call.messages.length = 0;
    }
  });
  const facts = crsFactsFromWkt(wkt);
  return { wkt, ...facts, ...(proj4 ? { proj4 } : {}) };
}

/**
 * Transforms points in traditional GIS order (x = easting/longitude) whatever the CRSs' axis
 * order. Points PROJ cannot transform (outside the projection's domain) come back as [NaN, NaN].
 */
export function transformPoints(
  runtime: GdalRuntime,
  context: Context,
  srcCrs: string,
  dstCrs: string,
  points: ReadonlyArray<readonly [number, number]>,
): Array<[number, number]> {
  if (points.length === 0) return [];
  const subject = `${short(srcCrs)} → ${short(dstCrs)}`;
  return runGdalCall(runtime, { ...context, operation: 'transformPoints', subject }, (call) =>
    withCleanup((cleanup) => {
      const { api } = runtime;
      const source = spatialReference(call, srcCrs, cleanup);
      const target = spatialReference(call, dstCrs, cleanup);
      api.OSRSetAxisMappingStrategy(source, TRADITIONAL_GIS_ORDER);
      api.OSRSetAxisMappingStrategy(target, TRADITIONAL_GIS_ORDER);
      const transformation = api.OCTNewCoordinateTransformation(source, target);
      if (!transformation) {
        const reason = call.failures().map((failure) => failure.message).join('; ') || 'PROJ found no transformation';
        throw new CrsError(`cannot transform points from ${subject}: ${reason}`);
      }
      cleanup.push(() => api.OCTDestroyCoordinateTransformation(transformation));
      const xs = call.heap.doubles(points.map((point) => point[0]));
      const ys = call.heap.doubles(points.map((point) => point[1]));
      api.OCTTransform(transformation, points.length, xs, ys, 0);
      // Per-point failures are reported as CE_Failure messages and infinite coordinates; they
      // are data (a point outside the projection's domain), not a failed call.
      call.messages.length = 0;
      const x = call.heap.readDoubles(xs, points.length);
      const y = call.heap.readDoubles(ys, points.length);
      return x.map((value, index): [number, number] =>
        Number.isFinite(value) && Number.isFinite(y[index]!) ? [value, y[index]!] : [Number.NaN, Number.NaN],
      );
    }),
  );
}
