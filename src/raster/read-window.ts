import type { GeoTIFFImage } from 'geotiff';
import type { GdalEngine } from '../../wasm/engine.js';
import { reportFileAccess } from '../../wasm/file-access.js';
import { ConfigError, FileError } from '../errors.js';
import { deflateCodec } from '../formats/deflate-codec.js';
import { UnsupportedFormatError } from '../formats/format-errors.js';
import { sniffFormat, SNIFF_BYTES } from '../formats/detect-format.js';
import { tiffPixels, type RasterWindow } from '../formats/tiff-decode.js';
import { readTiffLayout } from '../formats/tiff-layout.js';
import { getPlatform, type RandomAccessFile } from '../platform.js';
import { validateCrs } from '../spec/crs.js';
import { loadGeotiff } from './geotiff-module.js';
import { Raster } from './raster.js';
import { bandMetadata, crsOf, geotiffBlock, nodataOf, tiffDtype, transformOf } from './read-raster.js';

export type { RasterWindow } from '../formats/tiff-decode.js';

/** Options of `readWindow`. */
export interface ReadWindowOptions {
  /** Bands to read, 1-based (all by default). */
  bands?: number[];
  /** Use this CRS instead of the file's. */
  crs?: string;
  /**
   * Used only when the file's CRS is not a plain EPSG code in its GeoKeys (a custom CRS, as an
   * entry of a spec in one has): GDAL then reads its WKT from the file (`getConfig().engine`).
   */
  engine?: GdalEngine;
}

/**
 * Reads a window of a GeoTIFF file (Node) without reading the rest: only the tiles or strips the
 * window touches are read and decoded, so rasters larger than memory (a cache entry that `load()`
 * refuses, say) can be worked through piece by piece. The result is a `Raster` of the window, its
 * transform shifted to the window's corner. Reads every codec geodata writes (DEFLATE, LZW,
 * PackBits, none) and ZSTD, from its files or any other GeoTIFF (either byte order) with whole-byte samples;
 * other codecs (JPEG, LERC, WEBP, LZMA, ...) are an `UnsupportedFormatError`.
 *
 * @example
 * const { path } = await produce(new BigMosaic());
 * const part = await readWindow(path, { x: 0, y: 0, width: 1024, height: 1024 });
 */
export async function readWindow(path: string, window: RasterWindow, options: ReadWindowOptions = {}): Promise<Raster> {
  const workspace = getPlatform().workspace();
  if (!workspace.openFile) throw new ConfigError('readWindow reads files by range, which needs Node (import geodata from Node); in a browser, load() the entry');
  let file: RandomAccessFile;
  try {
    file = await workspace.openFile(path, 'r');
  } catch (error) {
    throw new FileError(`${path} cannot be opened: ${(error as Error).message}`, path, { cause: error });
  }
  // A computation that reads a file by window depends on it, as on one readRaster reads: unrecorded,
  // a changed file gave the old entry.
  reportFileAccess({ read: [getPlatform().resolvePath(path)], absent: [] });
  try {
    const read = (offset: number, length: number) => file.read(offset, length);
    await checkTiff(read, path);
    const layout = await readTiffLayout(read, path);
    const image = await headerImage(file, path);
    tiffDtype(image, path);
    const pixels = tiffPixels(layout, read, deflateCodec(), path, geotiffBlock);
    if (!pixels) {
      throw new UnsupportedFormatError(`${path}: readWindow reads GeoTIFFs with whole-byte samples, uncompressed, DEFLATE, LZW, PackBits (every codec geodata writes) or ZSTD; this one uses another codec or layout; read it whole with readRaster, or re-encode it with gdal_translate -co COMPRESS=DEFLATE -co TILED=YES`, path, 'GeoTIFF');
    }
    const bandNumbers = options.bands ?? Array.from({ length: pixels.samples }, (_, i) => i + 1);
    const bands = await pixels.read(bandNumbers.map((band) => band - 1), window);
    const [a, b, c, d, e, f] = transformOf(image);
    const { scales, offsets, names } = await bandMetadata(image, bandNumbers);
    return new Raster({
      bands,
      width: window.width,
      height: window.height,
      transform: [a, b, c + a * window.x + b * window.y, d, e, f + d * window.x + e * window.y],
      // readRaster's own advice named its options, which readWindow does not take.
      crs: options.crs !== undefined ? validateCrs(options.crs) : await crsOf(image, path, options.engine ? { engine: options.engine, enginePath: path } : {}, 'pass { engine: getConfig().engine } or { crs } to readWindow'),
      dtype: pixels.dtype,
      nodata: nodataOf(image, pixels.dtype),
      scales,
      offsets,
      names,
    });
  } finally {
    await file.close();
  }
}

