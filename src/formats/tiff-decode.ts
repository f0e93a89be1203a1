import { FileError, InvalidInputError } from '../errors.js';
import { dtypeFromTiff, dtypeInfo, type DType, type TypedArray } from '../raster/dtype.js';
import type { DeflateCodec } from './deflate-codec.js';
import { parseGdalNumber } from './gdal-text.js';
import { decodeFloatingPoint, decodeHorizontal, type BlockShape } from './tiff-predictor.js';
import { entryNumbers, TAG, tagNumber, type ReadBytes, type TiffEntry, type TiffLayout } from './tiff-layout.js';

const SAMPLE_FORMAT = 339;

/** A rectangle of pixels: column `x`, row `y`, `width` x `height`. */
export interface RasterWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Decodes one stored block of a codec other than DEFLATE (TIFF compression 5, LZW, 32773,
 * PackBits, or 50000, ZSTD) into its raw bytes, the predictor still applied. Given to
 * `tiffPixels` by `readWindow` and `readRaster`: geotiff.js's decoders, loaded on first use.
 */
export type BlockDecoder = (compression: number, stored: Uint8Array) => Promise<Uint8Array>;

/**
 * TIFF compression codes a `BlockDecoder` is asked for, by name: LZW and PackBits (the other
 * codecs geodata writes) and ZSTD, whose blocks need no parameters either. Through `tiffPixels`
 * their predictors are undone in the file's byte order and sparse blocks read as nodata, which
 * geotiff.js's own reading of them gets wrong.
 */
export const OTHER_COMPRESSIONS: Readonly<Record<number, string>> = { 5: 'LZW', 32773: 'PackBits', 50000: 'ZSTD' };

/** The pixel layout of a TIFF's first directory, when the fast decoder handles it. */
export interface TiffPixels {
  width: number;
  height: number;
  samples: number;
  dtype: DType;
  read(bands: number[], window?: RasterWindow): Promise<TypedArray[]>;
}

/**
 * The fast pixel path for the GeoTIFFs geodata writes (and most others GDAL writes): uncompressed
 * or DEFLATE (and LZW, PackBits or ZSTD when `other` decodes their blocks), predictor none, 2 or 3, tiled or stripped, either byte order, whole-byte samples. Blocks
 * are inflated by `codec` (native zlib on the thread pool in Node) several at a time, the predictor
 * undone in place and each row copied once into its band. Returns undefined for a file it does not
 * handle (the caller then decodes with geotiff.js).
 *
 * @example const pixels = tiffPixels(layout, read, nodeDeflateCodec, 'dem.tif'); const [band] = await pixels!.read([0]);
 */
