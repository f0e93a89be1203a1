/**
 * Node only: one large warp or terrain step over every worker of the pool, pixel for pixel the
 * same as the step run whole.
 *
 * The output is cut into windows, queued on the pool: the next free worker computes each into a
 * GeoTIFF next to the output, and the output is laid together from them.
 *
 * Why the result is identical:
 * - A warp with gdalwarp's approximate transformer (the default `-et`) is cut where GDAL's own
 *   chunk tree is certain to cut it on the tile grid (`warp-chunks.ts`), from bounds of each
 *   window's footprint in the sources: each window is then warped in the chunks the whole warp
 *   would use, for any resampling. The windows are written with the output's tiles
 *   and their edges fall on its tile grid, so the output is their tiles copied into one file
 *   (`tile-mosaic.ts`).
 * - A warp with `-et 0` maps each output pixel centre through the exact transformation, so it can
 *   be cut into full-width row strips anywhere, provided the kernel does not depend on the window:
 *   nearest neighbour, or bilinear and cubic on windows GDAL warps at a scale of 0.95 or more,
 *   where it uses a fixed four-sample kernel (`WINDOW_INDEPENDENT`). A VRT lays the strips side by
 *   side and one `gdal_translate` writes the output with the step's format and creation options.
 * - Either way, the window's grid is given with `-te`/`-tr`, so its pixel centres are the whole
 *   output's bit for bit when every row's and column's coordinate is exact in floating point
 *   (grids on whole metres, 0.5 m, 10 m, 0.25°...); other grids run whole. The pixels do not
 *   depend on how many workers a machine has.
 * - Terrain (`gdaldem`) works on a 3x3 window and uses only the pixel size: each strip reads one
 *   extra row above and below (the halo) and keeps only its own rows, so every kept pixel sees the
 *   neighbours it sees in the whole raster; the raster's true edges stay edges (`-compute_edges`
 *   or not).
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CallOptions, DemMode, DemOptions, EngineFiles, GdalOperations, OutsideDeflate, RasterInfo } from './engine.js';
import { debugLog } from './debug-log.js';
import { compressTiff } from '../src/formats/tiff-compress.js';
import { copyTileMosaic, openTileMosaic, type TileMosaic, type TileWindow } from './tile-mosaic.js';
import { baseGeographicWkt } from './base-geographic.js';
import { crsFactsFromWkt } from './wkt.js';
import { certainChunks, warpMemoryBytes, type OutputWindow, type SourceWindowBounds } from './warp-chunks.js';
import { escapeXml } from '../src/formats/gdal-text.js';

/** What a split needs from the pool. */
export interface SplitPlanner {
  /** The pool's GDAL operations (each runs on a free worker). */
  operations: GdalOperations;
  /** How many workers the pool may run. */
  workers(): number;
  /** Outputs with fewer pixels run whole. */
  splitPixels: number;
  /** Whether compressed outputs are split too (their one final write compresses on one core). */
  splitCompressed: boolean;
  /** Whether terrain steps are split. */
  splitTerrain: boolean;
  fs: EngineFiles;
}

/**
 * Whether a path is one of a split's scratch files: the pool leaves them out of the files it
 * reports read (they are gone when the step ends; what GDAL read through them is reported).
 */
export function isSplitScratch(file: string): boolean {
  return /^\..+\.split-\d+-[0-9a-z]+-[0-9a-z]+-/.test(path.basename(file));
}

/** gdalwarp options a split understands, with how many values each takes. Any other option runs whole. */
const WARP_OPTIONS: Record<string, number> = {
  '-t_srs': 1,
  '-s_srs': 1,
  '-te': 4,
  '-tr': 2,
  '-r': 1,
  '-ot': 1,
  '-wt': 1,
  '-dstnodata': 1,
  '-srcnodata': 1,
  '-et': 1,
  '-of': 1,
  '-co': 1,
  '-wm': 1,
  '-wo': 1,
  '-multi': 0,
  '-q': 0,
  '-b': 1,
  '-srcband': 1,
  '-dstband': 1,
  '-nomd': 0,
  '-overwrite': 0,
  '--config': 2,
};

/** gdaldem options a split understands. */
const DEM_OPTIONS: Record<string, number> = {
  '-compute_edges': 0,
  '-alg': 1,
  '-b': 1,
  '-of': 1,
  '-co': 1,
  '-q': 0,
  '-s': 1,
  '-z': 1,
  '-az': 1,
  '-alt': 1,
  '-combined': 0,
  '-multidirectional': 0,
  '-igor': 0,
  '-p': 0,
  '-trigonometric': 0,
  '-zero_for_flat': 0,
  '-alpha': 0,
  '-exact_color_entry': 0,
  '-nearest_color_entry': 0,
  '--config': 2,
};

export interface ParsedArgs {
  /** Each option with its values, in order. */
  options: Array<{ name: string; values: string[] }>;
}

/** Splits arguments into options, or undefined when one is not in `known` (then the step runs whole). */
function parseArgs(args: readonly string[], known: Record<string, number>): ParsedArgs | undefined {
  const options: ParsedArgs['options'] = [];
  for (let index = 0; index < args.length; ) {
    const name = args[index]!;
    const arity = known[name];
    if (arity === undefined || index + arity >= args.length + (arity === 0 ? 1 : 0)) return undefined;
    options.push({ name, values: args.slice(index + 1, index + 1 + arity) });
    index += 1 + arity;
  }
  return { options };
}

function values(parsed: ParsedArgs, name: string): string[] | undefined {
  return parsed.options.find((option) => option.name === name)?.values;
}

/** Options gdalwarp takes more than once, each adding to a list. */
const LIST_OPTIONS = new Set(['-co', '-wo', '--config', '-srcband', '-dstband', '-b']);

/**
 * Whether an option of one value is given twice: gdalwarp keeps the last, this module reads the
 * first (`-wm 0.1 ... -wm 500`: cut at 0.1 MB where GDAL warps in one chunk, 134,805 pixels apart).
 */
function repeatsAValue(parsed: ParsedArgs): boolean {
  const names = parsed.options.filter((option) => option.values.length > 0 && !LIST_OPTIONS.has(option.name)).map((option) => option.name);
  return new Set(names).size !== names.length;
}

/** The arguments for a strip: without format and creation options (strips are plain GeoTIFFs), and without `names`. */
function stripArgs(parsed: ParsedArgs, without: readonly string[]): string[] {
  const args = parsed.options.filter((option) => !['-of', '-co', ...without].includes(option.name)).flatMap((option) => [option.name, ...option.values]);
  return [...args, '-of', 'GTiff'];
}

