import type { GeoTIFFImage } from 'geotiff';
import type { GdalEngine } from '../../wasm/engine.js';
import { CrsError, FileError } from '../errors.js';
import { deflateCodec } from '../formats/deflate-codec.js';
import { gdalMetadataValue, parseGdalNumber } from '../formats/gdal-text.js';
import { undecodableCodecError, UnsupportedFormatError } from '../formats/format-errors.js';
import { rasterInput } from '../formats/raster-input.js';
import { tiffPixels } from '../formats/tiff-decode.js';
import { readTiffLayout } from '../formats/tiff-layout.js';
import type { ArraySelection } from '../formats/array-selection.js';
import type { Affine } from '../spec/affine.js';
import { normalizeCrs, validateCrs } from '../spec/crs.js';
import { DTYPE_NAMES, dtypeFromTiff, fitsDType, type DType, type TypedArray } from './dtype.js';
import { loadGeotiff } from './geotiff-module.js';
import { Raster } from './raster.js';

/** TIFF compression codes (tag 259) as GDAL names them, for messages about undecodable files. */
const COMPRESSION_NAMES: Record<number, string> = {
  1: 'uncompressed', 5: 'LZW', 6: 'old-style JPEG', 7: 'JPEG', 8: 'DEFLATE', 32946: 'DEFLATE', 32773: 'PackBits',
  34887: 'LERC', 34925: 'LZMA', 50000: 'ZSTD', 50001: 'WEBP', 50002: 'JXL',
};

/** Where a raster can be read from: a path (Node) or URL (browser), a Blob/File, or bytes. */
export type RasterSource = string | URL | Blob | Uint8Array | ArrayBuffer;

/** `variable`, `index` and `value` choose what to read of a netCDF/HDF5 file (see `ArraySelection`). */
export interface ReadRasterOptions extends ArraySelection {
  /** Use this CRS instead of the file's (required to get a `spec` from a file without one). */
  crs?: string;
  /**
   * Used only when the file's CRS is not a plain EPSG code in its GeoKeys (a custom CRS): GDAL then
   * reads the WKT. Without an engine such a file is read with `crs` undefined.
   */
  engine?: GdalEngine;
  /** Path of the same bytes in the engine's file system, for that WKT lookup. */
  enginePath?: string;
  /** Bands to read, 1-based (all by default). */
  bands?: number[];
  signal?: AbortSignal;
}

/**
 * Reads a GeoTIFF (any codec GDAL writes: DEFLATE, LZW, ZSTD, LERC, JPEG, WEBP, ...) with
 * geotiff.js, or a netCDF/HDF5 variable as GDAL's netCDF driver presents it, into a Raster:
 * bands, grid, dtype, nodata, scales and offsets.
 * @example const elevation = await readRaster('data/elevation.tif');
 * @example const temperature = await readRaster('NETCDF:"data/tmmx.nc":air_temperature');
 * @example const blue = await readRaster('data/planet.nc', { variable: 'blue', index: { time: 0 } });
 */
export async function readRaster(source: RasterSource, options: ReadRasterOptions = {}): Promise<Raster> {
  const name = describeSource(source);
  const input = await rasterInput(source, options, name);
  if ('raster' in input) return input.raster;
  return readRasterBytes(input.bytes, name, options);
}

