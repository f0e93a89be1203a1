/**
 * The benches' generated DEM: hills and valleys from a few sines (smooth, deterministic, no flat
 * areas), Float32, UTM 32N, written as a tiled DEFLATE GeoTIFF through an engine.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { GdalEngine } from '../../wasm/engine.js';

export const PIXEL = 10;
export const ORIGIN: [number, number] = [600000, 5200000];

/** Heights of a `size` x `size` DEM. */
export function terrain(size: number): Float32Array {
  const heights = new Float32Array(size * size);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      heights[row * size + column] =
        1200 + 600 * Math.sin(column / 310) * Math.cos(row / 410) + 150 * Math.sin((column + 2 * row) / 97) + 25 * Math.cos((column * row) / 90_000);
    }
  }
  return heights;
}

/** Writes the DEM as `folder/terrain.tif` (tiled, DEFLATE) and returns its path. */
export async function writeTerrain(engine: GdalEngine, folder: string, size: number): Promise<string> {
  const raw = path.join(folder, 'terrain.f32');
  const vrt = path.join(folder, 'terrain.vrt');
  const dem = path.join(folder, 'terrain.tif');
  writeFileSync(raw, terrain(size));
  writeFileSync(
    vrt,
    `<VRTDataset rasterXSize="${size}" rasterYSize="${size}"><SRS>EPSG:32632</SRS><GeoTransform>${ORIGIN[0]}, ${PIXEL}, 0, ${ORIGIN[1]}, 0, -${PIXEL}</GeoTransform><VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand"><SourceFilename relativeToVRT="1">terrain.f32</SourceFilename><ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>${size * 4}</LineOffset><ByteOrder>LSB</ByteOrder></VRTRasterBand></VRTDataset>`,
  );
  await engine.translate(vrt, dem, ['-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE']);
  rmSync(raw);
  rmSync(vrt);
  return dem;
}

/** The whole-metre EPSG:3035 grid (10 m) covering the DEM: `-te` and `-tr` for gdalwarp, and the spec's parts. */
export async function laeaGrid(engine: GdalEngine, size: number): Promise<{ te: [number, number, number, number]; args: string[]; transform: [number, number, number, number, number, number]; shape: [number, number] }> {
  const corners = await engine.transformPoints('EPSG:32632', 'EPSG:3035', [
    [ORIGIN[0], ORIGIN[1]],
    [ORIGIN[0] + size * PIXEL, ORIGIN[1]],
    [ORIGIN[0], ORIGIN[1] - size * PIXEL],
    [ORIGIN[0] + size * PIXEL, ORIGIN[1] - size * PIXEL],
  ]);
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  const snap = (value: number, up: boolean) => (up ? Math.ceil(value / PIXEL) : Math.floor(value / PIXEL)) * PIXEL;
  const te: [number, number, number, number] = [snap(Math.min(...xs), false), snap(Math.min(...ys), false), snap(Math.max(...xs), true), snap(Math.max(...ys), true)];
  const shape: [number, number] = [(te[3] - te[1]) / PIXEL, (te[2] - te[0]) / PIXEL];
  return { te, args: ['-te', ...te.map(String), '-tr', String(PIXEL), String(PIXEL)], transform: [PIXEL, 0, te[0], 0, -PIXEL, te[3]], shape };
}
