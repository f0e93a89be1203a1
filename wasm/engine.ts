import type { DeflateCodec } from '../src/formats/deflate-codec.js';
import type { TiffCompression } from '../src/formats/tiff-compress.js';
import type { RandomAccessFile } from '../src/platform.js';
/**
 * The GDAL engine seam. Everything outside `wasm/` reaches GDAL only through this interface,
 * so the pipeline never knows whether GDAL runs in this thread, in a worker, or (in tests) as a
 * fake.
 *
 * An engine is two things: GDAL operations (`GdalOperations`: warp, translate, info...) and the
 * files they work on (`engine.fs`, see `EngineFiles`). Every engine (in-thread on host files, in
 * memory, in a Web Worker, the Node worker pool) passes one conformance suite
 * (`test/wasm/engine-conformance.ts`).
 *
 * Arguments are the command-line arguments of the matching GDAL program (`gdalwarp`,
 * `gdal_translate`, ...) without the program name and without the input/output file names.
 */
export interface GdalEngine extends GdalOperations {
  /**
   * The engine's files: where GDAL's paths lead. Host files in Node (`fs.kind === 'host'`), GDAL's
   * in-memory file system in a browser (`'memory'`, where the files live inside GDAL's module).
   * On host files, file methods never start GDAL.
   */
  readonly fs: EngineFiles;
  /** Releases the engine (workers, mounts, the module). Later calls start it again. */
  close(): Promise<void>;
}

/**
 * What GDAL does: the operations of the GDAL programs, reading metadata, and CRS math. Every
 * path is a path in the engine's file system (`engine.fs`).
 */
export interface GdalOperations {
  /** `gdalinfo -json` of a raster dataset, parsed. */
  info(path: string, args?: string[]): Promise<RasterInfo>;
  /** `ogrinfo -json` of a vector dataset, parsed (summary only: layers, fields, CRS, extent). */
  vectorInfo(path: string, args?: string[]): Promise<VectorInfo>;

  warp(sources: string[], dest: string, args: string[], options?: CallOptions): Promise<void>;
  translate(source: string, dest: string, args: string[], options?: CallOptions): Promise<void>;
  rasterize(source: string, dest: string, args: string[], options?: CallOptions): Promise<void>;
  buildVrt(sources: string[], dest: string, args: string[], options?: CallOptions): Promise<void>;
  /** `ogr2ogr`: vector translation (format conversion, reprojection). */
  vectorTranslate(source: string, dest: string, args: string[], options?: CallOptions): Promise<void>;
  /**
   * `gdaldem <mode>`. `colorFile` is required for `color-relief` and is a path in the engine's
   * file system.
   */
  dem(mode: DemMode, source: string, dest: string, args: string[], options?: DemOptions): Promise<void>;

  /** The WKT2 of any CRS GDAL/PROJ accepts (`EPSG:3035`, WKT, PROJ string). Throws CrsError if unknown. */
  crsToWkt(crs: string): Promise<string>;
  /** Facts about a CRS: WKT, whether geographic, linear unit, authority code if any. */
  crsInfo(crs: string): Promise<CrsInfo>;
  /**
   * Transforms points between CRSs, in traditional GIS order (x = easting/longitude,
   * y = northing/latitude), whatever the CRS's official axis order.
   */
  transformPoints(srcCrs: string, dstCrs: string, points: Array<[number, number]>): Promise<Array<[number, number]>>;
}

/** The names of the GDAL operations, for proxies that forward them (workers, the pool). */
export const GDAL_OPERATIONS = [
  'info',
  'vectorInfo',
  'warp',
  'translate',
  'rasterize',
  'buildVrt',
  'vectorTranslate',
  'dem',
  'crsToWkt',
  'crsInfo',
  'transformPoints',
] as const satisfies ReadonlyArray<keyof GdalOperations>;

/**
 * The files of an engine's file system:
 * - `'host'` (Node): real, absolute or cwd-relative paths on this machine; inputs may come from
 *   any number of folders in one call.
 * - `'memory'` (browser): paths in GDAL's in-memory file system; put bytes there with
 *   `writeFile` and take results out with `readFile`.
 */