/** Reads a GeoTIFF already in memory; `name` is used in error messages. */
export async function readRasterBytes(bytes: Uint8Array | ArrayBuffer, name: string, options: ReadRasterOptions = {}): Promise<Raster> {
  const buffer = bytes instanceof Uint8Array ? toArrayBuffer(bytes) : bytes;
  let image: GeoTIFFImage;
  try {
    const tiff = await (await loadGeotiff()).fromArrayBuffer(buffer, options.signal);
    image = await tiff.getImage();
  } catch (error) {
    throw unreadable(name, buffer.byteLength, error);
  }
  const width = image.getWidth();
  const height = image.getHeight();
  const samples = image.getSamplesPerPixel();
  const dtype = tiffDtype(image, name);
  const bandNumbers = options.bands ?? Array.from({ length: samples }, (_, i) => i + 1);
  for (const b of bandNumbers) {
    if (!Number.isInteger(b) || b < 1 || b > samples) throw new FileError(`band ${b} does not exist in ${name}, which has bands 1..${samples}`, name);
  }
  let rasters: TypedArray[];
  try {
    rasters = (await fastBands(bytes, name, bandNumbers)) ?? (await image.readRasters({ interleave: false, samples: bandNumbers.map((b) => b - 1), signal: options.signal })) as unknown as TypedArray[];
  } catch (error) {
    const code = Number(image.fileDirectory.getValue('Compression') ?? 1);
    const compression = COMPRESSION_NAMES[code] ?? `compression code ${code}`;
    if (pastItsEnd(error)) throw unreadable(name, buffer.byteLength, error);
    // geotiff.js has no decoder for it (LZMA, JPEG-XL): not damage, and native GDAL can re-encode it.
    if (/unknown compression method/i.test((error as Error)?.message ?? '')) throw undecodableCodecError(name, compression, { cause: error });
    throw new FileError(
      `cannot decode the pixels of ${name} (${compression}): ${(error as Error).message}; the file is damaged or its compression is unsupported`,
      name,
      { cause: error },
    );
  }
  const { scales, offsets, names } = await bandMetadata(image, bandNumbers);
  const crs = options.crs !== undefined ? validateCrs(options.crs) : await crsOf(image, name, options);
  return new Raster({
    bands: Array.from(rasters),
    width,
    height,
    transform: transformOf(image),
    crs,
    dtype,
    nodata: nodataOf(image, dtype),
    scales,
    offsets,
    names,
  });
}

/**
 * The grid of a GeoTIFF (size and transform) from its header alone, without decoding pixels.
 * @example const { width, height, transform } = await readGrid(bytes);
 */
export async function readGrid(bytes: Uint8Array | ArrayBuffer, name = 'GeoTIFF'): Promise<{ width: number; height: number; transform: Affine }> {
  try {
    const image = await (await (await loadGeotiff()).fromArrayBuffer(bytes instanceof Uint8Array ? toArrayBuffer(bytes) : bytes)).getImage();
    return { width: image.getWidth(), height: image.getHeight(), transform: transformOf(image) };
  } catch (error) {
    throw unreadable(name, bytes.byteLength, error);
  }
}

/**
 * The dtype of a GeoTIFF's samples; an `UnsupportedFormatError` naming the file for samples no
 * dtype holds (GDAL's Int64, UInt64 and complex types) or that are not read (NBITS=17 to 31, signed odd widths).
 */
export function tiffDtype(image: GeoTIFFImage, name: string): DType {
  const format = image.getSampleFormat(0) ?? 1;
  const bits = image.getBitsPerSample(0);
  try {
    return dtypeFromTiff(format, bits);
  } catch (error) {
    const complex = format === 5 || format === 6;
    if (complex) {
      // SampleFormat 5 and 6: a real and an imaginary part of bits/2 each (GDAL's CInt16 ... CFloat64).
      const gdal = `${format === 5 ? 'CInt' : 'CFloat'}${bits / 2}`;
      throw new UnsupportedFormatError(
        `${name} has complex samples (GDAL's ${gdal}), which geodata cannot read (its rasters hold ${DTYPE_NAMES.join(', ')}); convert the part you need with native GDAL, for example the real part with gdal_translate -ot Float64 ${name} out.tif, or the magnitude with gdal_calc.py -A ${name} --calc="abs(A)" --type=Float64 --outfile=out.tif`,
        name,
        'GeoTIFF',
        { cause: error },
      );
    }
    const kind = format === 3 ? 'floating-point' : format === 2 ? 'signed integer' : 'unsigned integer';
    const gdal = bits === 64 && format !== 3 ? ` (GDAL's ${format === 2 ? 'Int64' : 'UInt64'})` : '';
    throw new UnsupportedFormatError(
      `${name} has ${bits}-bit ${kind} samples${gdal}, which geodata cannot read (its rasters hold ${DTYPE_NAMES.join(', ')}); convert it with native GDAL, for example gdal_translate -ot Float64 ${name} out.tif (or -ot Int32 when its values fit)`,
      name,
      'GeoTIFF',
      { cause: error },
    );
  }
}

