import { FileError, InvalidInputError } from '../errors.js';
import type { RandomAccessFile } from '../platform.js';
import type { DeflateCodec } from './deflate-codec.js';
import { encodeDirectories, place, shortEntry, type PlannedIfd } from './tiff-directories.js';
import { encodePredictor, type BlockShape } from './tiff-predictor.js';
import { entryNumbers, readTiffLayout, TAG, tagNumber, type TiffEntry } from './tiff-layout.js';

const SAMPLE_FORMAT = 339;

/** How `compressTiff` compresses: DEFLATE at `level`, with a predictor (`'auto'`: 3 for floats, 2 for integers). */
export interface TiffCompression {
  level: number;
  predictor: 1 | 2 | 3 | 'auto';
}

interface CompressedIfd extends PlannedIfd {
  shapes: BlockShape[];
  predictor: number;
}

/**
 * Rewrites an uncompressed (Big)TIFF as a DEFLATE one, every tag kept (GeoKeys, nodata, GDAL
 * metadata), compression and predictor set: the tiles (or strips) are read one by one, the
 * predictor applied in JavaScript and the DEFLATE done by `codec` (native zlib on the thread pool
 * in Node), several at a time, written in order. Memory holds a few blocks, never the raster.
 * The directories come first in the file, as GDAL writes them: their size does not depend on
 * the blocks' sizes, so they are written last, over the room left for them.
 *
 * `onProgress` hears the fraction of blocks written, about a hundred times.
 *
 * @example await compressTiff(source, target, { level: 1, predictor: 'auto' }, nodeDeflateCodec, 'slope.tif');
 */
export async function compressTiff(
  source: Pick<RandomAccessFile, 'read' | 'readInto'>,
  target: RandomAccessFile,
  options: TiffCompression,
  codec: DeflateCodec,
  name: string,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  const layout = await readTiffLayout((offset, length) => source.read(offset, length), name);
  const littleEndian = layout.littleEndian;
  if (!littleEndian) throw new FileError(`${name} is a big-endian TIFF; geodata compresses only the little-endian ones GDAL writes`, name);
  const planned = layout.ifds.map((ifd) => planIfd(ifd, littleEndian, options.predictor, name));
  const sourceBytes = planned.reduce((sum, ifd) => sum + ifd.blocks.reduce((s, block) => s + block.size + Math.ceil(block.size / 16_000) * 5 + 16, 0), 0);
  const bigTiff = layout.bigTiff || sourceBytes + 1_048_576 > 0xffff_ffff;
  const reserved = place(planned, bigTiff);
  let position = reserved.blockOffsets.flat().find((offset) => offset > 0) ?? reserved.end;
  const blockOffsets = planned.map((ifd) => ifd.blocks.map(() => 0));

  // A window of blocks in flight: read, predicted and compressed ahead, written in order.
  const jobs: Array<{ ifd: number; block: number }> = [];
  planned.forEach((ifd, i) => ifd.blocks.forEach((block, b) => block.size > 0 && jobs.push({ ifd: i, block: b })));
  // Each block in flight reads into and predicts from buffers of its own, handed on to the next
  // block once zlib has taken its bytes: new buffers per block cost a page fault per 4 KiB when
  // first written, about as much as the predictor itself.
  const spare: Array<{ raw: Uint8Array; predicted: Uint8Array }> = [];
  const compress = async (job: { ifd: number; block: number }) => {
    const ifd = planned[job.ifd]!;
    const block = ifd.blocks[job.block]!;
    const buffers = spare.pop() ?? { raw: new Uint8Array(0), predicted: new Uint8Array(0) };
    try {
      let raw: Uint8Array;
      if (source.readInto) {
        if (buffers.raw.length < block.size) buffers.raw = new Uint8Array(block.size);
        raw = buffers.raw.subarray(0, await source.readInto(block.offset, buffers.raw.subarray(0, block.size)));
      } else raw = await source.read(block.offset, block.size);
      if (raw.length < block.size) throw new FileError(`${name} is truncated: a block ends past the end of the file`, name);
      if (ifd.predictor === 3 && buffers.predicted.length < block.size) buffers.predicted = new Uint8Array(block.size);
      return await codec.deflate(encodePredictor(raw, ifd.predictor, ifd.shapes[job.block]!, buffers.predicted), options.level);
    } finally {
      spare.push(buffers);
    }
  };
  const inFlight: Array<Promise<Uint8Array>> = [];
  let next = 0;
  const feed = () => {
    while (next < jobs.length && inFlight.length < codec.parallel) {
      const promise = compress(jobs[next++]!);
      promise.catch(() => undefined); // awaited in order below; a later rejection must not go unhandled meanwhile
      inFlight.push(promise);
    }
  };
  let written = 0;
  for (const job of jobs) {
    feed();
    const bytes = await inFlight.shift()!;
    await target.write(position, bytes);
    blockOffsets[job.ifd]![job.block] = position;
    planned[job.ifd]!.blocks[job.block]!.outputSize = bytes.length;
    position += bytes.length;
    if (!bigTiff && position > 0xffff_ffff) throw new FileError(`${name} grew past 4 GB while compressed, which a classic TIFF cannot hold`, name);
    written += 1;
    // About a hundred reports, whatever the number of blocks.
    if (onProgress && (written === jobs.length || written % Math.ceil(jobs.length / 100) === 0)) onProgress(written / jobs.length);
  }
  const directories = encodeDirectories(planned, { ...reserved, blockOffsets, end: position }, bigTiff, littleEndian);
  await target.write(0, directories);
}

