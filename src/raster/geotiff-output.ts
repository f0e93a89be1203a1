import type { CallOptions, GdalEngine } from '../../wasm/engine.js';
import { deflateCodec } from '../formats/deflate-codec.js';
import { compressTiff, type TiffCompression } from '../formats/tiff-compress.js';
import { readTiffLayout, TAG, tagNumber } from '../formats/tiff-layout.js';
import { openEngineFile } from '../engine-files-access.js';
import { getPlatform, type RandomAccessFile, type UncompressedCopies } from '../platform.js';
import { creationArgs, type WriteOptions } from './write-options.js';

/**
 * The cache's own DEFLATE settings, used when the write options name no compression: level 1 with
 * the predictor that suits the type (3 for floats, 2 for integers). Measured on a 4000x4000
 * Float32 terrain (bench/compression.ts): as small as GDAL's default level 6 without predictor's
 * half, several times faster to write, and faster to read.
 */
export const CACHE_COMPRESSION: TiffCompression = { level: 1, predictor: 'auto' };

/** Creation options the tile compressor keeps as GDAL would (the layout ones) or applies itself (COMPRESS, ZLEVEL, PREDICTOR). */
const LAYOUT_OPTIONS = new Set(['TILED', 'BLOCKXSIZE', 'BLOCKYSIZE', 'BIGTIFF', 'INTERLEAVE', 'PHOTOMETRIC', 'PROFILE', 'GEOTIFF_VERSION', 'ALPHA', 'GEOTIFF_KEYS_FLAVOR']);
const COMPRESSION_OPTIONS = new Set(['COMPRESS', 'ZLEVEL', 'PREDICTOR', 'NUM_THREADS']);

/**
 * Runs a GDAL call that writes a GeoTIFF at `outputPath` with the write options. When the result
 * is a DEFLATE GeoTIFF (the default) and the host can, GDAL writes it uncompressed beside the
 * output and the tiles are compressed outside WebAssembly (`compressTiff`: native zlib on every
 * core in Node, the Compression Streams API in browsers), which is several times faster than
 * GDAL's DEFLATE compiled to WebAssembly. Options only
 * GDAL can honour (COG, other codecs, NBITS, ...) go to GDAL as they are.
 *
 * `extra` are further creation arguments (`-co KEY=VALUE`) of the caller; `run` does the GDAL
 * call, writing to `dest` with creation arguments `creation`, passing `options` to the engine (an
 * engine that lays a split output together may DEFLATE it as it does: `CallOptions.deflate`).
 *
 * @example await writeGeoTiff(engine, out, write, grid, [], (dest, creation, options) => engine.warp(inputs, dest, [...creation, '-t_srs', crs], options));
 */
export async function writeGeoTiff(
  engine: GdalEngine,
  outputPath: string,
  write: WriteOptions,
  shape: { width: number; height: number },
  extra: string[],
  run: (dest: string, creation: string[], options: CallOptions) => Promise<void>,
): Promise<void> {
  // GDAL creates no folders: a terrain output in a new folder failed naming a scratch file of
  // GDAL's (`out.tif.x1y2.uncompressed.tif`), where `raster.write` made the folder.
  const folder = outputPath.slice(0, outputPath.lastIndexOf('/'));
  if (folder) await engine.fs.mkdir(folder);
  const compression = outsideCompression(engine, write, extra);
  if (!compression) return run(outputPath, [...creationArgs(write, shape), ...extra], {});
  const open = fileOpener(engine);
  const codec = deflateCodec();
  const uncompressed = `${outputPath}.${Math.random().toString(36).slice(2, 10)}.uncompressed.tif`;
  const layout = (write.creationOptions ?? []).filter((option) => !COMPRESSION_OPTIONS.has(optionKey(option)));
  // Where the platform keeps uncompressed copies for later GDAL reads (Node, host files).
  const copies = engine.fs.kind === 'host' ? getPlatform().uncompressedCopies : undefined;
  const copy = copies?.pathFor(outputPath);
  // Once handed to `copies.remember`, the copy is kept or removed there.
  let handedOver = false;
  try {
    const deflate = { compression, codec, openFile: (path: string, mode: 'w') => open(path, mode), ...(copy ? { uncompressedCopy: copy } : {}) };
    await run(uncompressed, [...creationArgs({ ...write, compress: 'NONE', predictor: 1, creationOptions: layout }, shape), ...extra], { deflate });
    // The engine may have compressed the tiles itself while laying a split output together
    // (and laid them uncompressed at `copy` beside).
    if (engine.fs.kind !== 'memory' && (await compressionOf(open, uncompressed)) === DEFLATE) {
      await engine.fs.rename(uncompressed, outputPath);
      if (copies && copy) {
        handedOver = true;
        await copies.remember(outputPath, copy);
      }
      return;
    }
    const source = await open(uncompressed, 'r');
    try {
      const target = await open(outputPath, 'w');
      try {
        await compressTiff(source, target, compression, codec, outputPath);
      } finally {
        await target.close();
      }
    } catch (error) {
      await engine.fs.remove(outputPath);
      throw error;
    } finally {
      await source.close();
    }
    if (copies && copy) handedOver = await keepCopy(engine, copies, outputPath, uncompressed, copy);
  } finally {
    // GDAL wrote it: removed through the engine, whose file system layer must know (see DESIGN.md).
    await engine.fs.remove(uncompressed);
    if (copy && !handedOver) await engine.fs.remove(copy);
  }
}

