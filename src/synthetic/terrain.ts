import { Raster } from '../raster/raster.js';
import { SpatialSpec } from '../spec/spatial-spec.js';

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

/**
 * A deterministic, realistic-looking elevation model: ridges and valleys from a few octaves of
 * smooth noise, a main valley, and a lake (nodata) — data the project generates itself, for the
 * main example, the browser demo and the benches.
 * @example const dem = syntheticTerrain({ size: 256 }); await dem.write('dem.tif');
 */
export function syntheticTerrain(options: SyntheticTerrainOptions = {}): Raster {
  const size = options.size ?? 512;
  const pixel = options.pixel ?? 30;
  const [x0, y0] = options.origin ?? [620000, 5190000];
  const seed = options.seed ?? 1;
  const heights = new Float32Array(size * size);
  const nodata = -9999;
  // Frequencies in cycles per 10 km, so the landscape keeps its look whatever the pixel size.
  const octaves = [
    { frequency: 0.9, amplitude: 700 },
    { frequency: 2.3, amplitude: 260 },
    { frequency: 5.9, amplitude: 90 },
    { frequency: 14.1, amplitude: 25 },
  ];
  const phase = (i: number) => Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453 % (2 * Math.PI);
  const extent = size * pixel;
  for (let row = 0; row < size; row++) {
    const y = (row * pixel) / 10000;
    for (let col = 0; col < size; col++) {
      const x = (col * pixel) / 10000;
      let h = 1750;
      octaves.forEach(({ frequency, amplitude }, i) => {
        // Each octave on its own rotated axes, so no direction dominates the landscape.
        const angle = 0.9 * i + seed;
        const u = x * Math.cos(angle) + y * Math.sin(angle);
        const v = y * Math.cos(angle) - x * Math.sin(angle);
        const f = frequency * 2 * Math.PI;
        h += amplitude * Math.sin(f * u + phase(i)) * Math.cos(f * 0.83 * v + phase(i + 7));
        h += amplitude * 0.5 * Math.sin(f * 0.61 * (u + 0.4 * v) + phase(i + 3));
      });
      // A valley running diagonally, deepest in the middle of the grid.
      const across = (col - row) / size;
      h -= 900 * Math.exp(-(across * across) / 0.02);
      const lake = Math.hypot(col * pixel - extent * 0.62, row * pixel - extent * 0.58) < extent * 0.05;
      heights[row * size + col] = lake ? nodata : Math.round(h * 10) / 10;
    }
  }
  const spec = new SpatialSpec({ crs: options.crs ?? 'EPSG:32632', transform: [pixel, 0, x0, 0, -pixel, y0], shape: [size, size] });
  return Raster.fromArrays([heights], spec, { nodata });
}