/** The blocks of one directory, their shapes for the predictor, and its entries with compression 8 and the predictor. */
function planIfd(ifd: TiffEntry[], littleEndian: boolean, wanted: TiffCompression['predictor'], name: string): CompressedIfd {
  const number = (tag: number, fallback: number) => tagNumber(ifd, tag, littleEndian, fallback);
  const compression = number(TAG.compression, 1);
  if (compression !== 1) throw new FileError(`${name} is already compressed (compression ${compression}); compressTiff takes an uncompressed TIFF`, name);
  const tiled = ifd.some((entry) => entry.tag === TAG.tileOffsets);
  const offsetsTag = tiled ? TAG.tileOffsets : TAG.stripOffsets;
  const countsTag = tiled ? TAG.tileByteCounts : TAG.stripByteCounts;
  const offsets = entryNumbers(ifd.find((entry) => entry.tag === offsetsTag), littleEndian);
  const counts = entryNumbers(ifd.find((entry) => entry.tag === countsTag), littleEndian);
  const width = number(TAG.imageWidth, 0);
  const height = number(TAG.imageLength, 0);
  const samples = number(TAG.samplesPerPixel, 1);
  const planar = number(TAG.planarConfiguration, 1);
  const bits = entryNumbers(ifd.find((entry) => entry.tag === TAG.bitsPerSample), littleEndian);
  const format = number(SAMPLE_FORMAT, 1);
  const whole = bits.length > 0 && bits.every((value) => value === bits[0] && [8, 16, 32, 64].includes(value));
  const bytesPerSample = whole ? bits[0]! / 8 : 1;
  const float = format === 3;
  let predictor: number;
  if (wanted === 'auto') predictor = !whole ? 1 : float ? (bytesPerSample >= 4 ? 3 : 1) : 2;
  else predictor = wanted;
  if (predictor === 3 && !(whole && float)) {
    throw new InvalidInputError(`predictor 3 is for floating-point rasters, and ${name} holds ${bits.join(',')}-bit ${format === 2 ? 'signed integers' : 'unsigned integers'}; use predictor 2`);
  }
  if (predictor === 2 && !whole) throw new InvalidInputError(`predictor 2 needs 8, 16, 32 or 64-bit samples, and ${name} has ${bits.join(',')}-bit ones; leave the predictor out`);
  const blockWidth = tiled ? number(TAG.tileWidth, width) : width;
  const blockHeight = tiled ? number(TAG.tileLength, height) : Math.min(number(TAG.rowsPerStrip, height), height);
  const blocksPerPlane = tiled ? Math.ceil(width / blockWidth) * Math.ceil(height / blockHeight) : Math.ceil(height / blockHeight);
  const blockSamples = planar === 2 ? 1 : samples;
  const shapes = offsets.map((_, i) => ({
    width: blockWidth,
    rows: tiled ? blockHeight : Math.min(blockHeight, height - (i % blocksPerPlane) * blockHeight),
    samples: blockSamples,
    bytesPerSample,
  }));
  const entries = ifd
    .filter((entry) => entry.tag !== TAG.predictor)
    .map((entry) => (entry.tag === TAG.compression ? shortEntry(TAG.compression, 8, littleEndian) : entry));
  if (!entries.some((entry) => entry.tag === TAG.compression)) entries.push(shortEntry(TAG.compression, 8, littleEndian));
  if (predictor !== 1) entries.push(shortEntry(TAG.predictor, predictor, littleEndian));
  entries.sort((a, b) => a.tag - b.tag);
  return {
    entries,
    blocks: offsets.map((offset, i) => ({ offset, size: counts[i] ?? 0, outputSize: counts[i] ?? 0 })),
    offsetsTag,
    countsTag,
    shapes,
    predictor,
  };
}
