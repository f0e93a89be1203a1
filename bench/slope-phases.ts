/**
 * Where a slope entry's time goes, on the pool engine, on the in-thread engine and in native
 * `gdaldem slope`, interleaved round by round (the machine is shared: the three see the same load).
 *
 *   npx tsx bench/slope-phases.ts [--size 4000] [--rounds 3]
 *
 * Phases of `slope()` (timed by wrapping the engine's methods): `info` (the input's size and
 * CRS), `dem` (gdaldem writing the uncompressed GeoTIFF), and the rest (the tiles compressed
 * outside WebAssembly with native zlib, files removed). The native side writes with the same
 * creation options as the cache (DEFLATE ZLEVEL=1 PREDICTOR=3, tiled 256).
 */
import '../src/node/setup-node.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { GdalEngine } from '../wasm/engine.js';
import { slope } from '../src/terrain/gdaldem.js';
import { createNodeEngine, createPoolEngine } from '../wasm/node.js';
import { formatMs, median, timeNative } from './lib/timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '3' } } });
const SIZE = Number(values.size);
const ROUNDS = Number(values.rounds);
const CREATION = ['-co', 'COMPRESS=DEFLATE', '-co', 'ZLEVEL=1', '-co', 'PREDICTOR=3', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256', '-co', 'BIGTIFF=IF_SAFER'];

/** The engine with `info` and `dem` timed into `phases`. */
function timed(engine: GdalEngine, phases: Record<string, number>): GdalEngine {
  const wrap = <K extends 'info' | 'dem'>(name: K): GdalEngine[K] =>
    (async (...args: unknown[]) => {
      const start = performance.now();
      try {
        return await (engine[name] as (...input: unknown[]) => Promise<unknown>)(...args);
      } finally {
        phases[name] = (phases[name] ?? 0) + performance.now() - start;
      }
    }) as GdalEngine[K];
  return { ...engine, info: wrap('info'), dem: wrap('dem') };
}

async function main(): Promise<void> {
  const folder = mkdtempSync(path.join(tmpdir(), 'geodata-bench-slope-'));
  const pool = createPoolEngine();
  const inThread = createNodeEngine();
  try {
    const dem = path.join(folder, 'terrain.tif');
    const raw = path.join(folder, 'terrain.f32');
    const heights = new Float32Array(SIZE * SIZE);
    for (let row = 0; row < SIZE; row += 1) {
      for (let column = 0; column < SIZE; column += 1) {
        heights[row * SIZE + column] = 1200 + 600 * Math.sin(column / 310) * Math.cos(row / 410) + 150 * Math.sin((column + 2 * row) / 97);
      }
    }
    await inThread.fs.writeFile(raw, new Uint8Array(heights.buffer));
    const vrt = path.join(folder, 'terrain.vrt');
    await inThread.fs.writeFile(
      vrt,
      new TextEncoder().encode(
        `<VRTDataset rasterXSize="${SIZE}" rasterYSize="${SIZE}"><SRS>EPSG:32632</SRS><GeoTransform>600000, 10, 0, 5200000, 0, -10</GeoTransform><VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand"><SourceFilename relativeToVRT="1">terrain.f32</SourceFilename><ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>${SIZE * 4}</LineOffset><ByteOrder>LSB</ByteOrder></VRTRasterBand></VRTDataset>`,
      ),
    );
    await inThread.translate(vrt, dem, ['-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE']);

    const sides: Array<{ label: string; run: () => Promise<Record<string, number>> }> = [
      ...(
        [
          ['pool', pool],
          ['in-thread', inThread],
        ] as const
      ).map(([label, engine]) => ({
        label,
        run: async () => {
          const phases: Record<string, number> = {};
          const start = performance.now();
          await slope(dem, path.join(folder, `slope-${label}.tif`), { engine: timed(engine, phases) });
          const total = performance.now() - start;
          return { total, info: phases.info ?? 0, dem: phases.dem ?? 0, rest: total - (phases.info ?? 0) - (phases.dem ?? 0) };
        },
      })),
      { label: 'native', run: async () => ({ total: timeNative(1, 'gdaldem', ['slope', '-q', dem, path.join(folder, 'slope-native.tif'), ...CREATION])[0]! }) },
    ];
    console.log(`slope ${SIZE}x${SIZE} Float32, ${ROUNDS} interleaved rounds after one warm-up; load before ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    for (const side of sides) await side.run();
    const results = new Map<string, Array<Record<string, number>>>(sides.map((side) => [side.label, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const side of sides) results.get(side.label)!.push(await side.run());
    }
    const nativeTotal = median(results.get('native')!.map((result) => result.total!));
    for (const [label, runs] of results) {
      const phases = Object.keys(runs[0]!).map((phase) => `${phase} ${formatMs(median(runs.map((run) => run[phase]!)))}`);
      const total = median(runs.map((run) => run.total!));
      console.log(`  ${label.padEnd(10)} ${phases.join(', ')}   [${runs.map((run) => formatMs(run.total!)).join(', ')}]  ratio vs native ${(total / nativeTotal).toFixed(2)}x`);
    }
    console.log(`load after ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  } finally {
    await Promise.all([pool.close(), inThread.close()]);
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