/**
 * Moves GDAL's uncompressed output to `copy` and hands it to `copies` as `outputPath`'s copy;
 * false when it cannot move (another file system), and nothing is at `copy`.
 */
async function keepCopy(engine: GdalEngine, copies: UncompressedCopies, outputPath: string, uncompressed: string, copy: string): Promise<boolean> {
  try {
    await engine.fs.rename(uncompressed, copy);
  } catch {
    return false;
  }
  await copies.remember(outputPath, copy);
  return true;
}

const DEFLATE = 8;

/** The compression of a TIFF's first image (1: none, 8: DEFLATE). */
async function compressionOf(open: (path: string, mode: 'r') => Promise<RandomAccessFile>, path: string): Promise<number> {
  const file = await open(path, 'r');
  try {
    const layout = await readTiffLayout((offset, length) => file.read(offset, length), path, { values: false });
    return tagNumber(layout.ifds[0] ?? [], TAG.compression, layout.littleEndian, 1);
  } finally {
    await file.close();
  }
}

/** The DEFLATE settings to apply outside GDAL, or undefined when GDAL must write the file as asked. */
export function outsideCompression(engine: GdalEngine, write: WriteOptions, extra: string[] = []): TiffCompression | undefined {
  if (!canOpen(engine)) return undefined;
  if (write.cog) return undefined;
  const options = new Map<string, string>();
  for (const option of [...(write.creationOptions ?? []), ...extra.filter((arg) => arg !== '-co')]) {
    const key = optionKey(option);
    if (!LAYOUT_OPTIONS.has(key) && !COMPRESSION_OPTIONS.has(key)) return undefined;
    options.set(key, option.slice(option.indexOf('=') + 1).toUpperCase());
  }
  const compress = options.get('COMPRESS') ?? write.compress ?? 'DEFLATE';
  if (compress !== 'DEFLATE') return undefined;
  const chosen = write.compress !== undefined || write.predictor !== undefined || options.has('COMPRESS') || options.has('PREDICTOR') || options.has('ZLEVEL');
  if (!chosen) return CACHE_COMPRESSION;
  // Chosen by the user: what GDAL would write (level 6, no predictor unless asked).
  const level = Number(options.get('ZLEVEL') ?? 6);
  const predictor = Number(options.get('PREDICTOR') ?? write.predictor ?? 1);
  if (!Number.isInteger(level) || level < 1 || level > 9 || ![1, 2, 3].includes(predictor)) return undefined;
  return { level, predictor: predictor as 1 | 2 | 3 };
}

/**
 * Positioned file access where the engine's files are: the host's (Node: `Workspace.openFile`),
 * or the engine's in-memory file system (browsers: whole files through `engine.fs`).
 */
function fileOpener(engine: GdalEngine): (path: string, mode: 'r' | 'w') => Promise<RandomAccessFile> {
  if (engine.fs.kind === 'memory') return (path, mode) => openEngineFile(engine.fs, path, mode);
  const workspace = getPlatform().workspace();
  return (path, mode) => workspace.openFile!(path, mode);
}

function canOpen(engine: GdalEngine): boolean {
  if (engine.fs.kind === 'memory') return typeof CompressionStream !== 'undefined' || getPlatform().deflateCodec !== undefined;
  const platform = getPlatform();
  return platform.deflateCodec !== undefined && platform.workspace().openFile !== undefined;
}

function optionKey(option: string): string {
  return option.slice(0, Math.max(0, option.indexOf('='))).toUpperCase();
}
