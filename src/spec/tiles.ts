import { InvalidInputError } from '../errors.js';
import type { Affine } from './affine.js';

/** How a grid is split: `rows` × `cols` tiles, each seen with a margin of `halo` pixels. */
export interface TileGrid {
  rows: number;
  cols: number;
  /**
   * Pixels of the neighbouring tiles each tile spec also covers, on every side (default 0). A
   * neighbourhood step (slope, hillshade: 3x3, so a halo of 1) then sees the same pixels at a
   * tile's edge as in the untiled grid; `Mosaic`, given the same halo, crops it off again. The
   * halo is clipped at the parent grid's outer edges, so those stay the only grid edges and
   * behave exactly as in the untiled run.
   */
  halo?: number;
}

/** A rectangle of a grid, in pixels. */
export interface PixelWindow {
  /** Offset of the window's first pixel in the parent grid. */
  rowOff: number;
  colOff: number;
  /** The window's `[height, width]`. */
  shape: [number, number];
}

/** One tile's place in its parent grid, in pixels: the pixels it contributes (the core) and those its spec covers. */
export interface TileWindow extends PixelWindow {
  /** Tile row and column (0-based); tiles are listed row-major. */
  row: number;
  col: number;
  /** What the tile's spec covers: the core grown by the halo on each side, clipped at the parent grid's edges. */
  outer: PixelWindow;
}

/**
 * The windows of a `rows` × `cols` split of a `[height, width]` grid, row-major. Core sizes
 * differ by at most one pixel (the first tiles get the extra pixels), and together the cores
 * cover every pixel exactly once; each `outer` window adds the grid's halo around its core.
 * @example tileWindows([10, 10], { rows: 1, cols: 3 }).map((w) => w.shape) // [[10, 4], [10, 3], [10, 3]]
 */
export function tileWindows(shape: readonly [number, number], grid: TileGrid): TileWindow[] {
  checkGrid(shape, grid);
  const rowStarts = splits(shape[0], grid.rows);
  const colStarts = splits(shape[1], grid.cols);
  const halo = grid.halo ?? 0;
  const windows: TileWindow[] = [];
  for (let row = 0; row < grid.rows; row++) {
    for (let col = 0; col < grid.cols; col++) {
      const [top, bottom] = [Math.max(0, rowStarts[row]! - halo), Math.min(shape[0], rowStarts[row + 1]! + halo)];
      const [left, right] = [Math.max(0, colStarts[col]! - halo), Math.min(shape[1], colStarts[col + 1]! + halo)];
      windows.push({
        row,
        col,
        rowOff: rowStarts[row]!,
        colOff: colStarts[col]!,
        shape: [rowStarts[row + 1]! - rowStarts[row]!, colStarts[col + 1]! - colStarts[col]!],
        outer: { rowOff: top, colOff: left, shape: [bottom - top, right - left] },
      });
    }
  }
  return windows;
}

/**
 * The transform of the window starting at pixel (`colOff`, `rowOff`) of a grid with transform
 * `t`: the same pixel size and rotation, its origin at that pixel's corner.
 */
export function windowTransform(t: Affine, rowOff: number, colOff: number): Affine {
  return [t[0], t[1], t[0] * colOff + t[1] * rowOff + t[2], t[3], t[4], t[3] * colOff + t[4] * rowOff + t[5]];
}

/** `parts + 1` boundaries splitting `length` into `parts` runs whose lengths differ by at most one. */
function splits(length: number, parts: number): number[] {
  const base = Math.floor(length / parts);
  const extra = length % parts;
  const starts = [0];
  for (let i = 0; i < parts; i++) starts.push(starts[i]! + base + (i < extra ? 1 : 0));
  return starts;
}

function checkGrid(shape: readonly [number, number], grid: TileGrid): void {
  if (!grid || typeof grid !== 'object') {
    throw new InvalidInputError(`tiles needs { rows, cols }, got ${JSON.stringify(grid)}`);
  }
  for (const key of ['rows', 'cols'] as const) {
    const value = grid[key];
    if (!Number.isInteger(value) || value < 1) throw new InvalidInputError(`tiles: ${key} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  const halo = grid.halo;
  if (halo !== undefined && (!Number.isInteger(halo) || halo < 0)) {
    throw new InvalidInputError(`tiles: halo must be a whole number of pixels, 0 or more (1 for 3x3 steps such as slope), got ${JSON.stringify(halo)}`);
  }
  if (grid.rows > shape[0] || grid.cols > shape[1]) {
    throw new InvalidInputError(
      `tiles: a ${shape[0]}x${shape[1]} px grid cannot be split into ${grid.rows} rows and ${grid.cols} columns of at least one pixel; use fewer tiles`,
    );
  }
}
