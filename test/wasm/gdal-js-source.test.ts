import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateEditedGdalJs } from '../../wasm/gdal-js-node-source.js';
import { gdalPackageFolder } from '../../wasm/gdal-module-node.js';
import { scratchFolder } from './fixtures.js';

const ENTRY = path.join(gdalPackageFolder(), 'gdal3.node.js');

describe("gdal3.js's Node build evaluated with geodata's edits", () => {
  it('gives its initGdalJs and the Emscripten module object it fills, and GDAL works without the driver table', async () => {
    const edited = evaluateEditedGdalJs(ENTRY);
    if (typeof edited === 'string') throw new Error(edited);
    const relative = path.relative(process.cwd(), gdalPackageFolder()) || '.';
    const gdal = await edited.init({ path: relative, logHandler: () => undefined, errorHandler: () => undefined });
    // The object passed in is the module gdal3.js initialised: its hooks are the ones set on it.
    expect(gdal.Module).toBe(edited.emscripten);
    const count = gdal.Module.cwrap('GDALGetDriverCount', 'number', []) as () => number;
    expect(count()).toBeGreaterThan(100);
    // gdal3.js's own JavaScript driver table (unused by geodata) is what the edit skips.
    expect(Object.keys((gdal as unknown as { drivers: { raster: object } }).drivers.raster)).toEqual([]);
  });

  it('says why, and edits nothing, when the file is another build', () => {
    const { folder, cleanup } = scratchFolder('gdal-js-source');
    try {
      const other = path.join(folder, 'gdal3.node.js');
      writeFileSync(other, readFileSync(ENTRY, 'utf8').replace(',qt()},r.locateFile=', ',qt(),qt()},r.locateFile='));
      expect(evaluateEditedGdalJs(other)).toBe(`${other} is not the gdal3.js 2.8.1 build geodata adapts (its driver table matched 0 times, not once)`);
      writeFileSync(other, readFileSync(ENTRY, 'utf8').replace('y={Module:{}};', 'y={Module:{}};var q1={Module:{}};var z=B(t.exports),y={Module:{}};'));
      expect(evaluateEditedGdalJs(other)).toBe(`${other} is not the gdal3.js 2.8.1 build geodata adapts (its Emscripten module object matched 2 times, not once)`);
    } finally {
      cleanup();
    }
  });
});
