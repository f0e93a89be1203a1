/**
 * Large rasters: a generated SIZE x SIZE Float32 terrain (EPSG:32632, 10 m, uncompressed tiled,
 * deleted afterwards) through a Reprojector entry to EPSG:3035, as a whole process in a fresh cache,
 * against native gdalwarp with the same creation options; wall time and peak RSS of each
 * (`/usr/bin/time -v`), interleaved (taking turns at going first, with `sync` before each run), medians.
 *
 *   npm run build && npx tsx bench/large.ts [--size 12000] [--compress default|NONE|DEFLATE|LZW] [--grid footprint|10m] [--repetitions 1]
 *
 * `--grid footprint` (the default) gives the entry a CRS-only spec: the grid gdalwarp picks for the
 * footprint (about 10.0005 m, whose pixel coordinates are not exact in floating point, so the warp
 * runs on one worker). `--grid 10m` gives both sides that footprint widened to whole 10 m, a grid a
 * user would declare, whose warp splits over the pool (see the README).
 *
 * `default` is the cache's DEFLATE (level 1, predictor 3 for floats); native gdalwarp gets
 * `-co COMPRESS=DEFLATE -co ZLEVEL=1 -co PREDICTOR=3` for it. Needs about SIZE² x 4 bytes x 3 of
 * free disk (input, output, native output).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatMs, median } from './lib/timing.js';

const { values } = parseArgs({
  options: { size: { type: 'string', default: '12000' }, compress: { type: 'string', default: 'default' }, grid: { type: 'string', default: 'footprint' }, repetitions: { type: 'string', default: '1' } },
});
const SIZE = Number(values.size);
const COMPRESS = values.compress!;
const REPETITIONS = Number(values.repetitions);
const CHILD = fileURLToPath(new URL('./lib/large-child.mjs', import.meta.url));

/** Runs a command under /usr/bin/time -v: wall time and peak resident set. */
function measured(command: string, args: string[]): { ms: number; rssBytes: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-v', command, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  return { ms, rssBytes: Number(rss?.[1] ?? 0) * 1024, stdout: result.stdout };
}

const dir = mkdtempSync(path.join(tmpdir(), 'geodata-bench-large-'));
try {
  const input = path.join(dir, 'terrain.tif');
  execFileSync('/usr/bin/python3', ['-c', [
    'import sys, numpy as np',
    'from osgeo import gdal, osr',
    'n = int(sys.argv[2])',
    "d = gdal.GetDriverByName('GTiff').Create(sys.argv[1], n, n, 1, gdal.GDT_Float32, ['TILED=YES', 'BIGTIFF=IF_SAFER'])",
    'd.SetGeoTransform([600000, 10, 0, 5300000, 0, -10])',
    's = osr.SpatialReference(); s.ImportFromEPSG(32632); d.SetProjection(s.ExportToWkt())',
    'b = d.GetRasterBand(1); x = np.arange(n, dtype=np.float32)',
    'for y0 in range(0, n, 512):',
    '    y = np.arange(y0, min(n, y0 + 512), dtype=np.float32)[:, None]',
    '    b.WriteArray((1000 + 300 * np.sin(x / 700.0) * np.cos(y / 900.0) + 0.01 * x).astype(np.float32), 0, y0)',
    'd = None',
  ].join('\n'), input, String(SIZE)]);
  console.log(`input: ${SIZE}x${SIZE} Float32, ${(statSync(input).size / 1e9).toFixed(2)} GB uncompressed`);
  // gdalwarp's footprint grid, widened to whole 10 m for `--grid 10m`: -te and -tr for both sides.
  let gridArgs: string[] = [];
  if (values.grid === '10m') {
    const footprint = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', "import sys, json; from osgeo import gdal; d = gdal.Warp('', sys.argv[1], format='VRT', dstSRS='EPSG:3035'); print(json.dumps([d.GetGeoTransform(), d.RasterXSize, d.RasterYSize]))", input], { encoding: 'utf8' }),
    ) as [number[], number, number];
    const [[x0, xres, , y0, , yres], columns, rows] = footprint as [[number, number, number, number, number, number], number, number];
    const te = [Math.floor(x0 / 10) * 10, Math.floor((y0 + rows * yres) / 10) * 10, Math.ceil((x0 + columns * xres) / 10) * 10, Math.ceil(y0 / 10) * 10];
    gridArgs = ['-te', ...te.map(String), '-tr', '10', '10'];
    console.log(`grid: EPSG:3035, 10 m, ${(te[2]! - te[0]!) / 10}x${(te[3]! - te[1]!) / 10}`);
  } else if (values.grid !== 'footprint') throw new Error(`--grid is footprint or 10m, not ${values.grid}`);
  const co = COMPRESS === 'default' ? ['COMPRESS=DEFLATE', 'ZLEVEL=1', 'PREDICTOR=3'] : [`COMPRESS=${COMPRESS}`];
  const ours: Array<{ ms: number; rssBytes: number }> = [];
  const native: Array<{ ms: number; rssBytes: number }> = [];
  // Each run starts with no dirty pages to write back (the input just generated, the last run's
  // output): the kernel's write-back would otherwise slow whichever process runs next. The two
  // take turns at going first.
  const settle = () => execFileSync('sync');
  settle();
  for (let r = 0; r < REPETITIONS; r++) {
    const runOurs = () => {
      const root = path.join(dir, `cache-${r}`);
      const run = measured(process.execPath, [CHILD, root, input, COMPRESS, ...gridArgs]);
      ours.push(run);
      const entry = JSON.parse(run.stdout.trim().split('\n').pop()!) as { size: number };
      console.log(`geodata: ${formatMs(run.ms)}, peak RSS ${(run.rssBytes / 1e9).toFixed(2)} GB, output ${(entry.size / 1e9).toFixed(2)} GB`);
      rmSync(root, { recursive: true, force: true });
      settle();
    };
    const runNative = () => {
      const out = path.join(dir, `native-${r}.tif`);
      const args = ['-q', '-t_srs', 'EPSG:3035', ...gridArgs, '-r', 'bilinear', '-dstnodata', 'nan', '-co', 'TILED=YES', '-co', 'BIGTIFF=IF_SAFER', ...co.flatMap((option) => ['-co', option]), input, out];
      const nat = measured('gdalwarp', args);
      native.push(nat);
      console.log(`gdalwarp: ${formatMs(nat.ms)}, peak RSS ${(nat.rssBytes / 1e9).toFixed(2)} GB, output ${(statSync(out).size / 1e9).toFixed(2)} GB`);
      rmSync(out, { force: true });
      settle();
    };
    if (r % 2 === 0) {
      runOurs();
      runNative();
    } else {
      runNative();
      runOurs();
    }
  }
  const [o, n] = [median(ours.map((r) => r.ms)), median(native.map((r) => r.ms))];
  console.log(`ratio geodata / gdalwarp: ${(o / n).toFixed(2)}x (goal <= 1.0x); peak RSS ${(Math.max(...ours.map((r) => r.rssBytes)) / 1e9).toFixed(2)} GB vs ${(Math.max(...native.map((r) => r.rssBytes)) / 1e9).toFixed(2)} GB (goal <= 1.5 GB)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