export interface EngineFiles {
  readonly kind: 'host' | 'memory';
  readFile(path: string): Promise<Uint8Array>;
  /** Writes a file, creating its folder. */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /** Removes a file. Missing files are not an error. */
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** A file's size in bytes (measured where the file is, without reading it), or undefined when no file is there. */
  size(path: string): Promise<number | undefined>;
  /**
   * Moves a file to `to` in one step, replacing a file there: readers of `to` see the old file or
   * the new one, never a part. Both paths must be in the same folder tree (one file system).
   */
  rename(from: string, to: string): Promise<void>;
  /** Removes a folder and everything in it; a missing folder is not an error. */
  removeTree(path: string): Promise<void>;
  /** Creates a folder and its parents. */
  mkdir(path: string): Promise<void>;
}

/** The names of the file methods, for proxies that forward them. */
export const FILE_METHODS = ['readFile', 'writeFile', 'remove', 'exists', 'size', 'rename', 'removeTree', 'mkdir'] as const satisfies ReadonlyArray<keyof EngineFiles>;

export type DemMode = 'hillshade' | 'slope' | 'aspect' | 'color-relief' | 'TRI' | 'TPI' | 'roughness';

export interface CallOptions {
  /** Called with a fraction in [0, 1] where GDAL reports progress (warp does). */
  onProgress?: (fraction: number, message?: string) => void;
  /** GDAL configuration options for this call only (for example `{ GDAL_CACHEMAX: '256' }`). */
  config?: Record<string, string>;
  /**
   * The DEFLATE its caller will give an uncompressed GeoTIFF output outside WebAssembly. An engine
   * that lays the output together itself (the Node pool, from the tiles of a warp split over its
   * workers) may compress the tiles as it lays them, with these settings, instead of writing them
   * out uncompressed first; other engines and calls ignore it. The caller reads `dest`'s
   * compression to know which happened.
   */
  deflate?: OutsideDeflate;
}

/** DEFLATE settings, the codec that runs them, and how to open the output for writing. */
export interface OutsideDeflate {
  compression: TiffCompression;
  codec: DeflateCodec;
  openFile(path: string, mode: 'w'): Promise<RandomAccessFile>;
  /**
   * Where to lay the output uncompressed as well, when the engine compresses it itself (for later
   * reads: see `Workspace.uncompressedCopies`). Best effort: a copy that fails is removed and the
   * call goes on.
   */
  uncompressedCopy?: string;
}

export interface DemOptions extends CallOptions {
  colorFile?: string;
}

export interface CrsInfo {
  wkt: string;
  /** `EPSG:4326` style authority code when the CRS has one, else undefined. */
  authority?: string;
  isGeographic: boolean;
  /** Metres per linear unit for projected CRSs (1 for metres, 0.3048 for feet); undefined for geographic. */
  linearUnitMetres?: number;
  /** PROJ.4 string, usable by proj4js, when GDAL can express one. */
  proj4?: string;
}

/** The subset of `gdalinfo -json` that geodata uses; everything else stays in the object. */
export interface RasterInfo {
  description: string;
  driverShortName: string;
  size: [number, number];
  coordinateSystem?: { wkt: string; dataAxisToSRSAxisMapping?: number[] };
  geoTransform?: [number, number, number, number, number, number];
  bands: Array<{
    band: number;
    type: string;
    block?: [number, number];
    noDataValue?: number | string;
    scale?: number;
    offset?: number;
    description?: string;
    colorInterpretation?: string;
  }>;
  metadata?: Record<string, Record<string, string>>;
  [key: string]: unknown;
}

/** The subset of `ogrinfo -json` that geodata uses. */
export interface VectorInfo {
  description: string;
  driverShortName: string;
  layers: Array<{
    name: string;
    featureCount?: number;
    geometryFields: Array<{
      name: string;
      type: string;
      extent?: [number, number, number, number];
      coordinateSystem?: { wkt: string } | null;
    }>;
    fields: Array<{ name: string; type: string }>;
  }>;
  [key: string]: unknown;
}