/** The final `gdal_translate`'s arguments: the step's format, creation options and configuration. */
function outputArgs(parsed: ParsedArgs): string[] {
  return parsed.options.filter((option) => ['-of', '-co', '--config'].includes(option.name)).flatMap((option) => [option.name, ...option.values]);
}

/**
 * Resampling whose result does not depend on how GDAL cuts the output, provided every window
 * GDAL warps maps onto at most about as many source pixels as it has (see `kernelScalesSafe`).
 * Nearest neighbour reads one source pixel whatever the window. Bilinear and cubic use GDAL's
 * fixed four-sample formula when both of a window's scales (output pixels over source pixels)
 * are at least 0.95 (GDAL rounds scales within 5% of a whole reciprocal, so 0.952 becomes 1);
 * below that, and for every other kernel, the kernel widens with the window's own scale, so a
 * thin strip gives other pixels than the whole (8 strips of a 4000x4000 warp to EPSG:3035: 14
 * million pixels apart).
 */
const WINDOW_INDEPENDENT = new Set(['near', 'bilinear', 'cubic']);
/** The least scale accepted for bilinear and cubic: GDAL's 0.952, with room for our estimate's rounding. */
const MIN_KERNEL_SCALE = 0.96;

/** Whether the output is compressed: its final write then compresses the whole raster on one worker. */
function compressed(parsed: ParsedArgs): boolean {
  const compress = creationOptions(parsed).get('COMPRESS');
  if (compress !== undefined) return compress !== 'NONE';
  return (values(parsed, '-of')?.[0] ?? 'GTiff').toUpperCase() === 'COG'; // COG compresses by default
}

/**
 * Whether `origin + n * step` is exact in floating point for every n in [0, count], half-pixel
 * centres included: both are multiples of one power of two and every sum fits the mantissa.
 */
export function exactRows(origin: number, step: number, count: number): boolean {
  for (let shift = 0; shift <= 40; shift += 1) {
    const scale = 2 ** shift;
    if (Number.isInteger(origin * scale) && Number.isInteger(step * scale)) {
      return (Math.abs(origin) + (count + 1) * Math.abs(step)) * scale * 2 < 2 ** 50;
    }
  }
  return false;
}

/**
 * Strips per worker, at most. More strips than workers balance the load: a worker that starts
 * late or gets cheap rows (outside the source) takes fewer, instead of the others waiting for it.
 */
const STRIPS_PER_WORKER = 4;
/** Strips are never thinner than this: each costs a GDAL call, a scratch file and a VRT source. */
const MIN_STRIP_ROWS = 64;

/** Row ranges [start, end) of `count` strips (fewer when they would be thinner than `MIN_STRIP_ROWS`) of `height` rows. */
function strips(height: number, count: number): Array<[number, number]> {
  const rows = Math.ceil(height / Math.max(1, Math.min(count, Math.floor(height / MIN_STRIP_ROWS))));
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < height; start += rows) ranges.push([start, Math.min(height, start + rows)]);
  return ranges;
}

interface Strip {
  /** The strip's GeoTIFF. */
  file: string;
  /** Output rows it covers. */
  start: number;
  end: number;
  /** Rows at its top that are halo, not its own. */
  halo: number;
}

/** Scratch file names beside the output (same folder: same file system, cleaned with it). */
function scratchNames(dest: string): (suffix: string) => string {
  const folder = path.dirname(dest);
  const base = path.basename(dest);
  const stamp = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return (suffix) => path.join(folder, `.${base}.split-${stamp}-${suffix}`);
}

/**
 * The VRT of the whole output from the first strip's VRT (its bands' types, nodata, metadata and
 * colour interpretation, as GDAL wrote them): the whole size and geotransform, and one source per
 * strip in each band.
 */
export function mosaicXml(firstStripXml: string, width: number, height: number, geoTransform: readonly number[], parts: readonly Strip[]): string {
  let xml = firstStripXml.replace(/<VRTDataset\b[^>]*>/, `<VRTDataset rasterXSize="${width}" rasterYSize="${height}">`);
  xml = xml.replace(/<GeoTransform>[^<]*<\/GeoTransform>/, `<GeoTransform>${geoTransform.map((value) => String(value)).join(', ')}</GeoTransform>`);
  return xml.replace(/(<VRTRasterBand\b[^>]*\bband="(\d+)"[^>]*>)([\s\S]*?)(<\/VRTRasterBand>)/g, (_match, open: string, band: string, body: string, close: string) => {
    const kept = body.replace(/\s*<(SimpleSource|ComplexSource)\b[\s\S]*?<\/\1>/g, '');
    const sources = parts
      .map(
        (part) =>
          `    <SimpleSource>\n      <SourceFilename relativeToVRT="0">${escapeXml(path.resolve(part.file))}</SourceFilename>\n      <SourceBand>${band}</SourceBand>\n` +
          `      <SrcRect xOff="0" yOff="${part.halo}" xSize="${width}" ySize="${part.end - part.start}" />\n` +
          `      <DstRect xOff="0" yOff="${part.start}" xSize="${width}" ySize="${part.end - part.start}" />\n    </SimpleSource>\n`,
      )
      .join('');
    return `${open}${kept.replace(/\s*$/, '\n')}${sources}  ${close}`;
  });
}

/**
 * One progress for a split step: the strips' average weighs `share`, writing the output
 * (`write(fraction)`) the rest. The two may advance together (tiles are laid while later windows
 * are warped), and their weighted sum never goes back.
 */
function progressOf(onProgress: CallOptions['onProgress'], count: number, share = 0.9): { strip(index: number): CallOptions | undefined; write(fraction: number): void; done(): void } {
  const fractions = new Array<number>(count).fill(0);
  let written = 0;
  // Never back, not even by a rounding step: the sum is recomputed from parts that change in any order.
  let reported = 0;
  const report = () => {
    reported = Math.max(reported, (share * fractions.reduce((sum, value) => sum + value, 0)) / count + (1 - share) * written);
    onProgress?.(reported);
  };
  return {
    strip: (index) =>
      onProgress
        ? {
            onProgress: (fraction) => {
              fractions[index] = Math.max(fractions[index]!, fraction);
              report();
            },
          }
        : undefined,
    write: (fraction) => {
      written = fraction;
      report();
    },
    done: () => onProgress?.(1),
  };
}

