import type { GdalEngine } from '../../wasm/engine.js';
import { InvalidInputError } from '../errors.js';
import { affineToGdal } from '../spec/affine.js';
import { dtypeInfo, gdalTypeName } from './dtype.js';
import type { Raster } from './raster.js';

/** How to write a GeoTIFF. */
export interface WriteOptions {
  /** Compression codec (default DEFLATE). gdal3.js has no JPEG codec. */
  compress?: 'DEFLATE' | 'LZW' | 'ZSTD' | 'PACKBITS' | 'LZMA' | 'NONE';
  /** Horizontal differencing predictor: 2 for integers, 3 for floats; default none. */
  predictor?: 1 | 2 | 3;
  /** Tiled layout (default true for rasters of at least 512x512, else strips). */
  tiled?: boolean;
  /** Tile size in pixels (default 256). */
  blockSize?: number;
  /** Write a Cloud-Optimized GeoTIFF (GDAL's COG driver: tiled, with overviews). */
  cog?: boolean;
  /** Extra GDAL creation options, `KEY=VALUE`. */
  creationOptions?: string[];
}

/** The `gdal_translate` arguments for these options. Exported for processors that write through GDAL too. */
export function creationArgs(options: WriteOptions, shape: { width: number; height: number }): string[] {
  const compress = options.compress ?? 'DEFLATE';
  const blockSize = options.blockSize ?? 256;
  if (!Number.isInteger(blockSize) || blockSize < 16 || blockSize % 16 !== 0) {
    throw new InvalidInputError(`blockSize ${blockSize} must be a multiple of 16 (GeoTIFF tiles are), for example 256 or 512`);
  }
  const co = (value: string) => ['-co', value];
  const args: string[] = [];
  if (options.cog) {
    args.push('-of', 'COG', ...co(`COMPRESS=${compress}`), ...co(`BLOCKSIZE=${blockSize}`));
  } else {
    args.push('-of', 'GTiff', ...co(`COMPRESS=${compress}`));
    const tiled = options.tiled ?? (shape.width >= 512 && shape.height >= 512);
    if (tiled) args.push(...co('TILED=YES'), ...co(`BLOCKXSIZE=${blockSize}`), ...co(`BLOCKYSIZE=${blockSize}`));
  }
  if (options.predictor && options.predictor !== 1) args.push(...co(`PREDICTOR=${options.predictor}`));
  // BigTIFF only when the file could pass 4 GB: keeps small files readable by old tools.
  args.push(...co('BIGTIFF=IF_SAFER'));
  for (const option of options.creationOptions ?? []) {
    if (!/^[A-Za-z0-9_]+=/.test(option)) throw new InvalidInputError(`creation option ${JSON.stringify(option)} must look like KEY=VALUE`);
    args.push(...co(option));
  }
  return args;
}

/**
 * Writes a raster to a GeoTIFF through GDAL: the bands go to a raw file described by a VRT, which
 * `gdal_translate` turns into the GeoTIFF with the requested creation options. Values, nodata,
 * CRS, transform, scales and offsets round-trip exactly.
 */
export async function writeRaster(raster: Raster, path: string, engine: GdalEngine, options: WriteOptions = {}): Promise<void> {
  const args = creationArgs(options, raster);
  const stem = `${path}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  const rawPath = `${stem}.raw`;
  const vrtPath = `${stem}.vrt`;
  try {
    await engine.fs.writeFile(rawPath, concatBands(raster));
    await engine.fs.writeFile(vrtPath, new TextEncoder().encode(vrtXml(raster, baseName(rawPath))));
    await engine.fs.remove(path);
    await engine.translate(vrtPath, path, args);
  } finally {
    await engine.fs.remove(rawPath);
    await engine.fs.remove(vrtPath);
  }
}

function concatBands(raster: Raster): Uint8Array {
  const bandBytes = raster.width * raster.height * dtypeInfo(raster.dtype).bytes;
  const out = new Uint8Array(bandBytes * raster.count);
  raster.bands.forEach((band, i) => out.set(new Uint8Array(band.buffer, band.byteOffset, bandBytes), i * bandBytes));
  return out;
}

/** A VRT over the raw band-sequential file: GDAL reads our bytes as they are (little-endian). */
function vrtXml(raster: Raster, rawName: string): string {
  const pixelBytes = dtypeInfo(raster.dtype).bytes;
  const bandBytes = raster.width * raster.height * pixelBytes;
  const gt = affineToGdal(raster.transform).map(formatNumber).join(', ');
  const srs = raster.crs ? `  <SRS>${escapeXml(raster.crs)}</SRS>\n` : '';
  const bands = raster.bands
    .map((_, i) => {
      const lines = [
        `  <VRTRasterBand dataType="${gdalTypeName(raster.dtype)}" band="${i + 1}" subClass="VRTRawRasterBand">`,
        raster.nodata !== null ? `    <NoDataValue>${formatNumber(raster.nodata)}</NoDataValue>` : '',
        raster.scales[i] !== 1 ? `    <Scale>${formatNumber(raster.scales[i]!)}</Scale>` : '',
        raster.offsets[i] !== 0 ? `    <Offset>${formatNumber(raster.offsets[i]!)}</Offset>` : '',
        raster.names[i] ? `    <Description>${escapeXml(raster.names[i]!)}</Description>` : '',
        `    <SourceFilename relativeToVRT="1">${escapeXml(rawName)}</SourceFilename>`,
        `    <ImageOffset>${i * bandBytes}</ImageOffset>`,
        `    <PixelOffset>${pixelBytes}</PixelOffset>`,
        `    <LineOffset>${raster.width * pixelBytes}</LineOffset>`,
        '    <ByteOrder>LSB</ByteOrder>',
        '  </VRTRasterBand>',
      ];
      return lines.filter(Boolean).join('\n');
    })
    .join('\n');
  return `<VRTDataset rasterXSize="${raster.width}" rasterYSize="${raster.height}">\n${srs}  <GeoTransform>${gt}</GeoTransform>\n${bands}\n</VRTDataset>\n`;
}

/** Shortest round-trip decimal: GDAL parses it back to the same double. */
function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
