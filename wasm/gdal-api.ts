import type { EmscriptenModule } from './emscripten.js';

/**
 * Typed `cwrap` bindings of the GDAL C functions the engine calls. Every pointer (strings
 * included) is a number: strings are placed on the heap by `HeapScope`, not on Emscripten's small
 * stack, because WKT, PROJJSON and option lists can be long.
 */
export interface GdalApi {
  CPLErrorReset(): void;
  CPLSetErrorHandler(handler: number): number;
  CPLSetThreadLocalConfigOption(key: number, value: number): void;

  GDALOpenEx(path: number, flags: number, drivers: number, openOptions: number, siblings: number): number;
  GDALClose(dataset: number): void;
  GDALGetDriverByName(name: number): number;
  GDALCreate(driver: number, name: number, width: number, height: number, bands: number, type: number, options: number): number;
  GDALSetProjection(dataset: number, wkt: number): number;

  GDALInfoOptionsNew(argv: number, forBinary: number): number;
  GDALInfoOptionsFree(options: number): void;
  GDALInfo(dataset: number, options: number): number;
  GDALVectorInfoOptionsNew(argv: number, forBinary: number): number;
  GDALVectorInfoOptionsFree(options: number): void;
  GDALVectorInfo(dataset: number, options: number): number;

  GDALWarpAppOptionsNew(argv: number, forBinary: number): number;
  GDALWarpAppOptionsFree(options: number): void;
  GDALWarpAppOptionsSetProgress(options: number, progress: number, data: number): void;
  GDALWarp(dest: number, destDataset: number, count: number, sources: number, options: number, usageError: number): number;
  GDALTranslateOptionsNew(argv: number, forBinary: number): number;
  GDALTranslateOptionsFree(options: number): void;
  GDALTranslate(dest: number, source: number, options: number, usageError: number): number;
  GDALRasterizeOptionsNew(argv: number, forBinary: number): number;
  GDALRasterizeOptionsFree(options: number): void;
  GDALRasterize(dest: number, destDataset: number, source: number, options: number, usageError: number): number;
  GDALBuildVRTOptionsNew(argv: number, forBinary: number): number;
  GDALBuildVRTOptionsFree(options: number): void;
  GDALBuildVRT(dest: number, count: number, sources: number, sourceNames: number, options: number, usageError: number): number;
  GDALVectorTranslateOptionsNew(argv: number, forBinary: number): number;
  GDALVectorTranslateOptionsFree(options: number): void;
  GDALVectorTranslate(dest: number, destDataset: number, count: number, sources: number, options: number, usageError: number): number;
  GDALDEMProcessingOptionsNew(argv: number, forBinary: number): number;
  GDALDEMProcessingOptionsFree(options: number): void;
  GDALDEMProcessing(dest: number, source: number, mode: number, colorFile: number, options: number, usageError: number): number;

  OSRNewSpatialReference(wkt: number): number;
  OSRDestroySpatialReference(srs: number): void;
  OSRSetFromUserInput(srs: number, definition: number): number;
  OSRExportToWkt(srs: number, result: number): number;
  OSRSetAxisMappingStrategy(srs: number, strategy: number): void;
  OCTNewCoordinateTransformation(source: number, target: number): number;
  OCTDestroyCoordinateTransformation(transformation: number): void;
  OCTTransform(transformation: number, count: number, x: number, y: number, z: number): number;
}

/** Return type of each function: `null` for void, else a number (handle, pointer or code). */
const VOID_FUNCTIONS = new Set<keyof GdalApi>([
  'CPLErrorReset',
  'CPLSetThreadLocalConfigOption',
  'GDALClose',
  'GDALInfoOptionsFree',
  'GDALVectorInfoOptionsFree',
  'GDALWarpAppOptionsFree',
  'GDALWarpAppOptionsSetProgress',
  'GDALTranslateOptionsFree',
  'GDALRasterizeOptionsFree',
  'GDALBuildVRTOptionsFree',
  'GDALVectorTranslateOptionsFree',
  'GDALDEMProcessingOptionsFree',
  'OSRDestroySpatialReference',
  'OSRSetAxisMappingStrategy',
  'OCTDestroyCoordinateTransformation',
]);

const ARITY: Record<keyof GdalApi, number> = {
  CPLErrorReset: 0,
  CPLSetErrorHandler: 1,
  CPLSetThreadLocalConfigOption: 2,
  GDALOpenEx: 5,
  GDALClose: 1,
  GDALGetDriverByName: 1,
  GDALCreate: 7,
  GDALSetProjection: 2,
  GDALInfoOptionsNew: 2,
  GDALInfoOptionsFree: 1,
  GDALInfo: 2,
  GDALVectorInfoOptionsNew: 2,
  GDALVectorInfoOptionsFree: 1,
  GDALVectorInfo: 2,
  GDALWarpAppOptionsNew: 2,
  GDALWarpAppOptionsFree: 1,
  GDALWarpAppOptionsSetProgress: 3,
  GDALWarp: 6,
  GDALTranslateOptionsNew: 2,
  GDALTranslateOptionsFree: 1,
  GDALTranslate: 4,
  GDALRasterizeOptionsNew: 2,
  GDALRasterizeOptionsFree: 1,
  GDALRasterize: 5,
  GDALBuildVRTOptionsNew: 2,
  GDALBuildVRTOptionsFree: 1,
  GDALBuildVRT: 6,
  GDALVectorTranslateOptionsNew: 2,
  GDALVectorTranslateOptionsFree: 1,
  GDALVectorTranslate: 6,
  GDALDEMProcessingOptionsNew: 2,
  GDALDEMProcessingOptionsFree: 1,
  GDALDEMProcessing: 6,
  OSRNewSpatialReference: 1,
  OSRDestroySpatialReference: 1,
  OSRSetFromUserInput: 2,
  OSRExportToWkt: 2,
  OSRSetAxisMappingStrategy: 2,
  OCTNewCoordinateTransformation: 2,
  OCTDestroyCoordinateTransformation: 1,
  OCTTransform: 5,
};

/** Binds every function of `GdalApi` on a loaded module. */
export function bindGdalApi(module: EmscriptenModule): GdalApi {
  const api: Record<string, unknown> = {};
  for (const [name, arity] of Object.entries(ARITY) as Array<[keyof GdalApi, number]>) {
    const returns = VOID_FUNCTIONS.has(name) ? null : 'number';
    api[name] = module.cwrap(name, returns, new Array<'number'>(arity).fill('number'));
  }
  return api as unknown as GdalApi;
}

/** `GDALOpenEx` flags (gdal.h). */
export const OPEN_FLAGS = {
  raster: 0x02,
  vector: 0x04,
  verboseError: 0x40,
} as const;

/** `CPLErr` levels (cpl_error.h). */
export const CPL_LEVEL = { none: 0, debug: 1, warning: 2, failure: 3, fatal: 4 } as const;

/** `OAMS_TRADITIONAL_GIS_ORDER`: x = easting/longitude whatever the CRS's official axis order. */
export const TRADITIONAL_GIS_ORDER = 0;