/** Lays the strips out in a VRT and writes the output with the step's format and options. */
async function assemble(planner: SplitPlanner, parts: readonly Strip[], dest: string, width: number, height: number, geoTransform: readonly number[], args: string[], scratch: (suffix: string) => string, options: CallOptions | undefined): Promise<void> {
  const first = scratch('first.vrt');
  const mosaic = scratch('mosaic.vrt');
  try {
    await planner.operations.translate(parts[0]!.file, first, ['-of', 'VRT']);
    // Read with Node's fs, not the engine's: a scratch file is no input the caller should record.
    const xml = await readFile(first, 'utf8');
    await planner.fs.writeFile(mosaic, new TextEncoder().encode(mosaicXml(xml, width, height, geoTransform, parts)));
    await planner.operations.translate(mosaic, dest, args, options?.config ? { config: options.config } : undefined);
  } finally {
    await Promise.all([first, mosaic].map((file) => planner.fs.remove(file)));
  }
}

/** The output grid of a warp given with `-te` and `-tr`. */
interface OutputGrid {
  xmin: number;
  xres: number;
  ymax: number;
  yres: number;
  width: number;
  height: number;
}

/** How `splitWarp` cuts a warp: the windows each warped on its own, the arguments they share, the output grid. */
export interface WarpSplitPlan {
  parsed: ParsedArgs;
  /** Windows of the output (pixels), each warped into a GeoTIFF of its own. */
  windows: OutputWindow[];
  /** Each window's gdalwarp arguments, but its `-te`. */
  windowArgs: string[];
  grid: OutputGrid;
  /**
   * Whether the windows are written with the output's tiles and cut on its tile grid: the output
   * is then laid together tile by tile (`openTileMosaic`), else written by GDAL from a VRT of them.
   */
  onTileGrid: boolean;
}

/**
 * The windows a warp is split into on this pool, or undefined when it runs whole (small, no
 * `-te`/`-tr`, on a grid whose pixel coordinates are not exact in floating point, options a split
 * does not follow):
 * - with the approximate transformer (gdalwarp's default `-et`), the windows GDAL's own chunk
 *   tree is certain to hold (`certainChunks`), written with the output's tiling, for any resampling;
 * - with `-et 0`, row strips whose every window keeps the kernel (`WINDOW_INDEPENDENT`).
 */
export async function planWarpSplit(planner: SplitPlanner, sources: string[], dest: string, args: string[]): Promise<WarpSplitPlan | undefined> {
  const count = planner.workers();
  const parsed = Array.isArray(args) && typeof dest === 'string' && Array.isArray(sources) ? parseArgs(args, WARP_OPTIONS) : undefined;
  if (count < 2 || !parsed || repeatsAValue(parsed)) return undefined;
  const te = values(parsed, '-te')?.map(Number);
  const tr = values(parsed, '-tr')?.map(Number);
  if (!te || !tr || [...te, ...tr].some((value) => !Number.isFinite(value))) return undefined;
  const [xmin, ymin, xmax, ymax] = te as [number, number, number, number];
  const [xres, yres] = tr as [number, number];
  const grid: OutputGrid = { xmin, xres, ymax, yres, width: Math.round((xmax - xmin) / xres), height: Math.round((ymax - ymin) / yres) };
  if (grid.width * grid.height < planner.splitPixels || grid.height < 2 * count || !exactRows(ymax, yres, grid.height)) return undefined;
  const et = values(parsed, '-et');
  if (et === undefined || Number(et[0]) !== 0) return planChunks(planner, sources, parsed, grid);
  if (compressed(parsed) && !planner.splitCompressed) return undefined;
  const strips = await exactStrips(planner, sources, parsed, grid);
  return strips && { parsed, windows: strips, windowArgs: stripArgs(parsed, ['-te', '-overwrite']), grid, onTileGrid: false };
}

/**
 * Windows of the approximate transformer's warp: those of GDAL's chunk tree, when the output is
 * an uncompressed tiled GeoTIFF (the windows are written with its blocks, which the tree's cuts
 * follow), its columns exact too, and the warp sets no warp option but OPTIMIZE_SIZE (YES, or
 * AUTO, GDAL's default, followed from the sources' footprints).
 */
async function planChunks(planner: SplitPlanner, sources: string[], parsed: ParsedArgs, grid: OutputGrid): Promise<WarpSplitPlan | undefined> {
  const optimizeSize = optimizeSizeMode(parsed);
  const tiles = uncompressedTiles(parsed);
  if (!optimizeSize || !tiles) return undefined;
  const { blockWidth, blockHeight } = tiles;
  const memoryLimit = warpMemoryBytes(values(parsed, '-wm')?.[0]);
  const errorThreshold = Number(values(parsed, '-et')?.[0] ?? DEFAULT_ERROR_THRESHOLD);
  if (!exactRows(grid.xmin, grid.xres, grid.width) || !memoryLimit || !(errorThreshold >= 0)) return undefined;
  const infos = await Promise.all(sources.map((source) => planner.operations.info(source, ['-norat', '-noct'])));
  // A later source that warps fewer bands than the output has updates only some bands of its
  // pixel-interleaved tiles, and GDAL 3.8 fills the others of a tile its block cache had flushed
  // with 0, not nodata: pixels that depend on the cache's size, not on the chunks (a 3-band and a
  // 1-band source: 6,304 zeros whole at GDAL_CACHEMAX 2000, 75,312 at 1). Such mosaics run whole.
  if (infos.some((info) => info.bands.length !== infos[0]!.bands.length || warpedBands(info) !== warpedBands(infos[0]!))) return undefined;
  const bandCount = parsed.options.filter((option) => option.name === '-srcband' || option.name === '-b').length || (infos.length > 0 ? warpedBands(infos[0]!) : 0);
  const bits = typeBits(values(parsed, '-wt')?.[0] ?? values(parsed, '-ot')?.[0] ?? infos[0]?.bands[0]?.type);
  const grids = await sourceGrids(planner, infos, parsed);
  if (!bits || !bandCount || !grids || (await holdsAPole(planner, grids, grid))) return undefined;
  // The raster gdalwarp reads from each source (the source, or an overview) for the whole output.
  const whole: OutputWindow = { x: 0, y: 0, width: grid.width, height: grid.height };
  const levels = await overviewLevels(planner, grids, grid, whole);
  if (!levels) return undefined;
  const kernel = { radius: FILTER_RADIUS[values(parsed, '-r')?.[0] ?? 'near'] ?? MAX_FILTER_RADIUS, slack: errorThreshold + 1 };
  const windows = await certainChunks({
    width: grid.width,
    height: grid.height,
    blockWidth,
    blockHeight,
    memoryLimit,
    pixelBits: bits * bandCount,
    optimizeSize,
    wanted: planner.workers() * STRIPS_PER_WORKER,
    sourceWindows: (window) => sourceWindows(planner, grids, levels, grid, window, kernel),
  });
  if (windows.length < 2) return undefined;
  // Each window, warped on its own, must read what the whole warp reads.
  for (const window of windows) {
    const own = await overviewLevels(planner, grids, grid, window);
    if (!own || own.some((level, index) => level !== levels[index])) return undefined;
  }
  const windowArgs = parsed.options.filter((option) => !['-te', '-overwrite'].includes(option.name)).flatMap((option) => [option.name, ...option.values]);
  return { parsed, windows, windowArgs, grid, onTileGrid: true };
}

