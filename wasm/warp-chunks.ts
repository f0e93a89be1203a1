/**
 * The output windows GDAL's warper is certain to cut a warp into: each one, warped as an output
 * of its own (same grid, same blocks), gives the whole warp's pixels, with the approximate
 * transformer (`-et` above 0, gdalwarp's default) and any resampling kernel.
 *
 * Why that holds: gdalwarp warps its output in chunks (`GDALWarpOperation::CollectChunkList`).
 * While a window's buffers (its source window plus itself, at the working type's size, plus masks)
 * exceed the warp memory (`-wm`, 64 MB by default), GDAL halves it across its longer side and
 * recurses. The cut falls on a multiple of the output's block size when the warp option
 * OPTIMIZE_SIZE is on: always with `OPTIMIZE_SIZE=YES`; by default (GDAL 3.8's AUTO), only where
 * each half is at least a block wide and high and the window's source region keeps about its
 * shape: its long-side-over-short-side ratio, taken along the window's long side, under six times
 * the window's (`keepsShape`). Elsewhere GDAL cuts at the exact half, off the block grid, and this
 * module stops cutting.
 * Every value the warper computes for a pixel depends only on the chunk it falls in: the
 * approximate transformer interpolates along each row of the chunk, the source window and the
 * kernel's scale are the chunk's. A window of that tree warped on its own is cut below it into the
 * same chunks (the same rule on the same sizes and geometry, offsets relative to the window), so
 * the chunks, and their pixels, are the whole warp's, provided the window's pixel coordinates are
 * the whole's in floating point (the caller checks the grid is exact).
 *
 * A window is only cut here when GDAL is certain to cut it there: when a lower bound of its memory
 * estimate is over the limit and, by default, bounds of its source region certainly keep the
 * shape. Below that, GDAL decides in the worker, as it would have in the whole warp.
 */

/** A window of the output, in pixels. */
export interface OutputWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Bounds of the source window GDAL computes for an output window (`ComputeSourceWindow`), in
 * pixels of the raster it reads (the source, or the overview gdalwarp picked).
 */
export interface SourceWindowBounds {
  /** The fewest and the most columns. */
  columns: [number, number];
  /** The fewest and the most lines. */
  lines: [number, number];
}

/** What the chunk tree of one warp depends on. */
export interface ChunkTreeInputs {
  /** The output's size and block size (a tiled GeoTIFF's tile). */
  width: number;
  height: number;
  blockWidth: number;
  blockHeight: number;
  /** The warp memory limit in bytes (`-wm`). */
  memoryLimit: number;
  /** The least bits a pixel of the source and of the output costs: the working type's size times the bands. */
  pixelBits: number;
  /**
   * `'yes'` when the warp sets `-wo OPTIMIZE_SIZE=YES` (every cut on blocks), `'auto'` when GDAL
   * decides window by window (its default).
   */
  optimizeSize: 'yes' | 'auto';
  /**
   * The source window of `window` in each source (each is warped by a chunk tree of its own);
   * undefined when it cannot be bounded (the window then stays whole).
   */
  sourceWindows(window: OutputWindow): Promise<SourceWindowBounds[] | undefined>;
  /** How many windows are wanted; fewer come back when GDAL is not certain to cut more. */
  wanted: number;
}

/**
 * The two halves GDAL cuts `window` into with OPTIMIZE_SIZE on, or undefined when a half would be
 * under a block wide or high: there the option is off (AUTO) or GDAL's choice of side follows
 * other rules, off the block grid, so the window is left to GDAL.
 */
export function halves(window: OutputWindow, blockWidth: number, blockHeight: number): [OutputWindow, OutputWindow] | undefined {
  const { x, y, width, height } = window;
  if (width / 2 < blockWidth || height / 2 < blockHeight) return undefined;
  if (width > height) {
    const first = cut(width, blockWidth);
    return [
      { x, y, width: first, height },
      { x: x + first, y, width: width - first, height },
    ];
  }
  const first = cut(height, blockHeight);
  return [
    { x, y, width, height: first },
    { x, y: y + first, width, height: height - first },
  ];
}

