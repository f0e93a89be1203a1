import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Data, explain, fingerprint, getConfig, load, process as processEntry, Raster, register, Reprojector, SpatialSpec } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../processors/helpers.js';
import { HAS_NATIVE_PYTHON, NO_NATIVE_PYTHON, runPython } from './native.js';

/** Sentinel-2 red or near infrared, from GDAL's `NETCDF:"file":variable` spelling. */
class Band extends Data {
  constructor(
    public file: string,
    public variable: string,
  ) {
    super();
  }
  override get processor() {
    return new Reprojector(`NETCDF:"${this.file}":${this.variable}`, { resampling: 'nearest' });
  }
}
register(Band);

/** The same, with the variable as an option. */
class BandByOption extends Data {
  constructor(public file: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.file, { variable: 'nir' });
  }
}
register(BandByOption);

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.0001, 0, -54.7511, 0, -0.0001, -10.2499], shape: [11, 12] });

describe.skipIf(!HAS_DATA || !HAS_NATIVE_PYTHON)(`netCDF inputs in pipelines${!HAS_DATA ? ` (${NO_DATA_REASON})` : !HAS_NATIVE_PYTHON ? ` (${NO_NATIVE_PYTHON})` : ''}`, () => {
  const cache = useTempCache('geodata-netcdf-pipeline');
  const folder = mkdtempSync(path.join(tmpdir(), 'geodata-netcdf-inputs-'));
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await getConfig().engine.close();
  });

  it('fingerprints NETCDF:"file":var by the file\'s bytes and the variable, and recomputes when the variable changes', async () => {
    const file = path.join(folder, 'sentinel.nc');
    copyFileSync(sample('sentinel_2_L1C_geographic.nc'), file);
    const red = new Band(file, 'red');
    const nir = new Band(file, 'nir');
    const first = await load<Raster>(red, SPEC);
    expect(cache.computed()).toEqual(['Band']);
    const redPrint = await fingerprint(red, SPEC);
    const nirPrint = await fingerprint(nir, SPEC);
    expect(nirPrint.stateHash).not.toBe(redPrint.stateHash);
    // The input the processor declares is the file itself; the variable is one of its settings.
    expect(red.processor.inputs()).toEqual([file]);
    expect(red.processor.settings()).toMatchObject({ select: [{ variable: 'red' }] });

    cache.resetEvents();
    await processEntry(red, SPEC);
    expect(cache.computed()).toEqual([]);

    runPython('rewrite-variable.py', [file, 'red', '7']);
    const explanation = await explain(red, SPEC);
    expect(JSON.stringify(explanation)).toContain('sentinel.nc');
    const second = await load<Raster>(red, SPEC);
    expect(cache.computed()).toEqual(['Band']);
    const before = Array.from(first.bands[0]!);
    const after = Array.from(second.bands[0]!);
    expect(after.filter((value, index) => value === before[index]! + 7 || value === before[index]).length).toBe(after.length);
    expect(after).not.toEqual(before);
  });

  it('gives the variable option and the NETCDF: spelling the same output', async () => {
    const byOption = await load<Raster>(new BandByOption(sample('sentinel_2_L1C_geographic.nc')), SPEC);
    const bySpelling = await load<Raster>(new Band(sample('sentinel_2_L1C_geographic.nc'), 'nir'), SPEC);
    expect(Array.from(byOption.bands[0]!)).toEqual(Array.from(bySpelling.bands[0]!));
    expect(byOption.spec.equals(SPEC)).toBe(true);
  });
});