export function tiffPixels(layout: TiffLayout, read: ReadBytes, codec: DeflateCodec, name: string, other?: BlockDecoder): TiffPixels | undefined {
  const ifd = layout.ifds[0];
  if (!ifd) return undefined;
  const le = layout.littleEndian;
  const number = (tag: number, fallback: number) => tagNumber(ifd, tag, le, fallback);
  const compression = number(TAG.compression, 1);
  const predictor = number(TAG.predictor, 1);
  const other_ = other && compression in OTHER_COMPRESSIONS ? other : undefined;
  if ((![1, 8, 32946].includes(compression) && !other_) || ![1, 2, 3].includes(predictor)) return undefined;
  const bits = entryNumbers(ifd.find((entry) => entry.tag === TAG.bitsPerSample), le);
  if (bits.length === 0 || !bits.every((value) => value === bits[0] && [8, 16, 32, 64].includes(value))) return undefined;
  const format = number(SAMPLE_FORMAT, 1);
  let dtype: DType;
  try {
    dtype = dtypeFromTiff(format, bits[0]!);
  } catch {
    return undefined;
  }
  const bytesPerSample = bits[0]! / 8;
  // Samples stored narrower than their dtype (half floats, read as Float32) are geotiff.js's to widen.
  if (dtypeInfo(dtype).bytes !== bytesPerSample) return undefined;
  if (predictor === 3 && format !== 3) return undefined;
  const width = number(TAG.imageWidth, 0);
  const height = number(TAG.imageLength, 0);
  const samples = number(TAG.samplesPerPixel, 1);
  const planar = number(TAG.planarConfiguration, 1);
  const tiled = ifd.some((entry) => entry.tag === TAG.tileOffsets);
  const offsets = entryNumbers(ifd.find((entry) => entry.tag === (tiled ? TAG.tileOffsets : TAG.stripOffsets)), le);
  const counts = entryNumbers(ifd.find((entry) => entry.tag === (tiled ? TAG.tileByteCounts : TAG.stripByteCounts)), le);
  const blockWidth = tiled ? number(TAG.tileWidth, width) : width;
  const blockHeight = tiled ? number(TAG.tileLength, height) : Math.min(number(TAG.rowsPerStrip, height), height);
  const across = Math.ceil(width / blockWidth);
  const down = Math.ceil(height / blockHeight);
  if (offsets.length < (planar === 2 ? samples : 1) * across * down) return undefined;
  const blockSamples = planar === 2 ? 1 : samples;
  const fill = sparseFill(ifd, dtype);
  // A big-endian file's samples are swapped to little-endian before predictor 2 is undone, as
  // libtiff does; predictor 3's byte planes are the same in either byte order (most significant
  // first), and undoing it yields little-endian values.
  const swap = !le && bytesPerSample > 1 && predictor !== 3;
  const ArrayType = dtypeInfo(dtype).array as unknown as { new (length: number): TypedArray; new (buffer: ArrayBufferLike, offset: number, length: number): TypedArray };

  return {
    width,
    height,
    samples,
    dtype,
    async read(asked, window = { x: 0, y: 0, width, height }) {
      checkWindow(window, width, height, name);
      for (const band of asked) if (!Number.isInteger(band) || band < 0 || band >= samples) throw new InvalidInputError(`band ${band + 1} does not exist in ${name}, which has bands 1..${samples}`);
      // Each band decoded once; a band asked twice (`bands: [1, 1]`, as GDAL's -b 1 -b 1) gets a copy,
      // where placing blocks by the band's first position left the second all zeros.
      const bands = [...new Set(asked)];
      const out = bands.map(() => new ArrayType(window.width * window.height));
      const jobs: Array<{ index: number; column: number; row: number; plane: number }> = [];
      const firstColumn = Math.floor(window.x / blockWidth);
      const lastColumn = Math.floor((window.x + window.width - 1) / blockWidth);
      const firstRow = Math.floor(window.y / blockHeight);
      const lastRow = Math.floor((window.y + window.height - 1) / blockHeight);
      const planes = planar === 2 ? bands : [0];
      for (const plane of planes) {
        for (let row = firstRow; row <= lastRow; row++) {
          for (let column = firstColumn; column <= lastColumn; column++) jobs.push({ index: plane * across * down + row * across + column, column, row, plane });
        }
      }
      const decodeBlock = async (job: (typeof jobs)[number]) => {
        const size = counts[job.index] ?? 0;
        const rows = tiled ? blockHeight : Math.min(blockHeight, height - job.row * blockHeight);
        if (size === 0) return { job, shape: { width: blockWidth, rows, samples: blockSamples, bytesPerSample }, top: job.row * blockHeight, block: undefined }; // a sparse block, never written: `fill`
        // An uncompressed block is read from the window's first row to its last only: a file
        // stored in one strip is one block, and reading a whole strip of over 2 GiB for one pixel
        // crashed Node (its file read takes at most 2 GiB).
        const rowBytes = blockWidth * blockSamples * bytesPerSample;
        const skip = compression === 1 ? Math.max(0, window.y - job.row * blockHeight) : 0;
        const kept = compression === 1 ? Math.min(rows, window.y + window.height - job.row * blockHeight) - skip : rows;
        const shape: BlockShape = { width: blockWidth, rows: kept, samples: blockSamples, bytesPerSample };
        const top = job.row * blockHeight + skip;
        const stored = compression === 1 ? await read(offsets[job.index]! + skip * rowBytes, Math.min(size - skip * rowBytes, kept * rowBytes)) : await read(offsets[job.index]!, size);
        if (stored.length < (compression === 1 ? Math.min(size - skip * rowBytes, kept * rowBytes) : size)) throw new FileError(`${name} is truncated: a tile or strip ends past the end of the file`, name);
        let block: Uint8Array;
        // `stored` may be a view of the caller's bytes: changed only in a copy.
        if (compression === 1) block = predictor === 1 && !swap && stored.byteOffset % bytesPerSample === 0 ? stored : stored.slice();
        else if (other_) {
          try {
            block = await other_(compression, stored);
          } catch (error) {
            throw new FileError(`${name} has a damaged ${OTHER_COMPRESSIONS[compression]} block (${(error as Error).message})`, name, { cause: error });
          }
          const expected = shape.width * shape.rows * shape.samples * bytesPerSample;
          if (block.length < expected) throw new FileError(`${name} has a damaged ${OTHER_COMPRESSIONS[compression]} block: ${block.length} bytes decoded where the block holds ${expected}`, name);
        } else {
          try {
            block = await codec.inflate(stored, shape.width * shape.rows * shape.samples * bytesPerSample);
          } catch (error) {
            throw new FileError(`${name} has a damaged DEFLATE block (${(error as Error).message})`, name, { cause: error });
          }
        }
        if (swap) swapBytes(block, bytesPerSample);
        return { job, shape, top, block };
      };
      const place = ({ job, shape, top, block }: Awaited<ReturnType<typeof decodeBlock>>) => {
        const x0 = Math.max(window.x, job.column * blockWidth);
        const x1 = Math.min(window.x + window.width, (job.column + 1) * blockWidth, width);
        // `top`: the image row of the block's first decoded row.
        const y0 = Math.max(window.y, top);
        const y1 = Math.min(window.y + window.height, top + shape.rows);
        const rowOf = (y: number) => y - top;
        if (!block) {
          if (fill === 0) return;
          for (const target of blockSamples === 1 ? [out[bands.indexOf(job.plane)]!] : out) {
            for (let y = y0; y < y1; y++) target.fill(fill, (y - window.y) * window.width + (x0 - window.x), (y - window.y) * window.width + (x1 - window.x));
          }
          return;
        }
        if (predictor === 3 && blockSamples === 1) {
          const target = out[bands.indexOf(job.plane)]!;
          const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
          decodeFloatingPoint(block, shape, bytes, (row) => (row + top < y0 || row + top >= y1 ? -1 : ((row + top - window.y) * window.width + (x0 - window.x)) * bytesPerSample), x0 - job.column * blockWidth, x1 - x0);
          return;
        }
        let values: Uint8Array = block;
        if (predictor === 2) decodeHorizontal(block, shape);
        else if (predictor === 3) {
          values = new Uint8Array(block.length);
          decodeFloatingPoint(block, shape, values, (row) => row * shape.width * shape.samples * bytesPerSample);
        }
        if (values.byteOffset % bytesPerSample !== 0) values = values.slice();
        const source = new ArrayType(values.buffer, values.byteOffset, Math.floor(values.byteLength / bytesPerSample));
        const columns = x1 - x0;
        for (let y = y0; y < y1; y++) {
          const from = (rowOf(y) * blockWidth + (x0 - job.column * blockWidth)) * blockSamples;
          const to = (y - window.y) * window.width + (x0 - window.x);
          if (blockSamples === 1) {
            out[bands.indexOf(job.plane)]!.set(source.subarray(from, from + columns), to);
            continue;
          }
          bands.forEach((band, i) => {
            const target = out[i]!;
            for (let c = 0; c < columns; c++) target[to + c] = source[from + c * blockSamples + band]!;
          });
        }
      };
      // Blocks inflate on the thread pool while finished ones are placed here, in order.
      const inFlight: Array<Promise<Awaited<ReturnType<typeof decodeBlock>>>> = [];
      let next = 0;
      for (let done = 0; done < jobs.length; done++) {
        while (next < jobs.length && inFlight.length < codec.parallel) {
          const promise = decodeBlock(jobs[next++]!);
          promise.catch(() => undefined);
          inFlight.push(promise);
        }
        place(await inFlight.shift()!);
      }
      return asked.map((band, index) => (asked.indexOf(band) === index ? out[bands.indexOf(band)]! : out[bands.indexOf(band)]!.slice()));
    },
  };
}

