import { Raster } from '../raster/raster.js';
import { SpatialSpec } from '../spec/spatial-spec.js';
import { yieldToEventLoop } from '../yield-to-event-loop.js';

/** Options of `syntheticTerrain`. */
export interface SyntheticTerrainOptions {
  /** Pixels per side (default 512). */
  size?: number;
  /** Pixel size in metres (default 30). */
  pixel?: number;
  /** Upper-left corner in the CRS (default: in the Alps, UTM 32N). */
  origin?: [number, number];
  /** CRS of the grid (default EPSG:32632). */
  crs?: string;
  /** Changes the landscape; the same seed always gives the same terrain. */
  seed?: number;
}

/** A value in [0, 1) for a lattice point: an integer hash, the same on every platform. */
function lattice(ix: number, iy: number, seed: number): number {
  let h = (ix * 374761393 + iy * 668265263 + seed * 2147483647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Smooth value noise in [-1, 1]: lattice values blended with a quintic curve. */
function noise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const sx = fx * fx * fx * (fx * (fx * 6 - 15) + 10);
  const sy = fy * fy * fy * (fy * (fy * 6 - 15) + 10);
  // Each corner's value once (the same numbers as computing it twice, two hashes fewer).
  const topLeft = lattice(ix, iy, seed);
  const bottomLeft = lattice(ix, iy + 1, seed);
  const top = topLeft + sx * (lattice(ix + 1, iy, seed) - topLeft);
  const bottom = bottomLeft + sx * (lattice(ix + 1, iy + 1, seed) - bottomLeft);
  return 2 * (top + sy * (bottom - top)) - 1;
}

/** Fractal noise: octaves of doubling frequency and halving amplitude, roughly in [-1, 1]. */
function fbm(x: number, y: number, seed: number, octaves: number): number {
  let sum = 0;
  let amplitude = 0.5;
  let frequency = 1;
  for (let i = 0; i < octaves; i++) {
    sum += amplitude * noise(x * frequency, y * frequency, seed + i * 101);
    frequency *= 2.03;
    amplitude *= 0.5;
  }
  return sum;
}

/**
 * A deterministic, realistic-looking elevation model: ridges and valleys from a few octaves of
 * value noise (rolling hills under ridged noise), a main valley, and a lake (nodata) — data the project generates itself, for the
 * main example, the browser demo and the benches.
 * @example const dem = syntheticTerrain({ size: 256 }); await dem.write('dem.tif');
 */
export function syntheticTerrain(options: SyntheticTerrainOptions = {}): Raster {
  const terrain = new TerrainRows(options);
  terrain.fill(0, terrain.size);
  return terrain.raster();
}

/**
 * Pixels computed between two yields of `syntheticTerrainAsync` (whole rows, at least one): a few
 * ms once compiled; the first slices run before the JIT has compiled the noise functions and take
 * several times longer (20 ms on a loaded 2-core machine), still well below the 50 ms of a long task.
 */
export const TERRAIN_SLICE_PIXELS = 4096;

/**
 * `syntheticTerrain` without holding the thread: the same raster (the same bytes), computed in
 * slices of rows with a turn of the event loop between them, so a page stays responsive while
 * a large terrain is generated on its thread.
 * @example const dem = await syntheticTerrainAsync({ size: 2000 });
 */
export function syntheticTerrainAsync(options: SyntheticTerrainOptions = {}): Promise<Raster> {
  return terrainInSlices(options, yieldToEventLoop);
}

/** `syntheticTerrainAsync` with the pause between slices given (tests count the pauses). */
export async function terrainInSlices(options: SyntheticTerrainOptions, pause: () => Promise<void>): Promise<Raster> {
  const terrain = new TerrainRows(options);
  const rows = Math.max(1, Math.floor(TERRAIN_SLICE_PIXELS / Math.max(1, terrain.size)));
  for (let row = 0; row < terrain.size; row += rows) {
    if (row > 0) await pause();
    terrain.fill(row, Math.min(terrain.size, row + rows));
  }
  return terrain.raster();
}

/** The terrain's heights, filled row by row (whole, or in slices). */
class TerrainRows {
  readonly size: number;
  private readonly pixel: number;
  private readonly seed: number;
  private readonly heights: Float32Array;
  private readonly nodata = -9999;

  constructor(private readonly options: SyntheticTerrainOptions) {
    this.size = options.size ?? 512;
    this.pixel = options.pixel ?? 30;
    this.seed = options.seed ?? 1;
    this.heights = new Float32Array(this.size * this.size);
  }

  /** Computes rows [from, to). */
  fill(from: number, to: number): void {
    const { size, pixel, seed, heights, nodata } = this;
    const extent = size * pixel;
    for (let row = from; row < to; row++) {
      for (let col = 0; col < size; col++) {
        // Coordinates in units of 5 km, so the landscape keeps its look whatever the pixel size.
        const x = (col * pixel) / 5000;
        const y = (row * pixel) / 5000;
        // Rolling hills (fractal noise) under sharp ridges (ridged noise): an alpine look.
        const hills = fbm(x, y, seed, 6);
        const ridges = 1 - Math.abs(fbm(x * 0.7 + 11.3, y * 0.7 - 4.1, seed + 17, 5));
        let h = 900 + 900 * hills + 1500 * ridges * ridges;
        // A valley running diagonally through the middle of the grid.
        const across = (col - row) / size;
        h -= 700 * Math.exp(-(across * across) / 0.015);
        const lake = Math.hypot(col * pixel - extent * 0.62, row * pixel - extent * 0.58) < extent * 0.05;
        heights[row * size + col] = lake ? nodata : Math.round(h * 10) / 10;
      }
    }
  }

  raster(): Raster {
    const { size, pixel, options } = this;
    const [x0, y0] = options.origin ?? [620000, 5190000];
    const spec = new SpatialSpec({ crs: options.crs ?? 'EPSG:32632', transform: [pixel, 0, x0, 0, -pixel, y0], shape: [size, size] });
    return Raster.fromArrays([this.heights], spec, { nodata: this.nodata });
  }
}
