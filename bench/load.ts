/**
 * The cost of a warm `load()` of a cached 4000x4000 Float32 raster, side by side in one run with
 * reading the same file's bytes (`fs.readFile`) and with a plain geotiff.js read of them.
 *
 *   npx tsx bench/load.ts [--size 4000] [--repetitions 5]
 *
 * load() = find the entry, check its meta, read the bytes, verify their SHA-256, decode with
 * geotiff.js (with Node's zlib for DEFLATE, which the Node entry installs); the difference to the
 * same geotiff.js read is what the cache costs. A geotiff.js read with its default (pako) inflate
 * is timed last, for reference. Then `process()` of the cached entry, which returns its path: the
 * first time in a process it verifies the output's SHA-256 (timed with a fresh store object), later
 * it only compares size and mtime with what it verified.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addDecoder, BaseDecoder, fromArrayBuffer } from 'geotiff';
import { inflate } from 'pako';
import { Data, type Raster, SpatialSpec, fsStore, getConfig, load, process, register, syntheticTerrain } from '../src/node.js';
import { formatMs, median, timeAsync } from './lib/timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '4000' }, repetitions: { type: 'string', default: '5' } } });
const SIZE = Number(values.size);
const REPETITIONS = Number(values.repetitions);

class BenchTerrain extends Data {
  constructor(public size: number) {
    super();
  }
  async _process(spec: SpatialSpec) {
    await syntheticTerrain({ size: this.size, pixel: 10 }).write(this.ensureProcessedPath(spec));
  }
}
register(BenchTerrain);

const root = mkdtempSync(path.join(tmpdir(), 'geodata-bench-load-'));
try {
  const spec = syntheticTerrain({ size: 1 }).spec.with({ transform: [10, 0, 620000, 0, -10, 5190000], shape: [SIZE, SIZE] });
  getConfig().update({ root, spec });
  const entry = await process(new BenchTerrain(SIZE));
  console.log(`cached ${SIZE}x${SIZE} Float32 GeoTIFF (DEFLATE, tiled): ${(entry.meta.output.size / 1e6).toFixed(1)} MB`);
  await load(new BenchTerrain(SIZE)); // warm-up: module loading, JIT

  const loadMs = median(await timeAsync(REPETITIONS, () => load<Raster>(new BenchTerrain(SIZE))));
  const readMs = median(await timeAsync(REPETITIONS, () => readFile(entry.path)));
  const geotiffRead = async () => {
    const bytes = await readFile(entry.path);
    const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return (await tiff.getImage()).readRasters({ interleave: false });
  };
  const geotiffMs = median(await timeAsync(REPETITIONS, geotiffRead));
  // geotiff.js as it ships: DEFLATE through pako.
  class PakoDeflate extends BaseDecoder {
    override decodeBlock(buffer: ArrayBuffer) {
      return inflate(new Uint8Array(buffer)).buffer as ArrayBuffer;
    }
  }
  addDecoder([8, 32946], async () => PakoDeflate);
  const pakoMs = median(await timeAsync(REPETITIONS, geotiffRead));
  const firstProcessMs = median(
    await timeAsync(REPETITIONS, async () => {
      getConfig().update({ store: fsStore({ root }) });
      await process(new BenchTerrain(SIZE));
    }),
  );
  const laterProcessMs = median(await timeAsync(REPETITIONS, () => process(new BenchTerrain(SIZE))));
  console.log(`warm load():                       ${formatMs(loadMs)}`);
  console.log(`fs.readFile:                       ${formatMs(readMs)}   load()/readFile = ${(loadMs / readMs).toFixed(1)}x`);
  console.log(`readFile + geotiff.js (zlib):      ${formatMs(geotiffMs)}   load()/geotiff.js = ${(loadMs / geotiffMs).toFixed(2)}x`);
  console.log(`readFile + geotiff.js (as shipped): ${formatMs(pakoMs)}   load()/that = ${(loadMs / pakoMs).toFixed(2)}x`);
  console.log(`process(), first in the process:  ${formatMs(firstProcessMs)}   (reads and hashes the output: /readFile = ${(firstProcessMs / readMs).toFixed(1)}x)`);
  console.log(`process(), later:                  ${formatMs(laterProcessMs)}`);
  await getConfig().engine.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
