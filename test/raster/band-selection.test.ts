/**
 * Band selection in readRaster and readWindow: bands come back in the order asked, and a band
 * asked twice (GDAL's `-b 1 -b 1`) comes back twice, as its own array.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Raster, SpatialSpec, readRaster, readWindow } from '../../src/node.js';
import { createNodeEngine } from '../../wasm/node.js';

const folder = mkdtempSync(join(tmpdir(), 'geodata-band-selection-'));
const engine = createNodeEngine();
afterAll(async () => {
  await engine.close();
  rmSync(folder, { recursive: true, force: true });
});

const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 500000, 0, -10, 5000000], shape: [5, 6] });
const band = (start: number) => Float32Array.from({ length: 30 }, (_, i) => start + i);

describe('band selection', () => {
  for (const { label, bands, creationOptions } of [
    { label: 'a one-band file', bands: [band(1)], creationOptions: [] },
    { label: 'a band-interleaved file', bands: [band(1), band(101), band(201)], creationOptions: ['INTERLEAVE=BAND'] },
    { label: 'a pixel-interleaved file', bands: [band(1), band(101), band(201)], creationOptions: ['INTERLEAVE=PIXEL'] },
  ]) {
    it(`reads a band asked twice as two equal, separate arrays from ${label}, whole and by window`, async () => {
      const path = join(folder, `${label.replace(/\W+/g, '-')}.tif`);
      await Raster.fromArrays(bands, spec).write(path, { engine, creationOptions });
      const asked = bands.length === 1 ? [1, 1] : [3, 1, 3];
      const expected = asked.map((number) => Array.from(bands[number - 1]!));

      const whole = await readRaster(path, { bands: asked });
      expect(whole.bands.map((values) => Array.from(values))).toEqual(expected);
      whole.bands[0]![0] = -1;
      expect(whole.bands.at(-1)![0]).toBe(expected.at(-1)![0]);

      const window = await readWindow(path, { x: 2, y: 1, width: 3, height: 2 }, { bands: asked });
      const inWindow = (values: number[]) => [values[8]!, values[9]!, values[10]!, values[14]!, values[15]!, values[16]!];
      expect(window.bands.map((values) => Array.from(values))).toEqual(expected.map(inWindow));
    });
  }
});
