import type { DemMode, RasterInfo, VectorInfo } from './engine.js';
import type { EmscriptenFS } from './emscripten.js';
import { runGdalCall, type CallContext, type GdalCall } from './gdal-call.js';
import type { GdalRuntime } from './gdal-runtime.js';

/**
 * GDAL's command-line programs as library calls (`gdalinfo`, `gdalwarp`, `gdal_translate`...),
 * each one synchronous call into the WebAssembly module. Paths arrive already mapped: `path` is
 * the caller's name (used in messages), `gdal` the same file in GDAL's file system.
 */
export interface MappedPath {
  path: string;
  gdal: string;
}

type Context = Omit<CallContext, 'subject'>;

function withFlag(args: readonly string[], flag: string, unless: readonly string[] = []): string[] {
  return args.includes(flag) || unless.some((other) => args.includes(other)) ? [...args] : [flag, ...args];
}

function parseJson<T>(call: GdalCall, pointer: number, what: string): T {
  if (!pointer) throw call.failure(call.failures());
  const text = call.context.describe(call.heap.takeString(pointer));
  try {
    return JSON.parse(text) as T;
  } catch {
    throw call.failure([{ level: 'failure', errorNumber: 1, message: `${what} returned text that is not JSON: ${text.slice(0, 120)}` }]);
  }
}

/** `gdalinfo -json`, parsed. */
export function rasterInfo(runtime: GdalRuntime, context: Context, source: MappedPath, args: readonly string[]): RasterInfo {
  const argv = withFlag(args, '-json');
  return runGdalCall(runtime, { ...context, subject: source.path }, (call) => {
    const { api } = runtime;
    const dataset = call.open(source.gdal, source.path, 'raster');
    const options = call.options(api.GDALInfoOptionsNew(call.heap.stringList(argv), 0), argv);
    try {
      return parseJson<RasterInfo>(call, api.GDALInfo(dataset, options), 'GDALInfo');
    } finally {
      api.GDALInfoOptionsFree(options);
    }
  });
}

/** `ogrinfo -json -so` (summary: layers, fields, CRS, extent), parsed. */
export function vectorInfo(runtime: GdalRuntime, context: Context, source: MappedPath, args: readonly string[]): VectorInfo {
  const argv = withFlag(withFlag(args, '-so', ['-features']), '-json');
  return runGdalCall(runtime, { ...context, subject: source.path }, (call) => {
    const { api } = runtime;
    const dataset = call.open(source.gdal, source.path, 'vector');
    const options = call.options(api.GDALVectorInfoOptionsNew(call.heap.stringList(argv), 0), argv);
    try {
      return parseJson<VectorInfo>(call, api.GDALVectorInfo(dataset, options), 'GDALVectorInfo');
    } finally {
      api.GDALVectorInfoOptionsFree(options);
    }
  });
}

/** `gdalwarp`: reprojection and mosaicking of any number of inputs into `dest`. */
export function warp(runtime: GdalRuntime, context: Context, sources: MappedPath[], dest: MappedPath, args: readonly string[]): void {
  runGdalCall(runtime, { ...context, subject: dest.path }, (call) => {
    const { api, progressPointer } = runtime;
    const handles = sources.map((source) => call.open(source.gdal, source.path, 'raster'));
    const options = call.options(api.GDALWarpAppOptionsNew(call.heap.stringList(args), 0), args);
    try {
      if (progressPointer && context.onProgress) api.GDALWarpAppOptionsSetProgress(options, progressPointer, 0);
      const usage = call.heap.slot();
      call.result(api.GDALWarp(call.heap.string(dest.gdal), 0, handles.length, call.heap.pointerList(handles), options, usage));
    } finally {
      api.GDALWarpAppOptionsFree(options);
    }
  });
}

/** `gdal_translate`: format conversion, subsetting, creation options (`-of COG -co COMPRESS=DEFLATE`). */
export function translate(runtime: GdalRuntime, context: Context, source: MappedPath, dest: MappedPath, args: readonly string[]): void {
  runGdalCall(runtime, { ...context, subject: dest.path }, (call) => {
    const { api } = runtime;
    const dataset = call.open(source.gdal, source.path, 'raster');
    const options = call.options(api.GDALTranslateOptionsNew(call.heap.stringList(args), 0), args);
    try {
      call.result(api.GDALTranslate(call.heap.string(dest.gdal), dataset, options, call.heap.slot()));
    } finally {
      api.GDALTranslateOptionsFree(options);
    }
  });
}

