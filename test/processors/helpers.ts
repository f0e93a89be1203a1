/**
 * Shared setup of the processor and terrain tests: the engine-test fixtures (sample data, native
 * GDAL, scratch folders) plus reading every band of a GeoTIFF with geotiff.js, independently of
 * the engine under test.
 */
import path from 'node:path';
import { fromFile } from 'geotiff';
import { expect } from 'vitest';
import type { SpatialSpec } from '../../src/spec/spatial-spec.js';

export { DATA, HAS_DATA, hasCommand, NO_DATA_REASON, run, sample, useScratchFolder } from '../wasm/fixtures.js';

/** `resolveInput` as the brief's tests use it: a path relative to the working directory. */
export const resolveInput = async (ref: unknown): Promise<string> => path.resolve(String(ref));

/** Every band of a GeoTIFF, as geotiff.js reads it. */
export interface Bands {
  width: number;
  height: number;
  bands: Float64Array[];
  noData: number | null;
  /** GDAL order, exact: from the file's tie point and pixel scale. */
  geoTransform: number[];
}

export async function readBands(file: string): Promise<Bands> {
  const tiff = await fromFile(file);
  const image = await tiff.getImage();
  const rasters = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
  const [originX, originY] = image.getOrigin();
  const [resX, resY] = image.getResolution();
  return {
    width: image.getWidth(),
    height: image.getHeight(),
    bands: Array.from(rasters, (band) => Float64Array.from(band)),
    noData: image.getGDALNoData(),
    geoTransform: [originX!, resX!, 0, originY!, 0, resY!],
  };
}

/** Asserts that a file lies exactly on the spec's grid (shape and geotransform, bit for bit). */
export function expectOnGrid(raster: Bands, spec: SpatialSpec): void {
  expect([raster.height, raster.width]).toEqual([...spec.shape!]);
  expect(raster.geoTransform).toEqual([...spec.geoTransform!]);
}

/** Same values, NaN equal to NaN; returns the largest difference and the count of NaN mismatches. */
export function differences(a: Float64Array, b: Float64Array): { maxDiff: number; nanMismatches: number; compared: number } {
  expect(a.length).toBe(b.length);
  let maxDiff = 0;
  let nanMismatches = 0;
  let compared = 0;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index]!;
    const y = b[index]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) nanMismatches += 1;
      continue;
    }
    compared += 1;
    maxDiff = Math.max(maxDiff, Math.abs(x - y));
  }
  return { maxDiff, nanMismatches, compared };
}

/** How many pixels are NaN in `a` but not in `b`. */
export function nanOnlyIn(a: Float64Array, b: Float64Array): number {
  let total = 0;
  for (let index = 0; index < a.length; index += 1) if (Number.isNaN(a[index]!) && !Number.isNaN(b[index]!)) total += 1;
  return total;
}

/** Asserts two band lists are identical value for value (NaN equal to NaN). */
export function expectSameBands(actual: Bands, expected: Bands): void {
  expect(actual.bands.length).toBe(expected.bands.length);
  actual.bands.forEach((band, index) => {
    const { maxDiff, nanMismatches } = differences(band, expected.bands[index]!);
    expect({ band: index + 1, maxDiff, nanMismatches }).toEqual({ band: index + 1, maxDiff: 0, nanMismatches: 0 });
  });
}

/** Counts the pixels of a band equal to `value`. */
export function count(band: Float64Array, value: number): number {
  let total = 0;
  for (const v of band) if (v === value || (Number.isNaN(value) && Number.isNaN(v))) total += 1;
  return total;
}
