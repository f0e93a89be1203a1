import { loadGeotiff } from '../raster/geotiff-module.js';
import { FileError } from '../errors.js';
import { convertedFolder, convertOnce } from './converted-files.js';
import type { FormatIo } from './format-io.js';
import { undecodableCodecError, UnsupportedFormatError } from './format-errors.js';
import { encodeDirectories, place, shortEntry, type PlannedIfd } from './tiff-directories.js';
import { swapBytes } from './tiff-decode.js';
import { decodeFloatingPoint, decodeHorizontal, type BlockShape } from './tiff-predictor.js';
import { entryNumbers, readTiffLayout, TAG, tagNumber, type ReadBytes, type TiffEntry, type TiffLayout } from './tiff-layout.js';

/** Compressions the engine's libtiff reads: none, CCITT (2, 3, 4), LZW, DEFLATE, PackBits. */
const ENGINE_CODECS = new Set([1, 2, 3, 4, 5, 8, 32773, 32946]);
/** Compressions geodata decodes for it (geotiff.js, with libjpeg-turbo and libwebp for JPEG and WebP). */
const DECODED_CODECS = new Map([
  [7, 'JPEG'],
  [34887, 'LERC'],
  [50000, 'ZSTD'],
  [50001, 'WEBP'],
]);
const OTHER_CODECS: Record<number, string> = { 6: 'old-style JPEG', 34925: 'LZMA', 50002: 'JPEG-XL', 34712: 'JPEG 2000' };
/** Tags that describe the compressed form only, or point at directories whose place changes. */
const DROPPED_WHEN_DECODED = new Set<number>([TAG.predictor, TAG.jpegTables, TAG.lercParameters]);
const DROPPED_WHEN_RGB = new Set<number>([TAG.yCbCrCoefficients, TAG.yCbCrSubSampling, TAG.yCbCrPositioning, TAG.referenceBlackWhite]);
const DROPPED_ALWAYS = new Set<number>([TAG.subIfds, TAG.exifIfd, TAG.gpsIfd]);
/** Files beside a TIFF that GDAL reads with it: auxiliary metadata (nodata, scale, even the CRS) and an external mask. */
const SIDECARS = ['.aux.xml', '.msk'];

/**
 * A GeoTIFF whose codec the engine lacks (JPEG, ZSTD, LERC, WEBP) rewritten with the same
 * directories and tags, GeoKeys, nodata and GDAL metadata included, and its tiles (or strips)
 * decoded one at a time into uncompressed ones; YCbCr JPEG becomes RGB, as GDAL decodes it. Other
 * directories (an internal DEFLATE mask, say) keep their blocks byte for byte. Any other TIFF is
 * returned as it is; one in a codec nobody here decodes (LZMA, JPEG-XL) is an
 * `UnsupportedFormatError` that says how to re-encode it.
 *
 * @example const readable = await transcodeTiffIfNeeded('/data/dem_zstd.tif', io, 'dem_zstd.tif');
 */
export async function transcodeTiffIfNeeded(path: string, io: FormatIo, name: string): Promise<string> {
  const read: ReadBytes = (offset, length) => io.read(path, offset, length);
  const header = await readTiffLayout(read, name, { values: false });
  const compressions = header.ifds.map((ifd) => tagNumber(ifd, TAG.compression, header.littleEndian, 1));
  if (compressions.every((code) => ENGINE_CODECS.has(code))) return path;
  const layout = await readTiffLayout(read, name);
  const unknown = compressions.find((code) => !ENGINE_CODECS.has(code) && !DECODED_CODECS.has(code));
  if (unknown !== undefined) {
    const codec = OTHER_CODECS[unknown] ?? `compression code ${unknown}`;
    throw undecodableCodecError(name, codec);
  }
  // GDAL reads a sidecar mask and auxiliary metadata beside a TIFF: they go beside the rewrite too.
  const sidecars: Array<{ suffix: string; path: string; key: string }> = [];
  for (const suffix of SIDECARS) {
    if ((await io.size(`${path}${suffix}`)) !== undefined) sidecars.push({ suffix, path: `${path}${suffix}`, key: await io.contentKey(`${path}${suffix}`) });
  }
  const folder = await convertedFolder(io.workspace, await io.contentKey(path), { tiff: 'decoded', sidecars: sidecars.map(({ suffix, key }) => [suffix, key]) });
  const stem = (name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'input').replace(/[^A-Za-z0-9._-]+/g, '_');
  return convertOnce(io.workspace, folder, `${stem}.tif`, async (part) => {
    for (const sidecar of sidecars) await io.workspace.writeFile(part(`${stem}.tif${sidecar.suffix}`), await io.workspace.readFile(sidecar.path));
    await writeDecoded(layout, compressions, read, io, part(`${stem}.tif`), name);
    return [...sidecars.map(({ suffix }) => `${stem}.tif${suffix}`), `${stem}.tif`];
  });
}