/**
 * Refuses what is not a TIFF, naming what it is: a VRT (a `Mosaic` 'vrt' entry), a netCDF or
 * an empty file were read as a TIFF's directories and reported as "a damaged TIFF", an empty one
 * as a bare RangeError, a folder as Node's bare EISDIR.
 */
async function checkTiff(read: (offset: number, length: number) => Promise<Uint8Array>, path: string): Promise<void> {
  let head: Uint8Array;
  try {
    head = await read(0, SNIFF_BYTES);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw new FileError(`${path} is a folder, not a GeoTIFF: give readWindow the path of a file`, path, { cause: error });
    throw new FileError(`${path} cannot be read: ${(error as Error).message}`, path, { cause: error });
  }
  if (head.length === 0) throw new FileError(`${path} is empty (0 bytes): the download or copy was incomplete, or the file was never written; fetch or write it again`, path);
  const format = sniffFormat(head);
  if (format === 'gtiff') return;
  if (/^\s*<VRTDataset[\s>]/.test(new TextDecoder().decode(head.subarray(0, 256)))) {
    throw new UnsupportedFormatError(
      `${path} is a GDAL VRT, not a GeoTIFF: readWindow reads GeoTIFFs only; read the window of the files it names, or convert it with native GDAL (gdal_translate -co TILED=YES -co COMPRESS=DEFLATE ${path} out.tif), or ask for a Mosaic in 'cog' format`,
      path,
      'VRT',
    );
  }
  if (format === 'netcdf3' || format === 'hdf5') {
    const kind = format === 'netcdf3' ? 'netCDF-3' : 'netCDF-4/HDF5';
    throw new UnsupportedFormatError(`${path} is a ${kind} file, not a GeoTIFF: readWindow reads GeoTIFFs only; read it with readRaster(path, { variable })`, path, kind);
  }
  throw new UnsupportedFormatError(`${path} is not a GeoTIFF: it does not begin with a TIFF header (II*, MM*, or BigTIFF's II+, MM+); readWindow reads GeoTIFFs only`, path, format === 'hdf4' ? 'HDF4' : 'unknown');
}

/** geotiff.js over the file by range, for the header only (GeoKeys, nodata, GDAL metadata). */
async function headerImage(file: RandomAccessFile, path: string): Promise<GeoTIFFImage> {
  const { BaseClient, BaseResponse, fromCustomClient } = await loadGeotiff();
  class RangeResponse extends BaseResponse {
    constructor(private readonly bytes: Uint8Array, private readonly start: number) {
      super();
    }
    override get status(): number {
      return 206;
    }
    override getHeader(name: string): string | undefined {
      if (name.toLowerCase() === 'content-range') return `bytes ${this.start}-${this.start + this.bytes.length - 1}/*`;
      return undefined;
    }
    override async getData(): Promise<ArrayBuffer> {
      return this.bytes.slice().buffer;
    }
  }
  class FileClient extends BaseClient {
    override async request(options: RequestInit = {}): Promise<InstanceType<typeof BaseResponse>> {
      const range = /bytes=(\d+)-(\d+)/.exec(new Headers(options.headers).get('range') ?? '');
      const start = range ? Number(range[1]) : 0;
      const end = range ? Number(range[2]) : 65_535;
      return new RangeResponse(await file.read(start, end - start + 1), start);
    }
  }
  try {
    return await (await fromCustomClient(new FileClient(path) as never)).getImage();
  } catch (error) {
    throw new FileError(`${path} is not a GeoTIFF that can be read: ${(error as Error).message}`, path, { cause: error });
  }
}
