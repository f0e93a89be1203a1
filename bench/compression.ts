/**
 * How the cache compresses GeoTIFFs, measured: a 4000x4000 Float32 terrain written uncompressed
 * by the engine, then compressed (a) by GDAL inside WebAssembly (gdal_translate, DEFLATE as
 * geodata wrote it before: level 6, no predictor; and with PREDICTOR=3), (b) outside it by
 * `compressTiff` (native zlib on the thread pool) at several levels and predictors. Size, write
 * time and read time (geodata's reader) of each, interleaved, medians. Then the cache's own
 * setting (level 1, predictor 3) with zlib's other knobs, on the terrain and on its slope (floats
 * that compress less): the hash table's size (memLevel 8, zlib's default, and 9, the cache's) and
 * the match strategies that trade size for speed (RLE, Huffman only); write time and process CPU.
 *
 *   npx tsx bench/compression.ts [--size 4000] [--repetitions 3]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { constants as zlibConstants, deflate, type ZlibOptions } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getConfig, readRaster, syntheticTerrain } from '../src/node.js';
import type { DeflateCodec } from '../src/formats/deflate-codec.js';
import { compressTiff, type TiffCompression } from '../src/formats/tiff-compress.js';
import { nodeDeflateCodec } from '../src/node/deflate-node.js';
import { getPlatform } from '../src/platform.js';
import { formatMs, median } from './lib/timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '4000' }, repetitions: { type: 'string', default: '3' } } });
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);
const dir = mkdtempSync(path.join(tmpdir(), 'geodata-bench-compression-'));
const engine = getConfig().engine;
const workspace = getPlatform().workspace();
try {
  const source = path.join(dir, 'none.tif');
  await syntheticTerrain({ size: SIZE, pixel: 10 }).write(source, { compress: 'NONE', engine });
  const variants: Array<{ name: string; write: (target: string) => Promise<void> }> = [
    { name: 'GDAL (wasm) DEFLATE level 6', write: (target) => engine.translate(source, target, ['-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE']) },
    { name: 'GDAL (wasm) DEFLATE level 6 + PREDICTOR=3', write: (target) => engine.translate(source, target, ['-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3']) },
    ...([
      [1, 1],
      [1, 3],
      [6, 1],
      [6, 3],
      [9, 3],
    ] as const).map(([level, predictor]) => ({
      name: `native zlib level ${level}${predictor === 3 ? ' + predictor 3' : ''}`,
      write: async (target: string) => {
        const options: TiffCompression = { level, predictor };
        const input = await workspace.openFile!(source, 'r');
        const output = await workspace.openFile!(target, 'w');
        try {
          await compressTiff(input, output, options, nodeDeflateCodec, target);
        } finally {
          await input.close();
          await output.close();
        }
      },
    })),
  ];
  const times = variants.map(() => ({ write: [] as number[], read: [] as number[], size: 0 }));
  for (let r = 0; r < REPETITIONS; r++) {
    for (const [i, variant] of variants.entries()) {
      const target = path.join(dir, `v${i}-${r}.tif`);
      let started = performance.now();
      await variant.write(target);
      times[i]!.write.push(performance.now() - started);
      times[i]!.size = statSync(target).size;
      started = performance.now();
      await readRaster(target);
      times[i]!.read.push(performance.now() - started);
      await engine.fs.remove(target);
    }
  }
  console.log(`${SIZE}x${SIZE} Float32 terrain, uncompressed ${(statSync(source).size / 1e6).toFixed(1)} MB`);
  for (const [i, variant] of variants.entries()) {
    const t = times[i]!;
    console.log(`${variant.name.padEnd(44)} write ${formatMs(median(t.write)).padStart(8)}   read ${formatMs(median(t.read)).padStart(8)}   ${(t.size / 1e6).toFixed(1)} MB`);
  }

  // zlib's knobs at the cache's level and predictor, on the terrain and on its slope.
  const slope = path.join(dir, 'slope.tif');
  await engine.dem('slope', source, slope, ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256']);
  const zlibDeflate = promisify(deflate);
  const codecWith = (options: ZlibOptions): DeflateCodec => ({
    ...nodeDeflateCodec,
    deflate: async (bytes, level) => {
      const out = await zlibDeflate(bytes, { ...options, level, chunkSize: Math.max(16_384, bytes.length + (bytes.length >> 8) + 64) });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    },
  });
  const codecs: Array<[string, DeflateCodec]> = [
    ['memLevel 8 (zlib default)', codecWith({ memLevel: 8 })],
    ['memLevel 9 (the cache)', nodeDeflateCodec],
    ['Z_RLE', codecWith({ memLevel: 9, strategy: zlibConstants.Z_RLE })],
    ['Z_HUFFMAN_ONLY', codecWith({ memLevel: 9, strategy: zlibConstants.Z_HUFFMAN_ONLY })],
  ];
  for (const [label, raster] of [['terrain', source], ['slope', slope]] as const) {
    const runs = codecs.map(() => ({ wall: [] as number[], cpu: [] as number[], size: 0 }));
    for (let r = 0; r < REPETITIONS; r++) {
      for (const [i, [, codec]] of codecs.entries()) {
        const target = path.join(dir, `z${i}-${r}.tif`);
        const input = await workspace.openFile!(raster, 'r');
        const output = await workspace.openFile!(target, 'w');
        const cpu = process.cpuUsage();
        const started = performance.now();
        try {
          await compressTiff(input, output, { level: 1, predictor: 3 }, codec, target);
        } finally {
          await input.close();
          await output.close();
        }
        runs[i]!.wall.push(performance.now() - started);
        const used = process.cpuUsage(cpu);
        runs[i]!.cpu.push((used.user + used.system) / 1000);
        runs[i]!.size = statSync(target).size;
        rmSync(target);
      }
    }
    console.log(`level 1 + predictor 3, ${label} (${SIZE}x${SIZE} Float32):`);
    for (const [i, [name]] of codecs.entries()) {
      const run = runs[i]!;
      console.log(`  ${name.padEnd(28)} write ${formatMs(median(run.wall)).padStart(8)}   CPU ${formatMs(median(run.cpu)).padStart(8)}   ${(run.size / 1e6).toFixed(2)} MB`);
    }
  }
  await engine.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