/**
 * The bands gdalwarp warps from a source without `-srcband`: all but a last band it reads as the
 * source's alpha, which GDAL costs as a 32-bit density whatever the band's type (a Float64 alpha
 * band counted as a band would overstate the memory and cut where GDAL does not).
 */
function warpedBands(info: RasterInfo): number {
  const last = info.bands.at(-1);
  return info.bands.length - (last?.colorInterpretation?.toLowerCase() === 'alpha' ? 1 : 0);
}

/** gdalwarp's error threshold when `-et` is not given, in source pixels. */
const DEFAULT_ERROR_THRESHOLD = 0.125;

/**
 * How the warp sets GDAL's OPTIMIZE_SIZE warp option: `'yes'`, `'auto'` (not set, GDAL 3.8's
 * default, or AUTO), or undefined when it turns it off or sets other warp options, whose effect
 * on the chunk tree a split does not follow.
 */
function optimizeSizeMode(parsed: ParsedArgs): 'yes' | 'auto' | undefined {
  const options = parsed.options.filter((option) => option.name === '-wo').map((option) => option.values[0]!.toUpperCase().replace(/\s/g, ''));
  if (options.length === 0 || options.every((option) => option === 'OPTIMIZE_SIZE=AUTO')) return 'auto';
  return options.every((option) => ['OPTIMIZE_SIZE=YES', 'OPTIMIZE_SIZE=TRUE', 'OPTIMIZE_SIZE=ON', 'OPTIMIZE_SIZE=1'].includes(option)) ? 'yes' : undefined;
}

/**
 * The creation options (`-co KEY=VALUE` or `KEY:VALUE`) by upper-case key; a key given twice keeps its first
 * value, as GDAL's drivers read it (`CSLFetchNameValue`): `-co BLOCKXSIZE=64 -co BLOCKXSIZE=128`
 * writes 64-pixel tiles.
 */
function creationOptions(parsed: ParsedArgs): Map<string, string> {
  const options = new Map<string, string>();
  for (const option of parsed.options.filter((entry) => entry.name === '-co')) {
    // GDAL reads KEY=VALUE and KEY:VALUE alike.
    const [, key = '', value = ''] = /^([^=:]*)[=:](.*)$/s.exec(option.values[0]!) ?? [];
    if (!options.has(key.toUpperCase())) options.set(key.toUpperCase(), value.toUpperCase());
  }
  return options;
}

/** Bits of a GDAL data type, or undefined for a name this module does not know. */
function typeBits(type: string | undefined): number | undefined {
  const bits: Record<string, number> = { BYTE: 8, INT8: 8, UINT16: 16, INT16: 16, UINT32: 32, INT32: 32, FLOAT32: 32, UINT64: 64, INT64: 64, FLOAT64: 64, CINT16: 32, CINT32: 64, CFLOAT32: 64, CFLOAT64: 128 };
  return type === undefined ? undefined : bits[type.toUpperCase()];
}

/**
 * Row strips of an exact warp (`-et 0`): the most, up to `STRIPS_PER_WORKER` per worker, whose every
 * window keeps the resampling kernel fixed; undefined when none do.
 */
async function exactStrips(planner: SplitPlanner, sources: string[], parsed: ParsedArgs, grid: OutputGrid): Promise<OutputWindow[] | undefined> {
  const resampling = values(parsed, '-r')?.[0] ?? 'near';
  if (!WINDOW_INDEPENDENT.has(resampling)) return undefined;
  // Nearest neighbour needs no scales; bilinear and cubic need the sources' grids, read once.
  const grids = resampling === 'near' ? undefined : await sourceGrids(planner, await Promise.all(sources.map((source) => planner.operations.info(source, ['-norat', '-noct']))), parsed);
  if (resampling !== 'near' && !grids) return undefined;
  const whole: OutputWindow = { x: 0, y: 0, width: grid.width, height: grid.height };
  // The most strips whose every window keeps the kernel fixed (thinner strips have smaller scales).
  for (let wanted = planner.workers() * STRIPS_PER_WORKER; wanted >= 2; wanted = Math.floor(wanted / 2)) {
    const windows = strips(grid.height, wanted).map(([start, end]): OutputWindow => ({ x: 0, y: start, width: grid.width, height: end - start }));
    if (windows.length < 2) continue;
    if (!grids || (await kernelScalesSafe(planner, grids, grid, [whole, ...windows]))) return windows;
  }
  return undefined;
}

/**
 * `warp` through the pool: split over the workers when `planWarpSplit` finds windows that give the
 * whole warp's pixels; else one worker runs it whole.
 */
export async function splitWarp(planner: SplitPlanner, sources: string[], dest: string, args: string[], options?: CallOptions): Promise<void> {
  const plan = await planWarpSplit(planner, sources, dest, args);
  if (!plan) return planner.operations.warp(sources, dest, args, options);
  const { parsed, windows, windowArgs, grid, onTileGrid } = plan;
  const { xmin, xres, ymax, yres, width, height } = grid;

  const started = performance.now();
  debugLog('pool', `${path.basename(dest)}: warp split into ${windows.length} windows (${windows.map((w) => `${w.width}x${w.height}+${w.x}+${w.y}`).join(', ')})`);
  const scratch = scratchNames(dest);
  // Exact strips are full rows (laid out by GDAL from a VRT); chunk windows are laid by tiles.
  const parts: Strip[] = windows.map((window, index) => ({ file: scratch(`${index}.tif`), start: window.y, end: window.y + window.height, halo: 0 }));
  const progress = progressOf(options?.onProgress, parts.length, onTileGrid && options?.deflate ? 0.6 : 0.9);
  const warps = windows.map((window, index) => {
    const te = [xmin + window.x * xres, ymax - (window.y + window.height) * yres, xmin + (window.x + window.width) * xres, ymax - window.y * yres];
    const config = options?.config ? { config: options.config } : {};
    const strip = progress.strip(index);
    const warped = planner.operations.warp(sources, parts[index]!.file, [...windowArgs, '-te', ...te.map(String)], { ...config, ...(strip ?? {}) });
    warped.catch(() => undefined); // awaited below (and by the mosaic's reads); a failure must not go unhandled meanwhile
    return warped;
  });
  void Promise.all(warps).then(() => debugLog('pool', `${path.basename(dest)}: windows warped in ${Math.round(performance.now() - started)} ms`), () => undefined);
  try {
    if (onTileGrid) {
      // The tiles of the windows done are laid (and compressed) while the others are warped.
      const laid = layTiles(windows.map((window, index) => ({ ...window, file: parts[index]!.file, ready: warps[index]! })), dest, grid, creationOptions(parsed).get('BIGTIFF'), options?.deflate, progress.write);
      await Promise.all([laid, ...warps]);
    } else {
      await Promise.all(warps);
      await assemble(planner, parts, dest, width, height, [xmin, xres, 0, ymax, 0, -yres], outputArgs(parsed), scratch, options);
    }
    debugLog('pool', `${path.basename(dest)}: written in ${Math.round(performance.now() - started)} ms`);
    progress.done();
  } finally {
    // Every window's warp settled before its file is removed, whatever failed first.
    await Promise.allSettled(warps);
    await Promise.all(parts.map((part) => planner.fs.remove(part.file)));
  }
}