/** Whether reading failed because the file's own offsets point past its end (geotiff.js's DataView reads). */
function pastItsEnd(error: unknown): boolean {
  return error instanceof RangeError || /outside the bounds of the DataView|out of bounds|beyond the end/i.test((error as Error)?.message ?? '');
}

/** The error for bytes geotiff.js cannot read: "cut short" when the header points past their end. */
function unreadable(name: string, size: number, error: unknown): FileError {
  if (pastItsEnd(error)) {
    return new FileError(`${name} is cut short: its header points past its end (it has ${size} bytes); the download or copy was incomplete, so fetch or copy it again`, name, { cause: error });
  }
  return new FileError(`${name} is not a GeoTIFF that can be read: ${(error as Error).message}`, name, { cause: error });
}

/** The affine transform of a GeoTIFF image (GDAL's conventions). */
export function transformOf(image: GeoTIFFImage): Affine {
  const dir = image.getFileDirectory();
  const matrix = dir.getValue('ModelTransformation') as number[] | undefined;
  let t: [number, number, number, number, number, number];
  if (matrix && matrix.length >= 8) {
    t = [matrix[0]!, matrix[1]!, matrix[3]!, matrix[4]!, matrix[5]!, matrix[7]!];
  } else if (onlyGcps(image)) {
    // Ground control points, no affine transform: GDAL gives the identity, as for no georeferencing.
    return [1, 0, 0, 0, 1, 0];
  } else if (dir.hasTag('ModelTiepoint') || dir.hasTag('ModelPixelScale')) {
    const [ox, oy] = image.getOrigin();
    const [rx, ry] = image.getResolution();
    t = [rx!, 0, ox!, 0, ry!, oy!];
  } else {
    // No georeferencing: GDAL's convention is the identity in pixel units, y down.
    return [1, 0, 0, 0, 1, 0];
  }
  const keys = image.getGeoKeys();
  // PixelIsPoint: the tie point names a pixel centre; GDAL shifts to the corner, so do we.
  if (keys?.GTRasterTypeGeoKey === 2) {
    t = [t[0], t[1], t[2] - (t[0] + t[1]) / 2, t[3], t[4], t[5] - (t[3] + t[4]) / 2];
  }
  return t;
}

/** Whether a GeoTIFF is georeferenced by several tie points (GCPs) without a pixel scale or transformation matrix. */
function onlyGcps(image: GeoTIFFImage): boolean {
  const dir = image.getFileDirectory();
  const tiepoints = dir.getValue('ModelTiepoint') as number[] | undefined;
  return !!tiepoints && tiepoints.length > 6 && !dir.hasTag('ModelPixelScale') && !dir.hasTag('ModelTransformation');
}

/** The CRS of a GeoTIFF image from its GeoKeys (GDAL for a custom one, when given an engine). */
export async function crsOf(image: GeoTIFFImage, name: string, options: ReadRasterOptions, advice = 'pass { engine, enginePath } or { crs } to readRaster'): Promise<string | undefined> {
  const keys = image.getGeoKeys();
  // The CRS of ground control points is theirs, not the pixel grid's (GDAL's GetSpatialRef is empty).
  if (!keys || onlyGcps(image)) return undefined;
  const projected = keys.ProjectedCSTypeGeoKey as number | undefined;
  const geographic = keys.GeographicTypeGeoKey as number | undefined;
  if (projected !== undefined && projected !== 32767) return `EPSG:${projected}`;
  if (projected === undefined && geographic !== undefined && geographic !== 32767 && keys.GTModelTypeGeoKey !== 1) return `EPSG:${geographic}`;
  if (!options.engine || !options.enginePath) {
    if (projected === undefined && geographic === undefined) return undefined;
    throw new CrsError(`${name} has a custom CRS that only GDAL can read; ${advice}`);
  }
  const info = await options.engine.info(options.enginePath);
  return info.coordinateSystem?.wkt ? normalizeCrs(info.coordinateSystem.wkt) : undefined;
}