/** GDAL's first half of a side: half of it, down to a multiple of the block when that is more than one block. */
function cut(size: number, block: number): number {
  const half = Math.floor(size / 2);
  return half > block ? Math.floor(half / block) * block : half;
}

/**
 * Windows covering the output that GDAL's chunk tree is certain to hold, largest first cut, up to
 * `wanted` of them (one, the whole output, when GDAL may warp it in one chunk).
 */
export async function certainChunks(inputs: ChunkTreeInputs): Promise<OutputWindow[]> {
  const { width, height, blockWidth, blockHeight, wanted } = inputs;
  const windows: Array<{ window: OutputWindow; settled: boolean }> = [{ window: { x: 0, y: 0, width, height }, settled: false }];
  while (windows.length < wanted) {
    const open = windows.filter((entry) => !entry.settled).sort((a, b) => b.window.width * b.window.height - a.window.width * a.window.height)[0];
    if (!open) break;
    const parts = halves(open.window, blockWidth, blockHeight);
    if (!parts || !(await cutOnBlocks(open.window, inputs))) {
      open.settled = true;
      continue;
    }
    windows.splice(windows.indexOf(open), 1, ...parts.map((window) => ({ window, settled: false })));
  }
  return windows.map((entry) => entry.window).sort((a, b) => a.y - b.y || a.x - b.x);
}

/**
 * Whether GDAL certainly cuts `window` (a window `halves` can cut) in every source's chunk tree,
 * on the block grid: its source window can be bounded, its least memory is over the limit (GDAL
 * cuts windows strictly over it), and OPTIMIZE_SIZE is on for it.
 *
 * The source window is needed even with OPTIMIZE_SIZE=YES and an output alone over the limit:
 * GDAL computes it before it cuts (`CollectChunkListInternal`), and where too many of its points
 * fail to transform it skips the window, halves and all, with an error, where windows warped on
 * their own may each find enough points (a window's bounds come only where every edge point
 * transforms: GDAL then finds its window from the edges, without failures).
 */
async function cutOnBlocks(window: OutputWindow, inputs: ChunkTreeInputs): Promise<boolean> {
  const { pixelBits, memoryLimit, optimizeSize } = inputs;
  const output = (pixelBits * window.width * window.height) / 8;
  const sources = await inputs.sourceWindows(window);
  if (!sources || sources.length === 0) return false;
  if (output > memoryLimit && optimizeSize === 'yes') return true;
  const overLimit = sources.every((source) => output + (pixelBits * source.columns[0] * source.lines[0]) / 8 > memoryLimit);
  return overLimit && (optimizeSize === 'yes' || sources.every((source) => keepsShape(window, source)));
}

/**
 * Whether GDAL's OPTIMIZE_SIZE=AUTO certainly holds for `window`, from bounds of its source
 * window. GDAL 3.8 tests, along the window's longer side (height when square),
 * `|dst long/short - src long/short| < 5 * dst long/short`: with sizes that are not negative, the
 * source's ratio under six times the window's. An empty source side gives a ratio GDAL cannot
 * compare (infinite or NaN): not certain.
 */
export function keepsShape(window: OutputWindow, source: SourceWindowBounds): boolean {
  const wide = window.width > window.height;
  const ratio = wide ? window.width / window.height : window.height / window.width;
  const [long, short] = wide ? [source.columns[1], source.lines[0]] : [source.lines[1], source.columns[0]];
  // The margin keeps a ratio within rounding of GDAL's threshold out.
  return short >= 1 && long / short < 6 * ratio * (1 - 1e-9);
}

/**
 * gdalwarp's `-wm` in bytes: a number under 10000 is megabytes, more is bytes; undefined for what
 * this module does not follow (a percentage of RAM, or not a number).
 */
export function warpMemoryBytes(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_WARP_MEMORY;
  if (!/^\s*[0-9.]+(e[0-9]+)?\s*$/i.test(value)) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) return undefined;
  return number < 10000 ? number * 1024 * 1024 : number;
}

/** GDAL's warp memory when `-wm` is not given: 64 MB. */
const DEFAULT_WARP_MEMORY = 64 * 1024 * 1024;
