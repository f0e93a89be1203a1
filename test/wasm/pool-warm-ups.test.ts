// Warm-ups run on idle pool threads without keeping the process alive; a call that waits for such
// a thread must keep it alive, or a script ends with its call unanswered (exit code 13).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;
const folder = mkdtempSync(join(tmpdir(), 'geodata-pool-warm-ups-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('warm-ups of a split warp', () => {
  it('a warp whose plan waits for threads busy warming up still finishes the script (both threads idle and loaded when it starts)', () => {
    const values = new Float32Array(300 * 200).map((_, i) => 500 + (i % 300) - Math.floor(i / 300));
    writeFileSync(join(folder, 'dem.raw'), values);
    writeFileSync(
      join(folder, 'dem.vrt'),
      `<VRTDataset rasterXSize="300" rasterYSize="200"><SRS>EPSG:32632</SRS><GeoTransform>640000, 10, 0, 5180000, 0, -10</GeoTransform>
<VRTRasterBand dataType="Float32" band="1" subClass="VRTRawRasterBand"><SourceFilename relativeToVRT="1">dem.raw</SourceFilename>
<ImageOffset>0</ImageOffset><PixelOffset>4</PixelOffset><LineOffset>1200</LineOffset><ByteOrder>LSB</ByteOrder></VRTRasterBand></VRTDataset>`,
    );
    const output = join(folder, 'out.tif');
    const code = `
      import { createPoolEngine } from ${JSON.stringify(pathToFileURL(join(REPO, 'wasm/node.ts')).href)};
      const engine = createPoolEngine({ workers: 2, splitPixels: 1 });
      // Both threads started, GDAL loaded, idle: the split's warm-ups go to both.
      for (let round = 0; round < 3; round++) await Promise.all([engine.crsInfo('EPSG:4326'), engine.crsInfo('EPSG:3857')]);
      await engine.warp([${JSON.stringify(join(folder, 'dem.vrt'))}], ${JSON.stringify(output)}, ['-t_srs', 'EPSG:3035', '-te', '4330000', '2620000', '4334000', '2623000', '-tr', '10', '10', '-r', 'bilinear', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256']);
      await engine.close();
      console.log('finished');
    `;
    for (let run = 0; run < 3; run++) {
      rmSync(output, { force: true });
      const result = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
      expect({ status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() }).toEqual({ status: 0, stdout: 'finished', stderr: '' });
      expect(existsSync(output)).toBe(true);
    }
  });
});