async function writeDecoded(layout: TiffLayout, compressions: number[], read: ReadBytes, io: FormatIo, target: string, name: string): Promise<void> {
  const planned = await Promise.all(layout.ifds.map((ifd, index) => planIfd(ifd, compressions[index]!, layout.littleEndian, name)));
  let bigTiff = layout.bigTiff;
  let placed = place(planned, bigTiff);
  if (!bigTiff && placed.end > 0xffff_ffff) placed = place(planned, (bigTiff = true));
  const writer = await io.openWriter(target);
  try {
    await writer.write(encodeDirectories(planned, placed, bigTiff, layout.littleEndian));
    for (const ifd of planned) {
      for (const block of ifd.blocks) {
        if (block.outputSize === 0) continue;
        const stored = await read(block.offset, block.size);
        if (stored.length < block.size) throw new FileError(`${name} is truncated: a tile or strip ends past the end of the file (${block.offset + block.size} > its size); the file is damaged`, name);
        if (!ifd.decode) {
          await writer.write(stored);
          continue;
        }
        const decoded = await ifd.decode(stored);
        // A decoder may hand back a block a little short or long (edge strips): GDAL expects the full size.
        if (decoded.length === block.outputSize) await writer.write(decoded);
        else {
          const sized = new Uint8Array(block.outputSize);
          sized.set(decoded.subarray(0, block.outputSize));
          await writer.write(sized);
        }
      }
    }
  } finally {
    await writer.close();
  }
}