/** `gdal_rasterize`: burns a vector source into a new raster (give `-tr` or `-ts`). */
export function rasterize(runtime: GdalRuntime, context: Context, source: MappedPath, dest: MappedPath, args: readonly string[]): void {
  runGdalCall(runtime, { ...context, subject: dest.path }, (call) => {
    const { api } = runtime;
    const dataset = call.open(source.gdal, source.path, 'vector');
    const options = call.options(api.GDALRasterizeOptionsNew(call.heap.stringList(args), 0), args);
    try {
      call.result(api.GDALRasterize(call.heap.string(dest.gdal), 0, dataset, options, call.heap.slot()));
    } finally {
      api.GDALRasterizeOptionsFree(options);
    }
  });
}

/** `gdalbuildvrt`: a virtual mosaic (or band stack with `-separate`) of the sources. */
export function buildVrt(runtime: GdalRuntime, context: Context, sources: MappedPath[], dest: MappedPath, args: readonly string[]): void {
  runGdalCall(runtime, { ...context, subject: dest.path }, (call) => {
    const { api } = runtime;
    // Opening each source here (rather than passing names) makes an unreadable source an error
    // naming it, instead of gdalbuildvrt's warning-and-skip.
    const handles = sources.map((source) => call.open(source.gdal, source.path, 'raster'));
    const options = call.options(api.GDALBuildVRTOptionsNew(call.heap.stringList(args), 0), args);
    try {
      const list = call.heap.pointerList(handles);
      call.result(api.GDALBuildVRT(call.heap.string(dest.gdal), handles.length, list, 0, options, call.heap.slot()));
    } finally {
      api.GDALBuildVRTOptionsFree(options);
    }
  });
}

/** `ogr2ogr`: vector format conversion and reprojection. */
export function vectorTranslate(runtime: GdalRuntime, context: Context, source: MappedPath, dest: MappedPath, args: readonly string[]): void {
  runGdalCall(runtime, { ...context, subject: dest.path }, (call) => {
    const { api } = runtime;
    const dataset = call.open(source.gdal, source.path, 'vector');
    const options = call.options(api.GDALVectorTranslateOptionsNew(call.heap.stringList(args), 0), args);
    try {
      const list = call.heap.pointerList([dataset]);
      call.result(api.GDALVectorTranslate(call.heap.string(dest.gdal), 0, 1, list, options, call.heap.slot()));
    } finally {
      api.GDALVectorTranslateOptionsFree(options);
    }
  });
}

/** `gdaldem <mode>`; `colorFile` only for `color-relief`. */
export function dem(
  runtime: GdalRuntime,
  context: Context,
  mode: DemMode,
  source: MappedPath,
  dest: MappedPath,
  args: readonly string[],
  colorFile?: MappedPath,
): void {
  runGdalCall(runtime, { ...context, subject: dest.path }, (call) => {
    const { api, module } = runtime;
    if (colorFile && !module.FS.analyzePath(colorFile.gdal).exists) {
      throw call.failure([{ level: 'failure', errorNumber: 4, message: `color file ${colorFile.path} does not exist` }]);
    }
    const dataset = call.open(source.gdal, source.path, 'raster');
    const options = call.options(api.GDALDEMProcessingOptionsNew(call.heap.stringList(args), 0), args);
    try {
      const color = colorFile ? call.heap.string(colorFile.gdal) : 0;
      call.result(api.GDALDEMProcessing(call.heap.string(dest.gdal), dataset, call.heap.string(mode), color, options, call.heap.slot()));
    } finally {
      api.GDALDEMProcessingOptionsFree(options);
    }
  });
}

const SIDECARS: Record<string, string[]> = {
  '.shp': ['.shx', '.dbf', '.prj', '.cpg', '.qix', '.sbn', '.sbx'],
};

/**
 * Deletes an existing output (and its sidecars) through Emscripten's file system before it is
 * written again: gdalwarp and gdal_rasterize would otherwise update the old file in place, a
 * stale `.aux.xml` would attach old metadata to the new file, and files deleted behind
 * Emscripten's back cannot be re-created.
 */
export function clearOutput(fs: EmscriptenFS, gdalPath: string): void {
  const dot = gdalPath.lastIndexOf('.');
  const extension = dot > gdalPath.lastIndexOf('/') ? gdalPath.slice(dot).toLowerCase() : '';
  const stem = extension ? gdalPath.slice(0, dot) : gdalPath;
  const paths = [gdalPath, `${gdalPath}.aux.xml`, ...(SIDECARS[extension] ?? []).map((sidecar) => stem + sidecar)];
  for (const path of paths) {
    const found = fs.analyzePath(path, true);
    if (found.exists && found.object && !fs.isDir(found.object.mode)) fs.unlink(path);
  }
}