/** Reverses the bytes of each `bytesPerSample`-byte sample of `block`, in place. */
export function swapBytes(block: Uint8Array, bytesPerSample: number): void {
  const end = block.length - (block.length % bytesPerSample);
  for (let at = 0; at < end; at += bytesPerSample) {
    for (let low = at, high = at + bytesPerSample - 1; low < high; low++, high--) {
      const byte = block[low]!;
      block[low] = block[high]!;
      block[high] = byte;
    }
  }
}

/**
 * What GDAL reads in a block the file never wrote (a sparse file's missing tile or strip): the
 * band's nodata (GDAL_NODATA, tag 42113) as the pixel type holds it, else 0.
 */
function sparseFill(ifd: readonly TiffEntry[], dtype: DType): number {
  const entry = ifd.find((candidate) => candidate.tag === TAG.gdalNodata);
  if (!entry) return 0;
  const value = parseGdalNumber(new TextDecoder().decode(entry.value));
  const info = dtypeInfo(dtype);
  if (!info.integer) return value;
  // GDAL's copy into an integer type: rounded and clamped, NaN as 0.
  if (Number.isNaN(value)) return 0;
  return Math.min(info.max, Math.max(info.min, Math.round(value)));
}

function checkWindow(window: RasterWindow, width: number, height: number, name: string): void {
  const { x, y, width: w, height: h } = window;
  if (![x, y, w, h].every(Number.isInteger) || x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
    throw new InvalidInputError(`window ${JSON.stringify(window)} is not inside ${name}, which is ${width}x${height} pixels; give whole numbers with x + width <= ${width} and y + height <= ${height}`);
  }
}
