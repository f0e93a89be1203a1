/**
 * Node only: one large warp or terrain step over every worker of the pool, pixel for pixel the
 * same as the step run whole.
 *
 * The output is cut into full-width row strips (up to four per worker; fewer for a warp whose
 * kernel thin strips would change), queued on the pool: the next free worker computes each strip
 * into an uncompressed GeoTIFF next to the output; a VRT lays the strips side by side on the
 * output's grid (with the metadata GDAL gave the first strip), and one `gdal_translate` writes
 * the output with the step's own format and creation options.
 *
 * Why the result is identical:
 * - Terrain (`gdaldem`) works on a 3x3 window and uses only the pixel size: each strip reads one
 *   extra row above and below (the halo) and keeps only its own rows, so every kept pixel sees the
 *   neighbours it sees in the whole raster; the raster's true edges stay edges (`-compute_edges`
 *   or not).
 * - A warp maps each output pixel centre through the exact transformation only with `-et 0`
 *   (otherwise the approximate transformer interpolates along each row of each chunk GDAL cuts,
 *   and chunks differ). The strip's grid is given with `-te`/`-tr`, so its pixel centres are the
 *   whole output's bit for bit when every row's coordinate is exact in floating point (grids on
 *   whole metres, 0.5 m, 10 m, 0.25°...); other grids run whole. And the kernel must not depend
 *   on the window: nearest neighbour, or bilinear and cubic on windows GDAL warps at a scale of
 *   0.95 or more, where it uses a fixed four-sample kernel (`WINDOW_INDEPENDENT`). So the pixels
 *   do not depend on how many workers a machine has either.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallOptions, DemMode, DemOptions, EngineFiles, GdalOperations } from './engine.js';

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
  const options = parsed.options.filter((option) => option.name === '-co').map((option) => option.values[0]!.toUpperCase());
  const compress = options.find((option) => option.startsWith('COMPRESS='));
  if (compress) return compress !== 'COMPRESS=NONE';
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

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
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

/** Averages the strips' progress into one, leaving the last tenth for writing the output. */
function progressOf(onProgress: CallOptions['onProgress'], count: number): { strip(index: number): CallOptions | undefined; done(): void } {
  const fractions = new Array<number>(count).fill(0);
  return {
    strip: (index) =>
      onProgress
        ? {
            onProgress: (fraction) => {
              fractions[index] = fraction;
              onProgress((0.9 * fractions.reduce((sum, value) => sum + value, 0)) / count);
            },
          }
        : undefined,
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

/** How `splitWarp` cuts a warp: its row strips, with the output grid they share. */
export interface WarpSplitPlan {
  parsed: ParsedArgs;
  /** Row ranges [start, end) of the output, one per strip. */
  ranges: Array<[number, number]>;
  xmin: number;
  xmax: number;
  ymax: number;
  xres: number;
  yres: number;
  width: number;
  height: number;
}

/**
 * The strips a warp is split into on this pool, or undefined when it runs whole: not exact
 * (`-et 0`), small, on a grid whose rows are not exact in floating point, with options or a
 * resampling whose result depends on the cut, or too thin to keep bilinear and cubic kernels fixed.
 */
export async function planWarpSplit(planner: SplitPlanner, sources: string[], dest: string, args: string[]): Promise<WarpSplitPlan | undefined> {
  const count = planner.workers();
  const parsed = Array.isArray(args) && typeof dest === 'string' && Array.isArray(sources) ? parseArgs(args, WARP_OPTIONS) : undefined;
  if (count < 2 || !parsed || (compressed(parsed) && !planner.splitCompressed)) return undefined;
  const te = values(parsed, '-te')?.map(Number);
  const tr = values(parsed, '-tr')?.map(Number);
  const et = values(parsed, '-et');
  if (!te || !tr || et === undefined || Number(et[0]) !== 0 || [...te, ...tr].some((value) => !Number.isFinite(value))) return undefined;
  const [xmin, , xmax, ymax] = te as [number, number, number, number];
  const [xres, yres] = tr as [number, number];
  const width = Math.round((xmax - xmin) / xres);
  const height = Math.round((ymax - te[1]!) / yres);
  if (width * height < planner.splitPixels || height < 2 * count || !exactRows(ymax, yres, height)) return undefined;
  const resampling = values(parsed, '-r')?.[0] ?? 'near';
  if (!WINDOW_INDEPENDENT.has(resampling)) return undefined;
  const window = { xmin, xres, ymax, yres, width };
  // Nearest neighbour needs no scales; bilinear and cubic need the sources' grids, read once.
  const grids = resampling === 'near' ? undefined : await sourceGrids(planner, sources, parsed);
  if (resampling !== 'near' && !grids) return undefined;
  // The most strips whose every window keeps the kernel fixed (thinner strips have smaller scales).
  for (let wanted = count * STRIPS_PER_WORKER; wanted >= 2; wanted = Math.floor(wanted / 2)) {
    const ranges = strips(height, wanted);
    if (ranges.length < 2) continue;
    if (!grids || (await kernelScalesSafe(planner, grids, window, [[0, height], ...ranges]))) {
      return { parsed, ranges, xmin, xmax, ymax, xres, yres, width, height };
    }
  }
  return undefined;
}

/**
 * `warp` through the pool: split over the workers when `planWarpSplit` finds strips that give the
 * whole warp's pixels; else one worker runs it whole.
 */
export async function splitWarp(planner: SplitPlanner, sources: string[], dest: string, args: string[], options?: CallOptions): Promise<void> {
  const plan = await planWarpSplit(planner, sources, dest, args);
  if (!plan) return planner.operations.warp(sources, dest, args, options);
  const { parsed, ranges, xmin, xmax, ymax, xres, yres, width, height } = plan;

  const scratch = scratchNames(dest);
  const parts: Strip[] = ranges.map(([start, end], index) => ({ file: scratch(`${index}.tif`), start, end, halo: 0 }));
  const progress = progressOf(options?.onProgress, parts.length);
  try {
    const base = stripArgs(parsed, ['-te', '-overwrite']);
    await Promise.all(
      parts.map((part, index) => {
        const top = ymax - part.start * yres;
        const bottom = ymax - part.end * yres;
        const config = options?.config ? { config: options.config } : {};
        const strip = progress.strip(index);
        return planner.operations.warp(sources, part.file, [...base, '-te', String(xmin), String(bottom), String(xmax), String(top)], { ...config, ...(strip ?? {}) });
      }),
    );
    await assemble(planner, parts, dest, width, height, [xmin, xres, 0, ymax, 0, -yres], outputArgs(parsed), scratch, options);
    progress.done();
  } finally {
    await Promise.all(parts.map((part) => planner.fs.remove(part.file)));
  }
}

interface OutputWindow {
  xmin: number;
  xres: number;
  ymax: number;
  yres: number;
  width: number;
}

/** A source's CRS and north-up grid, and the warp's target CRS: what a window's scale is computed from. */
interface SourceGrid {
  targetCrs: string;
  sourceCrs: string;
  grid: [number, number, number, number, number, number];
}

/**
 * Each source's grid and CRS (`-s_srs` when given), or undefined when one cannot be known (no
 * target or source CRS, no grid, a rotated grid): the warp then runs whole.
 */
async function sourceGrids(planner: SplitPlanner, sources: string[], parsed: ParsedArgs): Promise<SourceGrid[] | undefined> {
  const targetCrs = values(parsed, '-t_srs')?.[0];
  if (!targetCrs) return undefined;
  const grids: SourceGrid[] = [];
  for (const source of sources) {
    const info = await planner.operations.info(source, ['-norat', '-noct']);
    const sourceCrs = values(parsed, '-s_srs')?.[0] ?? info.coordinateSystem?.wkt;
    const grid = info.geoTransform;
    if (!sourceCrs || !grid || grid[2] !== 0 || grid[4] !== 0) return undefined;
    grids.push({ targetCrs, sourceCrs, grid });
  }
  return grids;
}

/**
 * Whether GDAL warps each of `rows` (the whole output and each strip) at scales of at least
 * `MIN_KERNEL_SCALE` from every source: each window's edges (21 points each, as GDAL samples
 * them) are transformed into the source's pixels, and the window's pixels over that footprint
 * is its scale. A source GDAL clips the footprint to only raises the scale. Points PROJ cannot
 * transform count as unsafe: the warp then runs whole.
 */
async function kernelScalesSafe(planner: SplitPlanner, grids: readonly SourceGrid[], output: OutputWindow, rows: Array<[number, number]>): Promise<boolean> {
  const edges = rows.flatMap(([start, end]) => windowEdges(output, start, end));
  for (const { targetCrs, sourceCrs, grid } of grids) {
    const projected = await planner.operations.transformPoints(targetCrs, sourceCrs, edges);
    for (let index = 0; index < rows.length; index += 1) {
      const points = projected.slice(index * EDGE_POINTS, (index + 1) * EDGE_POINTS);
      if (points.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return false;
      const columns = points.map(([x]) => (x - grid[0]) / grid[1]);
      const lines = points.map(([, y]) => (y - grid[3]) / grid[5]);
      const [start, end] = rows[index]!;
      // GDAL's window spans whole source pixels: up to one more at each end.
      const xScale = output.width / (Math.max(...columns) - Math.min(...columns) + 2);
      const yScale = (end - start) / (Math.max(...lines) - Math.min(...lines) + 2);
      if (!(xScale >= MIN_KERNEL_SCALE && yScale >= MIN_KERNEL_SCALE)) return false;
    }
  }
  return true;
}

const EDGE_STEPS = 20;
const EDGE_POINTS = 4 * (EDGE_STEPS + 1);

/** Points along the four edges of output rows [start, end), in the output's CRS. */
function windowEdges(output: OutputWindow, start: number, end: number): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  const top = output.ymax - start * output.yres;
  const bottom = output.ymax - end * output.yres;
  const right = output.xmin + output.width * output.xres;
  for (let step = 0; step <= EDGE_STEPS; step += 1) {
    const t = step / EDGE_STEPS;
    const x = output.xmin + t * (right - output.xmin);
    const y = top + t * (bottom - top);
    points.push([x, top], [x, bottom], [output.xmin, y], [right, y]);
  }
  return points;
}

/**
 * `dem` through the pool: large rasters split into row strips with a one-row halo, a few per
 * worker; small ones, or options a split does not know, run whole on one worker.
 */
export async function splitDem(planner: SplitPlanner, mode: DemMode, source: string, dest: string, args: string[], options?: DemOptions): Promise<void> {
  const whole = () => planner.operations.dem(mode, source, dest, args, options);
  const count = planner.workers();
  const parsed = Array.isArray(args) && typeof dest === 'string' && typeof source === 'string' ? parseArgs(args, DEM_OPTIONS) : undefined;
  if (count < 2 || !parsed || !planner.splitTerrain || (compressed(parsed) && !planner.splitCompressed)) return whole();
  const info = await planner.operations.info(source, ['-norat', '-noct']);
  const [width, height] = info.size;
  const geoTransform = info.geoTransform;
  if (!geoTransform || width * height < planner.splitPixels || height < 2 * count) return whole();

  const scratch = scratchNames(dest);
  const parts: Strip[] = strips(height, count * STRIPS_PER_WORKER).map(([start, end], index) => ({ file: scratch(`${index}.tif`), start, end, halo: start > 0 ? 1 : 0 }));
  const inputs = parts.map((_, index) => scratch(`${index}.vrt`));
  const progress = progressOf(options?.onProgress, parts.length);
  const base = stripArgs(parsed, []);
  try {
    await Promise.all(
      parts.map(async (part, index) => {
        const top = part.start - part.halo;
        const bottom = Math.min(height, part.end + 1);
        await planner.operations.translate(source, inputs[index]!, ['-of', 'VRT', '-srcwin', '0', String(top), String(width), String(bottom - top)]);
        const strip = progress.strip(index);
        const call: DemOptions = { ...(options?.config ? { config: options.config } : {}), ...(options?.colorFile ? { colorFile: options.colorFile } : {}), ...(strip ?? {}) };
        await planner.operations.dem(mode, inputs[index]!, part.file, base, call);
      }),
    );
    await assemble(planner, parts, dest, width, height, geoTransform, outputArgs(parsed), scratch, options);
    progress.done();
  } finally {
    await Promise.all([...parts.map((part) => part.file), ...inputs].map((file) => planner.fs.remove(file)));
  }
}