/** Which blocks an IFD has, what they decode to, and its entries as they will be written (offsets aside). */
async function planIfd(ifd: TiffEntry[], compression: number, littleEndian: boolean, name: string): Promise<PlannedIfd> {
  const number = (tag: number, fallback: number) => tagNumber(ifd, tag, littleEndian, fallback);
  const tiled = ifd.some((entry) => entry.tag === TAG.tileOffsets);
  const offsetsTag = tiled ? TAG.tileOffsets : TAG.stripOffsets;
  const countsTag = tiled ? TAG.tileByteCounts : TAG.stripByteCounts;
  const offsets = entryNumbers(ifd.find((entry) => entry.tag === offsetsTag), littleEndian);
  const counts = entryNumbers(ifd.find((entry) => entry.tag === countsTag), littleEndian);
  const decoded = !ENGINE_CODECS.has(compression);
  if (!decoded) {
    return { entries: ifd.filter((entry) => !DROPPED_ALWAYS.has(entry.tag)), blocks: offsets.map((offset, i) => ({ offset, size: counts[i] ?? 0, outputSize: counts[i] ?? 0 })), offsetsTag, countsTag };
  }
  const width = number(TAG.imageWidth, 0);
  const height = number(TAG.imageLength, 0);
  const samples = number(TAG.samplesPerPixel, 1);
  const bits = entryNumbers(ifd.find((entry) => entry.tag === TAG.bitsPerSample), littleEndian);
  const planar = number(TAG.planarConfiguration, 1);
  if (bits.length === 0 || bits.some((value) => value % 8 !== 0)) {
    throw new UnsupportedFormatError(`${name}: ${bits.join(',')}-bit samples in a ${DECODED_CODECS.get(compression)} GeoTIFF are not supported; re-encode it with native GDAL (gdal_translate -co COMPRESS=DEFLATE)`, name, 'GeoTIFF');
  }
  const pixelBytes = planar === 2 ? bits[0]! / 8 : bits.reduce((sum, value) => sum + value, 0) / 8;
  const blockWidth = tiled ? number(TAG.tileWidth, width) : width;
  const blockHeight = tiled ? number(TAG.tileLength, height) : Math.min(number(TAG.rowsPerStrip, height), height);
  const blocksPerPlane = tiled ? Math.ceil(width / blockWidth) * Math.ceil(height / blockHeight) : Math.ceil(height / blockHeight);
  const blocks = offsets.map((offset, i) => {
    const size = counts[i] ?? 0;
    const rows = tiled ? blockHeight : Math.min(blockHeight, height - (i % blocksPerPlane) * blockHeight);
    return { offset, size, outputSize: size === 0 ? 0 : blockWidth * rows * pixelBytes };
  });
  const photometric = number(TAG.photometric, 1);
  const toRgb = compression === 7 && photometric === 6;
  const predictor = number(TAG.predictor, 1);
  // geotiff.js undoes predictors in the host's byte order: wrong for a big-endian file's samples.
  const ownPredictor = !littleEndian && predictor !== 1;
  const { getDecoder } = await loadGeotiff();
  const decoder = await getDecoder(compression, {
    tileWidth: blockWidth,
    tileHeight: blockHeight,
    planarConfiguration: planar,
    bitsPerSample: bits,
    predictor,
    samplesPerPixel: samples,
    JPEGTables: ifd.find((entry) => entry.tag === TAG.jpegTables)?.value,
    LercParameters: entryNumbers(ifd.find((entry) => entry.tag === TAG.lercParameters), littleEndian),
  } as never);
  const entries = ifd
    .filter((entry) => !DROPPED_ALWAYS.has(entry.tag) && !DROPPED_WHEN_DECODED.has(entry.tag) && !(toRgb && DROPPED_WHEN_RGB.has(entry.tag)))
    .map((entry) => (entry.tag === TAG.compression ? shortEntry(TAG.compression, 1, littleEndian) : toRgb && entry.tag === TAG.photometric ? shortEntry(TAG.photometric, 2, littleEndian) : entry));
  return {
    entries,
    blocks,
    offsetsTag,
    countsTag,
    decode: async (bytes) => {
      try {
        if (ownPredictor) return undoBigEndianPredictor(new Uint8Array(await decoder.decodeBlock(bytes.slice().buffer)), predictor, { width: blockWidth, rows: blockHeight, samples: planar === 2 ? 1 : samples, bytesPerSample: bits[0]! / 8 });
        return new Uint8Array(await decoder.decode(bytes.slice().buffer));
      } catch (error) {
        throw new UnsupportedFormatError(`cannot decode a ${DECODED_CODECS.get(compression)} block of ${name}: ${(error as Error).message}; the file is damaged, or re-encode it with native GDAL (gdal_translate -co COMPRESS=DEFLATE)`, name, 'GeoTIFF', { cause: error });
      }
    },
  };
}

/**
 * A big-endian block with its predictor undone, still big-endian (the rewrite keeps the file's
 * byte order): predictor 2 sums samples, so they are swapped to the host's order and back, as
 * libtiff does; predictor 3's byte planes are the same in either order and yield little-endian
 * values, swapped once.
 */
function undoBigEndianPredictor(block: Uint8Array, predictor: number, shape: BlockShape): Uint8Array {
  const { bytesPerSample } = shape;
  if (predictor === 2) {
    swapBytes(block, bytesPerSample);
    decodeHorizontal(block, shape);
    swapBytes(block, bytesPerSample);
    return block;
  }
  const rowBytes = shape.width * shape.samples * bytesPerSample;
  const out = new Uint8Array(block.length);
  decodeFloatingPoint(block, shape, out, (row) => row * rowBytes);
  swapBytes(out, bytesPerSample);
  return out;
}