/**
 * The nodata of a GeoTIFF image as GDAL applies it when its pixel type cannot hold it: beyond
 * Float32's range it is the infinity GDAL casts it to; for integer types (nodata 300 on a Byte
 * band, NaN on an Int16 one) null, since no pixel can equal it and GDAL reads every pixel of the
 * band as valid. Such a file reads as GDAL reads it instead of being refused.
 */
export function nodataOf(image: GeoTIFFImage, dtype: DType): number | null {
  const directory = image.getFileDirectory();
  const text = directory.hasTag('GDAL_NODATA') ? (directory.getValue('GDAL_NODATA') as string | undefined) : undefined;
  // Not geotiff.js's getGDALNoData: it reads GDAL's `-inf` and `inf` as NaN.
  const nodata = text ? parseGdalNumber(text) : null;
  if (nodata === null || fitsDType(nodata, dtype)) return nodata;
  return dtype === 'float32' ? Math.fround(nodata) : null;
}

/** Scales, offsets and descriptions of the bands, from GDAL's metadata. */
export async function bandMetadata(image: GeoTIFFImage, bandNumbers: number[]) {
  const scales: number[] = [];
  const offsets: number[] = [];
  const names: string[] = [];
  for (const b of bandNumbers) {
    const meta = (await image.getGDALMetadata(b - 1)) ?? {};
    scales.push(meta.SCALE !== undefined ? Number(meta.SCALE) : 1);
    offsets.push(meta.OFFSET !== undefined ? Number(meta.OFFSET) : 0);
    names.push(typeof meta.DESCRIPTION === 'string' ? gdalMetadataValue(meta.DESCRIPTION) : '');
  }
  return { scales, offsets, names: names.some(Boolean) ? names : [] };
}

/**
 * The pixels through geodata's own decoder (`tiffPixels`: native inflate on every core, predictors
 * undone in place, each row copied once) when the file is one it handles, as every GeoTIFF geodata
 * writes is; undefined otherwise (geotiff.js then decodes).
 */
async function fastBands(bytes: Uint8Array | ArrayBuffer, name: string, bandNumbers: number[]): Promise<TypedArray[] | undefined> {
  const all = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const read = async (offset: number, length: number) => all.subarray(offset, offset + length);
  const pixels = tiffPixels(await readTiffLayout(read, name), read, deflateCodec(), name, geotiffBlock);
  return pixels?.read(bandNumbers.map((band) => band - 1));
}

/** One LZW, PackBits or ZSTD block through geotiff.js's decoder (they take no parameters; the predictor is undone by the caller). */
export async function geotiffBlock(compression: number, stored: Uint8Array): Promise<Uint8Array> {
  const { getDecoder } = await loadGeotiff();
  const decoder = await getDecoder(compression, {} as never);
  const bytes = stored.byteOffset === 0 && stored.byteLength === stored.buffer.byteLength ? stored.buffer : stored.slice().buffer;
  return new Uint8Array(await decoder.decodeBlock(bytes as ArrayBuffer));
}

function describeSource(source: RasterSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (typeof File !== 'undefined' && source instanceof File) return source.name;
  if (typeof Blob !== 'undefined' && source instanceof Blob) return `a Blob of ${source.size} bytes`;
  return `${(source as ArrayBuffer).byteLength} bytes of GeoTIFF`;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  // A copy, not bytes.slice(): Node's Buffer.slice is a view into a shared pool.
  return new Uint8Array(bytes).buffer as ArrayBuffer;
}
