// Memory of a COG Mosaic: the process's resident set sampled every 10 ms while one Mosaic of a
// Float32 field in 3 x 3 tiles is written (tiles computed before, so only the mosaic step is
// measured), for each size given. The COG is converted by GDAL from a VRT of the tiles, so the
// growth should stay well under the mosaic's own size (the former stitch in JS memory held it 3x).
//   npx tsx bench/mosaic-memory.ts [size...=3000 6000]
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Data, Mosaic, Raster, SpatialSpec, getConfig, processAll, produce, register } from 'geodata';

class Field extends Data<Raster> {
  async _process(spec: SpatialSpec) {
    const [h, w] = spec.shape!;
    const [a, , c, , e, f] = spec.transform!;
    const values = Float32Array.from({ length: h * w }, (_, i) => (c + a * (i % w)) * 0.001 + (f + e * Math.floor(i / w)) * 0.0001);
    await Raster.fromArrays([values], spec).write(this.ensureProcessedPath(spec));
  }
}
register(Field);

const sizes = process.argv.slice(2).map(Number);
const grid = { rows: 3, cols: 3 };
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const size of sizes.length ? sizes : [3000, 6000]) {
  const root = mkdtempSync(join(tmpdir(), 'geodata-bench-mosaic-'));
  try {
    getConfig().update({ root });
    const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [size, size] });
    await processAll(spec.tiles(grid).map((t) => [new Field(), t] as const));
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const start = performance.now();
    await produce(new Mosaic(new Field(), grid), spec);
    clearInterval(timer);
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    console.log(`${size} x ${size} Float32 (${mb(size * size * 4)} MB): mosaic ${((performance.now() - start) / 1000).toFixed(1)} s, resident set +${mb(peak - before)} MB at peak`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
process.exit(0);
