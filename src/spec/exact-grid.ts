import type { GdalEngine } from '../../wasm/engine.js';
import { GdalError } from '../errors.js';
import type { GeoTransform } from './affine.js';

/** A raster's pixel grid: size and GDAL geotransform. */
export interface Grid {
  width: number;
  height: number;
  geoTransform: GeoTransform;
}

/**
 * One scratch VRT in GDAL's `/vsimem/`, reused by every call: `gdalinfo -json` rounds the
 * geotransform to 16 digits, but a VRT's XML (`-mdd xml:VRT`) carries all 17, so exact grids are
 * read through a VRT. A fixed name leaks nothing (the engine cannot delete `/vsimem/` files); the
 * calls are queued so that two of them never share it.
 */
const SCRATCH_VRT = '/vsimem/geodata-grid/grid.vrt';
let queue: Promise<unknown> = Promise.resolve();

function exclusive<T>(body: () => Promise<T>): Promise<T> {
  const result = queue.then(body, body);
  queue = result.catch(() => undefined);
  return result;
}

/**
 * The exact grid of a raster file (not rounded like `engine.info`'s geotransform).
 * @example const { width, height, geoTransform } = await exactGrid(engine, 'out/dem.tif');
 */
export function exactGrid(engine: GdalEngine, path: string): Promise<Grid> {
  return exclusive(async () => {
    await engine.translate(path, SCRATCH_VRT, ['-of', 'VRT']);
    return readScratchGrid(engine, path);
  });
}

/**
 * The grid `gdalwarp` chooses for `sources` with `args` (for example only `-t_srs`), without
 * warping a pixel: the sources warped to a VRT, whose header is read.
 */
export function suggestedWarpGrid(engine: GdalEngine, sources: string[], args: string[]): Promise<Grid> {
  return exclusive(async () => {
    await engine.warp(sources, SCRATCH_VRT, ['-of', 'VRT', '-overwrite', ...args]);
    return readScratchGrid(engine, sources.join(', '));
  });
}

async function readScratchGrid(engine: GdalEngine, subject: string): Promise<Grid> {
  const info = await engine.info(SCRATCH_VRT, ['-mdd', 'xml:VRT', '-norat', '-noct']);
  const xml = info.metadata?.['xml:VRT'];
  const grid = typeof xml === 'string' ? parseVrtGrid(xml) : undefined;
  if (!grid) {
    throw new GdalError(`cannot read the grid of ${subject}: GDAL gave no VRT description of it`, { operation: 'info', path: subject });
  }
  return grid;
}

/**
 * Size and geotransform from a VRT's XML; undefined when either is missing. GDAL writes the
 * geotransform with 17 significant digits, which parse back to the same doubles.
 */
export function parseVrtGrid(xml: string): Grid | undefined {
  const root = /<VRTDataset\b[^>]*>/.exec(xml)?.[0];
  const width = root && /\brasterXSize="(\d+)"/.exec(root)?.[1];
  const height = root && /\brasterYSize="(\d+)"/.exec(root)?.[1];
  const transform = /<GeoTransform>([^<]*)<\/GeoTransform>/.exec(xml)?.[1];
  if (!width || !height || !transform) return undefined;
  const values = transform.split(',').map((part) => Number(part.trim()));
  if (values.length !== 6 || values.some((value) => !Number.isFinite(value))) return undefined;
  return { width: Number(width), height: Number(height), geoTransform: values as unknown as GeoTransform };
}
