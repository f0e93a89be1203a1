/**
 * Warp speed of the GDAL-WebAssembly engine against native gdalwarp, side by side in one run.
 *
 *   npx tsx bench/warp.ts [--size 4000] [--repetitions 5]
 *
 * Generates a deterministic terrain-like Float32 raster (UTM 32N, 10 m), written through the
 * engine (raw bytes + a VRT header, translated to a tiled GeoTIFF), then reprojects it to
 * EPSG:3035 with bilinear resampling: the engine warm (after one warm-up call), native gdalwarp
 * with the same input and arguments (after one warm-up run too; its times include starting the
 * process, about 60 ms). Prints both medians and their ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createNodeEngine } from '../wasm/node.js';
import { formatMs, hasNativeCommand, median, timeAsync, timeNative } from './lib/timing.js';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '4000' }, repetitions: { type: 'string', default: '5' } },
});
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const PIXEL = 10;
const ORIGIN: [number, number] = [600000, 5200000];

/** Hills and valleys from a few sines: smooth, deterministic, no flat areas. */
function terrain(size: number): Float32Array {
  const heights = new Float32Array(size * size);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column < size; column += 1) {
      heights[row * size + column] =
        1200 +
        600 * Math.sin(column / 310) * Math.cos(row / 410) +
        150 * Math.sin((column + 2 * row) / 97) +
        25 * Math.cos((column * row) / 90_000);
    }
  }
  return heights;
}

function vrtHeader(size: number, rawName: string): string {
  return `<VRTDataset rasterXSize="${size}" rasterYSize="${size}">
  <SRS>EPSG:32632</SRS>
  <GeoTransform>${ORIGIN[0]}, ${PIXEL}, 0, ${ORIGIN[1]}, 0, -${PIXEL}</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand">
    <SourceFilename relativeToVRT="1">${rawName}</SourceFilename>
    <ImageOffset>0</ImageOffset>
    <PixelOffset>4</PixelOffset>
    <LineOffset>${size * 4}</LineOffset>
    <ByteOrder>LSB</ByteOrder>
  </VRTRasterBand>
</VRTDataset>
`;
}

async function main(): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'geodata-bench-warp-'));
  const engine = createNodeEngine();
  try {
    const raw = path.join(folder, 'terrain.f32');
    const vrt = path.join(folder, 'terrain.vrt');
    const input = path.join(folder, 'terrain.tif');
    const heights = terrain(SIZE);
    await engine.fs.writeFile(raw, new Uint8Array(heights.buffer));
    await engine.fs.writeFile(vrt, new TextEncoder().encode(vrtHeader(SIZE, path.basename(raw))));
    await engine.translate(vrt, input, ['-co', 'TILED=YES']);

    const args = ['-t_srs', 'EPSG:3035', '-tr', String(PIXEL), String(PIXEL), '-r', 'bilinear', '-overwrite'];
    const ours = path.join(folder, 'ours.tif');
    await engine.warp([input], ours, args); // warm-up: loads gdal3.js, fills PROJ's caches
    const engineTimes = await timeAsync(REPETITIONS, () => engine.warp([input], ours, args));

    console.log(`warp ${SIZE}x${SIZE} Float32, EPSG:32632 -> EPSG:3035, bilinear, ${REPETITIONS} repetitions (median)`);
    console.log(`  engine (gdal3.js, warm): ${formatMs(median(engineTimes))}   [${engineTimes.map(formatMs).join(', ')}]`);
    if (!hasNativeCommand('gdalwarp')) {
      console.log('  native gdalwarp: not installed, no ratio');
      return;
    }
    const native = path.join(folder, 'native.tif');
    timeNative(1, 'gdalwarp', ['-q', ...args, input, native]); // warm-up too: page cache, PROJ database
    const nativeTimes = timeNative(REPETITIONS, 'gdalwarp', ['-q', ...args, input, native]);
    console.log(`  native gdalwarp:         ${formatMs(median(nativeTimes))}   [${nativeTimes.map(formatMs).join(', ')}]`);
    console.log(`  ratio engine / native:   ${(median(engineTimes) / median(nativeTimes)).toFixed(2)}x`);
  } finally {
    await engine.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