/**
 * Lays the windows' tiles together as the output: DEFLATEd as they are read when the caller asked
 * for that (`CallOptions.deflate`), else copied uncompressed.
 */
async function layTiles(
  windows: readonly TileWindow[],
  dest: string,
  grid: Pick<OutputGrid, 'width' | 'height'>,
  bigTiff: string | undefined,
  deflate: OutsideDeflate | undefined,
  onProgress: (fraction: number) => void,
): Promise<void> {
  const wanted = bigTiff === 'YES' || bigTiff === 'NO' || bigTiff === 'IF_SAFER' ? bigTiff : 'IF_NEEDED';
  const mosaic = await openTileMosaic(windows, dest, grid.width, grid.height, wanted);
  try {
    if (!deflate) return await copyTileMosaic(mosaic, dest);
    const target = await deflate.openFile(dest, 'w');
    try {
      // The copy is written while the tiles are compressed: disk writes beside zlib's threads.
      await Promise.all([compressTiff(mosaic, target, deflate.compression, deflate.codec, dest, onProgress), deflate.uncompressedCopy ? copyAside(mosaic, deflate.uncompressedCopy) : undefined]);
    } finally {
      await target.close();
    }
  } finally {
    await mosaic.close();
  }
}

/** Lays `mosaic` out uncompressed at `copy`, or, failing (a full disk), leaves no file there. */
async function copyAside(mosaic: TileMosaic, copy: string): Promise<void> {
  try {
    await copyTileMosaic(mosaic, copy);
  } catch (error) {
    debugLog('pool', `no uncompressed copy at ${copy}: ${(error as Error).message}`);
    await rm(copy, { force: true });
  }
}

/** A source's CRS, size and north-up grid, and the warp's target CRS: what its footprint in a window is computed from. */
interface SourceGrid {
  targetCrs: string;
  sourceCrs: string;
  size: [number, number];
  grid: [number, number, number, number, number, number];
  /** Its overviews' sizes, in GDAL's order: gdalwarp reads one when it shrinks the source. */
  overviews: Array<[number, number]>;
  /**
   * For a geographic source, the longitude of its centre: GDAL may wrap the longitudes it finds
   * in the source to within 180° of it (`CENTER_LONG`, see `inSource`).
   */
  centreLongitude?: number;
}

/**
 * Each source's grid and CRS (`-s_srs` when given), or undefined when one cannot be known (no
 * target or source CRS, no grid, a rotated grid, a CRS PROJ cannot read): the warp then runs whole.
 */
async function sourceGrids(planner: SplitPlanner, infos: readonly RasterInfo[], parsed: ParsedArgs): Promise<SourceGrid[] | undefined> {
  const targetCrs = values(parsed, '-t_srs')?.[0];
  if (!targetCrs) return undefined;
  const grids: SourceGrid[] = [];
  // A mosaic's sources mostly share one CRS: asked once.
  const geographicOf = new Map<string, Promise<boolean | undefined>>();
  for (const info of infos) {
    const sourceCrs = values(parsed, '-s_srs')?.[0] ?? info.coordinateSystem?.wkt;
    const grid = info.geoTransform;
    if (!sourceCrs || !grid || grid[2] !== 0 || grid[4] !== 0) return undefined;
    const listed = (info.bands[0] as { overviews?: Array<{ size?: [number, number] }> } | undefined)?.overviews ?? [];
    const overviews = listed.map((overview) => overview.size);
    if (!overviews.every((size): size is [number, number] => Array.isArray(size))) return undefined;
    if (!geographicOf.has(sourceCrs)) geographicOf.set(sourceCrs, geographic(planner, sourceCrs));
    const isGeographic = await geographicOf.get(sourceCrs);
    if (isGeographic === undefined) return undefined;
    // GDAL's CENTER_LONG, as `%g` writes it (six significant digits).
    const centreLongitude = isGeographic ? Number((grid[0] + (info.size[0] * grid[1]) / 2).toPrecision(6)) : undefined;
    grids.push({ targetCrs, sourceCrs, size: info.size, grid, overviews, ...(centreLongitude === undefined ? {} : { centreLongitude }) });
  }
  return grids;
}

/** The box of each window's edges (21 points each, as GDAL samples them) in each source's pixels, or undefined where PROJ cannot transform one. */
function footprints(planner: SplitPlanner, source: SourceGrid, output: OutputGrid, windows: readonly OutputWindow[]): Promise<Array<SourceBox | undefined>> {
  return inSource(planner, source, windows.map((window) => windowEdges(output, window)));
}

/** The smallest and largest column and line of points in a source's pixels (of its full resolution). */
interface SourceBox {
  columns: [number, number];
  lines: [number, number];
}

/**
 * The box of each set of points of the output's CRS in the source's pixels, or undefined where
 * PROJ cannot transform one of the set, or where GDAL may place it elsewhere.
 *
 * GDAL's transformer centres a geographic source's longitudes on the source (`InsertCenterLong`
 * sets `CENTER_LONG` to the middle of the source's longitudes, written with six digits, for any
 * source up to 360° wide, and the points found are wrapped to within 180° of it), where PROJ here
 * gives them within ±180°: a source on longitudes 0 to 360 read from UTM zone 1 around the
 * antimeridian found 1,798 columns here for about 130 in GDAL, and a cut where GDAL warps in one
 * chunk (24,311 of 24,576 pixels other than the warp run whole, bilinear). The two agree on
 * longitudes within both ranges; a point outside either leaves its set without a box.
 */
