import type { GdalEngine } from '../../wasm/engine.js';
import { GdalError } from '../errors.js';
import { randomHex } from '../random-hex.js';
import { getPlatform } from '../platform.js';
import type { GeoTransform } from './affine.js';

/** A raster's pixel grid: size and GDAL geotransform. */
export interface Grid {
  width: number;
  height: number;
  geoTransform: GeoTransform;
}

/**
 * Exact grids are read through a scratch VRT: `gdalinfo -json` rounds the geotransform to 16
 * digits, but a VRT's XML (`-mdd xml:VRT`) carries all 17.
 *
 * On host files the VRT is a file of its own per call, in the workspace's temporary folder: the
 * Node engine is a pool of threads, each with its own `/vsimem/`, so the call that writes the VRT
 * and the one that reads it may run on different threads, and a `/vsimem/` name read by the
 * second would be another call's (or nothing). In a page's memory file system there is one GDAL
 * module; there one fixed `/vsimem/` name is reused (the engine cannot delete `/vsimem/` files)
 * and the calls are queued so that two of them never share it; so too for a host engine used
 * without a platform (no entry imported, as in unit tests of single modules).
 */
const SCRATCH_VRT = '/vsimem/geodata-grid/grid.vrt';
let queue: Promise<unknown> = Promise.resolve();

function hostTempFolder(): string | undefined {
  try {
    return getPlatform().workspace().tempFolder;
  } catch {
    return undefined;
  }
}

async function withScratchVrt<T>(engine: GdalEngine, body: (vrt: string) => Promise<T>): Promise<T> {
  const folder = engine.fs.kind === 'host' ? hostTempFolder() : undefined;
  if (folder === undefined) {
    const result = queue.then(() => body(SCRATCH_VRT), () => body(SCRATCH_VRT));
    queue = result.catch(() => undefined);
    return result;
  }
  const vrt = `${folder}/geodata-grid-${randomHex()}.vrt`;
  try {
    return await body(vrt);
  } finally {
    await engine.fs.remove(vrt).catch(() => undefined);
  }
}

/**
 * The exact grid of a raster file (not rounded like `engine.info`'s geotransform).
 * @example const { width, height, geoTransform } = await exactGrid(engine, 'out/dem.tif');
 */
export function exactGrid(engine: GdalEngine, path: string): Promise<Grid> {
  return withScratchVrt(engine, async (vrt) => {
    await engine.translate(path, vrt, ['-of', 'VRT']);
    return readScratchGrid(engine, vrt, path);
  });
}

/**
 * The grid `gdalwarp` chooses for `sources` with `args` (for example only `-t_srs`), without
 * warping a pixel: the sources warped to a VRT, whose header is read.
 */
export function suggestedWarpGrid(engine: GdalEngine, sources: string[], args: string[]): Promise<Grid> {
  return withScratchVrt(engine, async (vrt) => {
    await engine.warp(sources, vrt, ['-of', 'VRT', '-overwrite', ...args]);
    return readScratchGrid(engine, vrt, sources.join(', '));
  });
}

async function readScratchGrid(engine: GdalEngine, vrt: string, subject: string): Promise<Grid> {
  const info = await engine.info(vrt, ['-mdd', 'xml:VRT', '-norat', '-noct']);
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
