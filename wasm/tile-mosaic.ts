/**
 * Node only: one uncompressed tiled GeoTIFF laid together from the tiles of several, without GDAL,
 * and read where they are: never written out when it is to be compressed.
 *
 * A warp split along GDAL's chunk tree (`warp-chunks.ts`) leaves windows whose edges fall on the
 * output's tile grid (every cut is a whole number of tiles, only the output's own right and bottom
 * edges are not), each written with the output's tiling. So every tile of the output is, byte for
 * byte, a tile of one window, and the output is written by copying tiles: the directory is the
 * top-left window's (same georeferencing origin, pixel size, CRS, nodata and metadata, as GDAL
 * wrote them), with the output's size and the new tile offsets. Laying a VRT of the windows out
 * with `gdal_translate` cost as much as the warp it followed (12000x12000 Float32: 2.5 s against
 * 2.9 s of warping on two workers); copying the tiles, 0.2-0.4 s, and 2.6-6.6 s at 24000x24000
 * (2.3 GB more to write while the windows' own pages are written back), which compressing
 * straight from the windows saves.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { FileError } from '../src/errors.js';
import { encodeDirectories, place, type PlannedIfd } from '../src/formats/tiff-directories.js';
import { entryNumbers, readTiffLayout, TAG, tagNumber, type TiffEntry } from '../src/formats/tiff-layout.js';

/**
 * A window's GeoTIFF, its size and where its top-left pixel goes in the output. `ready` settles
 * when the file is written: the mosaic reads a window's tiles only then, so the output can be laid
 * (and compressed) while later windows are still being warped.
 */
export interface TileWindow {
  file: string;
  x: number;
  y: number;
  width: number;
  height: number;
  ready?: Promise<unknown>;
}

/** The tiles' shape, which every window shares with the first. */
interface TileShape {
  tileWidth: number;
  tileHeight: number;
  planes: number;
  tileBytes: number;
}

/** An open window: its directory, its tiles' shape, where each tile is in its file. */
interface WindowTiles extends TileShape {
  handle: FileHandle;
  entries: TiffEntry[];
  littleEndian: boolean;
  offsets: number[];
}

/**
 * The output as a file to read, without writing it: its directory in memory, each tile read from
 * the window holding it. `compressTiff` compresses it straight from the windows; `copyTileMosaic`
 * writes it out uncompressed.
 */