async function inSource(planner: SplitPlanner, source: SourceGrid, sets: ReadonlyArray<Array<[number, number]>>): Promise<Array<SourceBox | undefined>> {
  const { targetCrs, sourceCrs, grid, centreLongitude } = source;
  const projected = await planner.operations.transformPoints(targetCrs, sourceCrs, sets.flat());
  const wrapsElsewhere = ([longitude]: [number, number]) =>
    centreLongitude !== undefined && !(longitude >= -180 && longitude <= 180 && Math.abs(longitude - centreLongitude) <= 180);
  let start = 0;
  return sets.map((set) => {
    const points = projected.slice(start, (start += set.length));
    if (points.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return undefined;
    if (points.some(wrapsElsewhere)) return undefined;
    const columns = points.map(([x]) => (x - grid[0]) / grid[1]);
    const lines = points.map(([, y]) => (y - grid[3]) / grid[5]);
    return { columns: [Math.min(...columns), Math.max(...columns)], lines: [Math.min(...lines), Math.max(...lines)] };
  });
}

/**
 * Whether GDAL warps each of `windows` (the whole output and each strip) at scales of at least
 * `MIN_KERNEL_SCALE` from every source: the window's pixels over its footprint in the source. A
 * source GDAL clips the footprint to only raises the scale. Points PROJ cannot transform count as
 * unsafe: the warp then runs whole.
 */
async function kernelScalesSafe(planner: SplitPlanner, grids: readonly SourceGrid[], output: OutputGrid, windows: readonly OutputWindow[]): Promise<boolean> {
  for (const source of grids) {
    const found = await footprints(planner, source, output, windows);
    for (const [index, footprint] of found.entries()) {
      if (!footprint) return false;
      const { columns, lines } = footprint;
      // GDAL's window spans whole source pixels: up to one more at each end.
      const xScale = windows[index]!.width / (columns[1] - columns[0] + 2);
      const yScale = windows[index]!.height / (lines[1] - lines[0] + 2);
      if (!(xScale >= MIN_KERNEL_SCALE && yScale >= MIN_KERNEL_SCALE)) return false;
    }
  }
  return true;
}

/**
 * GDAL's resampling kernel radius in source pixels (`GWKGetFilterRadius`), before it widens with
 * the scale; kernels not listed count as the widest.
 */
const FILTER_RADIUS: Record<string, number> = { near: 0, bilinear: 1, cubic: 2, cubicspline: 2, lanczos: 3, average: 0, rms: 0, mode: 0, max: 0, min: 0, med: 0, q1: 0, q3: 0, sum: 0 };
const MAX_FILTER_RADIUS = 3;

/** What widens a source window beyond the window's edges: the kernel's radius, and the slack of the transformer's approximation, in source pixels. */
interface KernelReach {
  radius: number;
  slack: number;
}

/**
 * Bounds of the source window GDAL computes for `window` in each source (`ComputeSourceWindow`),
 * in the raster it reads (`levels`: the source or one of its overviews), from the window's edges
 * as GDAL samples them; undefined when PROJ cannot transform an edge point (GDAL then samples
 * a grid, and widens the window).
 */
async function sourceWindows(planner: SplitPlanner, grids: readonly SourceGrid[], levels: readonly number[], output: OutputGrid, window: OutputWindow, kernel: KernelReach): Promise<SourceWindowBounds[] | undefined> {
  const bounds: SourceWindowBounds[] = [];
  for (const [index, source] of grids.entries()) {
    const [footprint] = await footprints(planner, source, output, [window]);
    if (!footprint || implausible(footprint, source.size)) return undefined;
    const [fullWidth, fullHeight] = source.size;
    const [width, height] = levels[index]! < 0 ? source.size : source.overviews[levels[index]!]!;
    const [xScale, yScale] = [width / fullWidth, height / fullHeight];
    bounds.push({
      columns: sideBounds(footprint.columns[0] * xScale, footprint.columns[1] * xScale, width, window.width, kernel),
      lines: sideBounds(footprint.lines[0] * yScale, footprint.lines[1] * yScale, height, window.height, kernel),
    });
  }
  return bounds;
}

/**
 * Whether GDAL would distrust these edge points: more than a million pixels off the source, it
 * transforms them again checking each against the inverse projection (`CHECK_WITH_INVERT_PROJ`),
 * and may sample a grid instead, which these bounds do not follow.
 */
function implausible({ columns, lines }: SourceBox, [width, height]: [number, number]): boolean {
  return columns[0] < -1e6 || lines[0] < -1e6 || columns[1] > width + 1e6 || lines[1] > height + 1e6;
}

/**
 * The fewest and the most pixels along one side of GDAL's source window, from the span [min, max]
 * of the window's edges along that side in a raster of `size` pixels.
 * - Fewest: the span within the raster, `slack` in from each end.
 * - Most: the span out to whole pixels and `slack`, within the raster, plus the kernel's radius
 *   on each side (widened as GDAL does when the window shrinks the source: radius / scale) and
 *   the ten pixels GDAL adds when a point fails; the whole side when the span may cover more than
 *   90% of it (GDAL then reads the whole side).
 */
function sideBounds(min: number, max: number, size: number, outputSize: number, kernel: KernelReach): [number, number] {
  const { radius, slack } = kernel;
  const fewest = Math.max(0, Math.min(size, max - slack) - Math.max(0, min + slack));
  const span = Math.max(0, Math.min(size, max + slack + 1) - Math.max(0, min - slack - 1));
  if (span > 0.9 * size) return [fewest, size];
  const leastScale = Math.max(1e-3, outputSize / (max - min + 2 * slack));
  const reach = Math.max(radius, Math.ceil(radius / leastScale)) + 10;
  return [fewest, Math.min(size, span + 2 * reach)];
}

/**
 * The overview gdalwarp reads from each source (-1: the full resolution) for an output `window`
 * warped as a whole output, or undefined when it is not certain: gdalwarp picks the level from
 * the source pixels per output pixel over a 10x10 grid of the output (its smaller ratio of the
 * two sides), and a ratio within 1% of a level's threshold may fall either way.
 */
async function overviewLevels(planner: SplitPlanner, grids: readonly SourceGrid[], output: OutputGrid, window: OutputWindow): Promise<number[] | undefined> {
  const levels: number[] = [];
  for (const source of grids) {
    if (source.overviews.length === 0) {
      levels.push(-1);
      continue;
    }
    const [points] = await inSource(planner, source, [windowGrid(output, window, 10)]);
    if (!points) return undefined;
    const ratio = Math.min((points.columns[1] - points.columns[0]) / window.width, (points.lines[1] - points.lines[0]) / window.height);
    const candidates = [0.99, 1, 1.01].map((factor) => overviewLevel(ratio * factor, source));
    if (candidates.some((level) => level !== candidates[0])) return undefined;
    levels.push(candidates[0]!);
  }
  return levels;
}

/** gdalwarp's choice of overview for a target ratio (source pixels per output pixel): the last level not finer than the ratio, within 0.1. */
function overviewLevel(targetRatio: number, source: SourceGrid): number {
  if (!(targetRatio > 1)) return -1;
  const ratioOf = (level: number) => (level < 0 ? 1 : source.size[0] / source.overviews[level]![0]);
  let level = -1;
  for (; level < source.overviews.length - 1; level += 1) {
    if ((ratioOf(level) < targetRatio && ratioOf(level + 1) > targetRatio) || Math.abs(ratioOf(level) - targetRatio) < 0.1) break;
  }
  return level;
}

/**
 * Longitude 0 at the poles and at GDAL's test points (±89.9999, where the exact pole may fail to
 * project), then at ±89.98, about 2.2 km from the poles: the least reach of a datum's shift.
 */
const POLES: Array<[number, number]> = [
  [0, 90],
  [0, -90],
  [0, 89.9999],
  [0, -89.9999],
  [0, 89.98],
  [0, -89.98],
];

/**
 * Whether a pole may lie in the output: GDAL then samples every window's source region on a grid
 * rather than along its edges, and adds the source points that land in the window (a source's
 * pole row reaches across all its columns), which these bounds do not follow. GDAL tests
 * longitude 0, latitude ±89.9999 in each source's own geographic CRS (`base-geographic.ts`) and
 * against the whole output, so a window warped alone, which may not hold the point, samples its
 * edges where the whole warp sampled a grid.
 * - Each source's pole is tested, as is WGS 84's: a lon/lat source and a polar stereographic output
 *   on a datum 2 km off WGS 84, whose WGS 84 pole lay 1.4 km outside the output, gave 49,152 of
 *   65,536 pixels other than the warp run whole when split (bilinear).
 * - GDAL picks its operation between the datums for the source's extent, the planner's PROJ call
 *   for each point (they agreed within 0.1 m on an ED50 source; at the pole, outside ED50's area,
 *   the planner applies no shift), so a pole counts within the larger of the shift the planner
 *   sees and 2.2 km, plus a pixel, of the output.
 * - A source whose geographic CRS cannot be read counts as holding the pole when the WGS 84 pole
 *   is within the output's own size of it.
 */
async function holdsAPole(planner: SplitPlanner, grids: readonly SourceGrid[], output: OutputGrid): Promise<boolean> {
  const [xmax, ymin] = [output.xmin + output.width * output.xres, output.ymax - output.height * output.yres];
  const near = ([x, y]: [number, number], margin: number) =>
    Number.isFinite(x) && Number.isFinite(y) && x >= output.xmin - margin && x <= xmax + margin && y >= ymin - margin && y <= output.ymax + margin;
  const distance = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const pixel = Math.max(output.xres, output.yres);
  const size = Math.max(output.width * output.xres, output.height * output.yres);
  for (const targetCrs of new Set(grids.map((source) => source.targetCrs))) {
    const wgs84 = await planner.operations.transformPoints('EPSG:4326', targetCrs, POLES);
    // A mosaic's sources mostly share one CRS: each CRS's poles transformed once.
    for (const sourceCrs of new Set(grids.filter((entry) => entry.targetCrs === targetCrs).map((entry) => entry.sourceCrs))) {
      const own = await sourcePoles(planner, sourceCrs, targetCrs);
      if (!own) {
        if (wgs84.some((point) => near(point, size))) return true;
        continue;
      }
      // Each pole on its own (the other may project far away, or nowhere): its points (90 and
      // 89.9999, WGS 84's and the source's) within the larger of the shift between the datums'
      // and 2.2 km of it (89.98), plus a pixel.
      for (const [pole, test, reachPoint] of [[0, 2, 4], [1, 3, 5]] as const) {
        const points = [wgs84[pole]!, wgs84[test]!, own[pole]!, own[test]!];
        const spans = [distance(own[pole]!, wgs84[pole]!), distance(own[test]!, wgs84[test]!), distance(wgs84[pole]!, wgs84[reachPoint]!)];
        // Capped at the output's size: where the projection stretches the pole's surroundings
        // (the south pole in a north polar stereographic CRS, 1e23 m away), the spans mean nothing.
        const margin = Math.min(Math.max(0, ...spans.filter(Number.isFinite)), size) + pixel;
        if (points.some((point) => near(point, margin))) return true;
      }
    }
  }
  return false;
}

/**
 * Whether a CRS is geographic: read from its WKT (a source's own, as `info` gives it) without a
 * GDAL call, else asked of GDAL (an EPSG code, a PROJ string); undefined when GDAL cannot read it.
 */
async function geographic(planner: SplitPlanner, crs: string): Promise<boolean | undefined> {
  try {
    if (/^\s*[A-Za-z]+\s*\[/.test(crs)) return crsFactsFromWkt(crs).isGeographic;
  } catch {
    // Not WKT this parser reads: GDAL says.
  }
  return (await planner.operations.crsInfo(crs).catch(() => undefined))?.isGeographic;
}

/** The poles of a source CRS's own geographic CRS in the output's CRS, or undefined when that CRS cannot be read. */
async function sourcePoles(planner: SplitPlanner, sourceCrs: string, targetCrs: string): Promise<Array<[number, number]> | undefined> {
  try {
    // A source's WKT2 as `info` gives it is read here; other forms go through GDAL's WKT2 first.
    const geographic = baseGeographicWkt(sourceCrs) ?? baseGeographicWkt(await planner.operations.crsToWkt(sourceCrs));
    return geographic === undefined ? undefined : await planner.operations.transformPoints(geographic, targetCrs, POLES);
  } catch {
    // A CRS PROJ cannot read back, or no transformation: assume the worst.
    return undefined;
  }
}

const EDGE_STEPS = 20;

/** Points along the four edges of a window of the output, in the output's CRS. */
function windowEdges(output: OutputGrid, window: OutputWindow): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  const top = output.ymax - window.y * output.yres;
  const bottom = output.ymax - (window.y + window.height) * output.yres;
  const left = output.xmin + window.x * output.xres;
  const right = output.xmin + (window.x + window.width) * output.xres;
  for (let step = 0; step <= EDGE_STEPS; step += 1) {
    const t = step / EDGE_STEPS;
    const x = left + t * (right - left);
    const y = top + t * (bottom - top);
    points.push([x, top], [x, bottom], [left, y], [right, y]);
  }
  return points;
}

/** A `count` x `count` grid of points over a window of the output, its edges included, in the output's CRS. */
function windowGrid(output: OutputGrid, window: OutputWindow, count: number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  for (let column = 0; column < count; column += 1) {
    for (let row = 0; row < count; row += 1) {
      const x = output.xmin + (window.x + (window.width * column) / (count - 1)) * output.xres;
      const y = output.ymax - (window.y + (window.height * row) / (count - 1)) * output.yres;
      points.push([x, y]);
    }
  }
  return points;
}

/**
 * `dem` through the pool: large rasters split into row strips with a one-row halo, a few per
 * worker; small ones, or options a split does not know, run whole on one worker.
 * - An uncompressed tiled GeoTIFF output is cut on its tile rows: each strip is computed with its
 *   halo, cut to its own rows (`gdal_translate -srcwin`, with the output's tiles), and the output
 *   is laid together from the strips' tiles as they are done, DEFLATEd when the caller hands over
 *   its DEFLATE (`CallOptions.deflate`).
 * - Other outputs are laid out in a VRT and written by one `gdal_translate`.
 */
export async function splitDem(planner: SplitPlanner, mode: DemMode, source: string, dest: string, args: string[], options?: DemOptions): Promise<void> {
  const whole = () => planner.operations.dem(mode, source, dest, args, options);
  const count = planner.workers();
  const parsed = Array.isArray(args) && typeof dest === 'string' && typeof source === 'string' ? parseArgs(args, DEM_OPTIONS) : undefined;
  if (count < 2 || !parsed || !planner.splitTerrain) return whole();
  // Colour relief writes three or four bands, which no test lays tile by tile yet.
  const tiles = mode === 'color-relief' ? undefined : uncompressedTiles(parsed);
  if (!tiles && compressed(parsed) && !planner.splitCompressed) return whole();
  const info = await planner.operations.info(source, ['-norat', '-noct']);
  const [width, height] = info.size;
  const geoTransform = info.geoTransform;
  if (!geoTransform || width * height < planner.splitPixels || height < 2 * count) return whole();

  const scratch = scratchNames(dest);
  const ranges = tiles ? tileRowStrips(height, count * STRIPS_PER_WORKER, tiles.blockHeight) : strips(height, count * STRIPS_PER_WORKER);
  if (ranges.length < 2) return whole();
  const parts: Strip[] = ranges.map(([start, end], index) => ({ file: scratch(`${index}.tif`), start, end, halo: start > 0 ? 1 : 0 }));
  const inputs = parts.map((_, index) => scratch(`${index}.vrt`));
  const withHalo = parts.map((_, index) => scratch(`${index}.halo.tif`));
  const progress = progressOf(options?.onProgress, parts.length, tiles && options?.deflate ? 0.7 : 0.9);
  const base = stripArgs(parsed, []);
  const started = performance.now();
  debugLog('pool', `${path.basename(dest)}: ${mode} split into ${parts.length} strips of rows (${parts.map((part) => `${part.start}-${part.end}`).join(', ')})`);
  const computed = parts.map(async (part, index) => {
    const top = part.start - part.halo;
    const bottom = Math.min(height, part.end + 1);
    await planner.operations.translate(source, inputs[index]!, ['-of', 'VRT', '-srcwin', '0', String(top), String(width), String(bottom - top)]);
    const strip = progress.strip(index);
    const call: DemOptions = { ...(options?.config ? { config: options.config } : {}), ...(options?.colorFile ? { colorFile: options.colorFile } : {}), ...(strip ?? {}) };
    if (!tiles) return planner.operations.dem(mode, inputs[index]!, part.file, base, call);
    await planner.operations.dem(mode, inputs[index]!, withHalo[index]!, base, call);
    // The strip's own rows, with the output's tiles: their tiles are the output's.
    await planner.operations.translate(withHalo[index]!, part.file, ['-srcwin', '0', String(part.halo), String(width), String(part.end - part.start), ...outputArgs(parsed)]);
    await planner.fs.remove(withHalo[index]!);
    debugLog('pool', `${path.basename(dest)}: strip ${index} done at ${Math.round(performance.now() - started)} ms`);
  });
  computed.forEach((promise) => promise.catch(() => undefined)); // awaited below (and by the mosaic's reads)
  try {
    if (tiles) {
      const windows = parts.map((part, index) => ({ file: part.file, x: 0, y: part.start, width, height: part.end - part.start, ready: computed[index]! }));
      await Promise.all([layTiles(windows, dest, { width, height }, tiles.bigTiff, options?.deflate, progress.write), ...computed]);
      debugLog('pool', `${path.basename(dest)}: written in ${Math.round(performance.now() - started)} ms`);
    } else {
      await Promise.all(computed);
      await assemble(planner, parts, dest, width, height, geoTransform, outputArgs(parsed), scratch, options);
    }
    progress.done();
  } finally {
    await Promise.allSettled(computed);
    await Promise.all([...parts.map((part) => part.file), ...inputs, ...withHalo].map((file) => planner.fs.remove(file)));
  }
}

/**
 * The tiles of an output written as an uncompressed tiled GeoTIFF (`-of GTiff` or none, `-co
 * TILED=YES`, no compression) that windows of it can stand for, laid together tile by tile; undefined
 * for any other output.
 */
function uncompressedTiles(parsed: ParsedArgs): { blockWidth: number; blockHeight: number; bigTiff: string | undefined } | undefined {
  if (compressed(parsed) || (values(parsed, '-of')?.[0] ?? 'GTiff').toUpperCase() !== 'GTIFF') return undefined;
  const creation = creationOptions(parsed);
  const yes = (key: string) => ['YES', 'TRUE', 'ON', '1'].includes(creation.get(key) ?? 'NO');
  if (!yes('TILED')) return undefined;
  // SPARSE_OK leaves a window's empty tiles unwritten, and the tiles are laid together by their bytes;
  // a world file (TFW, WORLDFILE) would be written beside each window, not beside the output.
  if (['SPARSE_OK', 'TFW', 'WORLDFILE'].some(yes)) return undefined;
  // Another PROFILE puts what its tags cannot hold (CRS, georeferencing, nodata) in a .aux.xml beside
  // each window, which the laid tiles do not carry.
  if ((creation.get('PROFILE') ?? 'GDALGEOTIFF') !== 'GDALGEOTIFF') return undefined;
  const blockWidth = Number(creation.get('BLOCKXSIZE') ?? 256);
  const blockHeight = Number(creation.get('BLOCKYSIZE') ?? 256);
  if (!(blockWidth > 0 && blockHeight > 0)) return undefined;
  return { blockWidth, blockHeight, bigTiff: creation.get('BIGTIFF') };
}

/** Row ranges of up to `count` strips of `height` rows, each a whole number of `blockHeight` rows (but the last). */
function tileRowStrips(height: number, count: number, blockHeight: number): Array<[number, number]> {
  const rows = Math.max(1, Math.ceil(height / blockHeight / count)) * blockHeight;
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < height; start += rows) ranges.push([start, Math.min(height, start + rows)]);
  return ranges;
}