export interface TileMosaic {
  /** The file's size in bytes. */
  size: number;
  /** The bytes of its largest tile, for buffers. */
  tileBytes: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  readInto(offset: number, target: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the output `width` x `height` laid together from `windows` (uncompressed tiled GeoTIFFs
 * with the same tiles, the first at 0,0, edges on the tile grid, covering the output), once the
 * first is ready. `bigTiff` is the output's BIGTIFF creation option, applied as GDAL does.
 */
export async function openTileMosaic(windows: readonly TileWindow[], dest: string, width: number, height: number, bigTiffWanted: 'YES' | 'NO' | 'IF_NEEDED' | 'IF_SAFER'): Promise<TileMosaic> {
  const first = windows[0];
  if (!first || first.x !== 0 || first.y !== 0) throw new FileError(`the windows of ${dest} do not start at its top-left pixel`, dest);
  await first.ready;
  const opened = new Map<TileWindow, Promise<WindowTiles>>();
  // Each window opened once, when it is ready: its tiles checked against the first window's.
  let shape: TileShape | undefined;
  const tilesOf = (window: TileWindow): Promise<WindowTiles> => {
    let tiles = opened.get(window);
    if (!tiles) {
      tiles = openWindow(window, dest, shape);
      tiles.catch(() => undefined); // awaited by every read of the window; a failure is reported there
      opened.set(window, tiles);
    }
    return tiles;
  };
  try {
    const { entries, littleEndian, tileWidth, tileHeight, planes, tileBytes } = await tilesOf(first);
    shape = { tileWidth, tileHeight, planes, tileBytes };
    for (const window of windows) {
      const inner = (window.x + window.width < width && window.width % tileWidth !== 0) || (window.y + window.height < height && window.height % tileHeight !== 0);
      if (window.x % tileWidth !== 0 || window.y % tileHeight !== 0 || inner) {
        throw new FileError(`${window.file} (${window.width}x${window.height} at ${window.x},${window.y}) has edges off the tile grid of ${dest}`, window.file);
      }
    }
    const across = Math.ceil(width / tileWidth);
    const down = Math.ceil(height / tileHeight);

    // Every output tile from the window holding it, plane by plane, row by row as TIFF orders them.
    const sources: Array<{ window: TileWindow; index: number }> = [];
    for (let plane = 0; plane < planes; plane += 1) {
      for (let row = 0; row < down; row += 1) {
        for (let column = 0; column < across; column += 1) {
          const x = column * tileWidth;
          const y = row * tileHeight;
          const window = windows.find((w) => x >= w.x && y >= w.y && x < w.x + w.width && y < w.y + w.height);
          if (!window) throw new FileError(`no window of ${dest} holds its pixel ${x},${y}`, dest);
          const windowAcross = Math.ceil(window.width / tileWidth);
          const windowDown = Math.ceil(window.height / tileHeight);
          const local = (row - window.y / tileHeight) * windowAcross + (column - window.x / tileWidth);
          sources.push({ window, index: plane * windowAcross * windowDown + local });
        }
      }
    }
    // GDAL writes every tile of a new uncompressed file, each of the same size (edge tiles padded).
    const dataBytes = sources.length * tileBytes;
    const bigTiff = bigTiffWanted === 'YES' || dataBytes > 4_200_000_000 || (bigTiffWanted === 'IF_SAFER' && dataBytes > 2_000_000_000);
    if (bigTiffWanted === 'NO' && bigTiff) throw new FileError(`${dest} needs ${dataBytes} bytes of tiles, more than a classic TIFF holds, and BIGTIFF=NO was asked`, dest);

    const planned: PlannedIfd = {
      entries: entries.map((entry) => (entry.tag === TAG.imageWidth ? sizeEntry(entry, width, littleEndian) : entry.tag === TAG.imageLength ? sizeEntry(entry, height, littleEndian) : entry)),
      blocks: sources.map(() => ({ offset: 0, size: tileBytes, outputSize: tileBytes })),
      offsetsTag: TAG.tileOffsets,
      countsTag: TAG.tileByteCounts,
    };
    const placed = place([planned], bigTiff);
    const header = encodeDirectories([planned], placed, bigTiff, littleEndian);
    // The tiles follow the directory in their own order, each `tileBytes` long.
    const starts = placed.blockOffsets[0]!;
    const readInto = async (offset: number, target: Uint8Array): Promise<number> => {
      let filled = 0;
      while (filled < target.length && offset + filled < placed.end) {
        const at = offset + filled;
        if (at < header.length) {
          const part = header.subarray(at, Math.min(header.length, at + target.length - filled));
          target.set(part, filled);
          filled += part.length;
          continue;
        }
        const tile = lastAtOrBefore(starts, at);
        if (tile < 0 || at >= starts[tile]! + tileBytes) {
          // Before the first tile or after one (padding, the end): zeros up to the next tile.
          const next = tile + 1 < starts.length ? starts[tile + 1]! : placed.end;
          const gap = Math.min(next - at, target.length - filled);
          target.fill(0, filled, filled + gap);
          filled += gap;
          continue;
        }
        const start = starts[tile]!;
        const { window, index } = sources[tile]!;
        const tiles = await tilesOf(window);
        const length = Math.min(start + tileBytes - at, target.length - filled);
        const { bytesRead } = await tiles.handle.read(target, filled, length, tiles.offsets[index]! + (at - start));
        if (bytesRead < length) throw new FileError(`${window.file} is truncated: tile ${index} ends past its end`, window.file);
        filled += length;
      }
      return filled;
    };
    return {
      size: placed.end,
      tileBytes,
      readInto,
      read: async (offset, length) => {
        const bytes = new Uint8Array(Math.max(0, Math.min(length, placed.end - offset)));
        return bytes.subarray(0, await readInto(offset, bytes));
      },
      close: () => closeAll(opened),
    };
  } catch (error) {
    await closeAll(opened);
    throw error;
  }
}

/**
 * A window's tiles once it is ready: one uncompressed tiled image of the window's size, every
 * tile written (GDAL writes each of a new file) with the first window's shape (`shape`, unless
 * this is the first).
 */
async function openWindow(window: TileWindow, dest: string, shape: TileShape | undefined): Promise<WindowTiles> {
  await window.ready;
  const handle = await open(window.file, 'r');
  try {
    const layout = await readTiffLayout(readerOf(handle), window.file);
    const ifd = layout.ifds[0];
    if (!ifd || layout.ifds.length !== 1) throw new FileError(`${window.file} has ${layout.ifds.length} directories; a window is one image`, window.file);
    const number = (tag: number, fallback: number) => tagNumber(ifd, tag, layout.littleEndian, fallback);
    const tileWidth = number(TAG.tileWidth, 0);
    const tileHeight = number(TAG.tileLength, 0);
    const offsets = entryNumbers(ifd.find((entry) => entry.tag === TAG.tileOffsets), layout.littleEndian);
    const counts = entryNumbers(ifd.find((entry) => entry.tag === TAG.tileByteCounts), layout.littleEndian);
    const size = [number(TAG.imageWidth, 0), number(TAG.imageLength, 0)];
    if (number(TAG.compression, 1) !== 1 || !tileWidth || !tileHeight) throw new FileError(`${window.file} is not an uncompressed tiled TIFF, as the windows of ${dest} must be`, window.file);
    const planes = number(TAG.planarConfiguration, 1) === 2 ? number(TAG.samplesPerPixel, 1) : 1;
    const tileBytes = counts[0] ?? 0;
    const other = shape && (tileWidth !== shape.tileWidth || tileHeight !== shape.tileHeight || planes !== shape.planes || tileBytes !== shape.tileBytes);
    if (other || counts.some((count) => count !== tileBytes)) {
      throw new FileError(`${window.file} has other tiles than ${shape ? `the first window of ${dest}` : 'one size each'} (${tileWidth}x${tileHeight}, ${Math.min(...counts)}-${Math.max(...counts)} bytes)`, window.file);
    }
    if (size[0] !== window.width || size[1] !== window.height) throw new FileError(`${window.file} is ${size.join('x')}, not the ${window.width}x${window.height} window of ${dest} it should be`, window.file);
    if (offsets.length !== counts.length || offsets.length !== Math.ceil(size[0]! / tileWidth) * Math.ceil(size[1]! / tileHeight) * planes) {
      throw new FileError(`${window.file} does not list every tile of its ${size.join('x')} pixels`, window.file);
    }
    return { handle, entries: ifd, littleEndian: layout.littleEndian, tileWidth, tileHeight, planes, tileBytes, offsets };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function readerOf(handle: FileHandle): (offset: number, length: number) => Promise<Uint8Array> {
  return async (offset, length) => {
    const bytes = new Uint8Array(length);
    const { bytesRead } = await handle.read(bytes, 0, length, offset);
    return bytes.subarray(0, bytesRead);
  };
}

/** The index of the last of the increasing `starts` at or before `offset`, or -1. */
function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (starts[middle]! <= offset) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** Closes every window opened so far (waiting for those still opening). */
async function closeAll(opened: Map<TileWindow, Promise<WindowTiles>>): Promise<void> {
  const settled = await Promise.allSettled(opened.values());
  await Promise.all(settled.map((result) => (result.status === 'fulfilled' ? result.value.handle.close() : undefined)));
}

/** How many tiles are copied at once. */
const IN_FLIGHT = 8;

/** Writes the mosaic out as `dest`, tile by tile. */
export async function copyTileMosaic(mosaic: TileMosaic, dest: string): Promise<void> {
  const target = await open(dest, 'w');
  try {
    const step = Math.max(mosaic.tileBytes, 1 << 20);
    let next = 0;
    const copy = async () => {
      const buffer = new Uint8Array(step);
      while (next < mosaic.size) {
        const offset = next;
        next += step;
        const filled = await mosaic.readInto(offset, buffer.subarray(0, Math.min(step, mosaic.size - offset)));
        let written = 0;
        while (written < filled) written += (await target.write(buffer, written, filled - written, offset + written)).bytesWritten;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, copy));
  } finally {
    await target.close();
  }
}

/** ImageWidth or ImageLength with another value: SHORT as GDAL writes it when it fits, else LONG. */
function sizeEntry(entry: TiffEntry, value: number, littleEndian: boolean): TiffEntry {
  const short = entry.type === 3 && value <= 0xffff;
  const bytes = new Uint8Array(short ? 2 : 4);
  const view = new DataView(bytes.buffer);
  if (short) view.setUint16(0, value, littleEndian);
  else view.setUint32(0, value, littleEndian);
  return { tag: entry.tag, type: short ? 3 : 4, count: 1, value: bytes };
}
