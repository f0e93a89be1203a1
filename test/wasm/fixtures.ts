/**
 * Shared setup of the engine tests: where the sample data is, scratch folders, the native GDAL
 * reference tools, and pixel reading through geotiff.js (independent of the engine under test).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromArrayBuffer, fromFile } from 'geotiff';
import { afterAll, beforeAll } from 'vitest';

/** `../shared/data/` relative to the repository root. */
export const DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const HAS_DATA = existsSync(path.join(DATA, 'elev.tif'));
export const NO_DATA_REASON = `skipped: sample data folder ${DATA} not found`;

/** A sample data file by name. */
export function sample(name: string): string {
  return path.join(DATA, name);
}

/** Whether a native GDAL program is installed (reference tool only, never used by the engine). */
export function hasCommand(command: string): boolean {
  // Some programs (gdaldem) print their version and exit with status 1: the output is the test.
  const result = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return !result.error && /^GDAL \d/.test(result.stdout);
}

/** Runs a native command; throws with its stderr when it fails. */
export function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
  return result.stdout;
}

/** A fresh scratch folder and its cleanup, for use inside one test. */
export function scratchFolder(label: string): { folder: string; cleanup: () => void } {
  const folder = mkdtempSync(path.join(tmpdir(), `geodata-${label}-`));
  return { folder, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
}

/**
 * A scratch folder for a describe block: created before its tests and removed after them, so a
 * skipped block leaves nothing behind. `path()` is the folder, `path('a.tif')` a file in it.
 */
export function useScratchFolder(label: string): { path: (...parts: string[]) => string } {
  let folder: string | undefined;
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), `geodata-${label}-`));
  });
  afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });
  return {
    path: (...parts) => {
      if (!folder) throw new Error(`scratch folder ${label} used outside its tests`);
      return path.join(folder, ...parts);
    },
  };
}

/** What geotiff.js reads from a GeoTIFF: size, first band's values, nodata, geotransform. */
export interface ReadRaster {
  width: number;
  height: number;
  bands: number;
  values: Float64Array;
  noData: number | null;
  geoTransform: number[];
}

function geoTransformOf(image: Awaited<ReturnType<Awaited<ReturnType<typeof fromFile>>['getImage']>>): number[] {
  const [originX, originY] = image.getOrigin();
  const [resX, resY] = image.getResolution();
  return [originX!, resX!, 0, originY!, 0, resY!];
}

async function readImage(tiff: Awaited<ReturnType<typeof fromFile>>): Promise<ReadRaster> {
  const image = await tiff.getImage();
  const [band] = (await image.readRasters({ samples: [0] })) as unknown as ArrayLike<number>[];
  return {
    width: image.getWidth(),
    height: image.getHeight(),
    bands: image.getSamplesPerPixel(),
    values: Float64Array.from(band!),
    noData: image.getGDALNoData(),
    geoTransform: geoTransformOf(image),
  };
}

/** Reads a GeoTIFF file with geotiff.js. */
export async function readTiffFile(file: string): Promise<ReadRaster> {
  return readImage(await fromFile(file));
}

/** Reads GeoTIFF bytes with geotiff.js. */
export async function readTiffBytes(bytes: Uint8Array): Promise<ReadRaster> {
  const copy = bytes.slice();
  return readImage(await fromArrayBuffer(copy.buffer));
}

/** Largest absolute difference between two rasters' valid pixels, and how many validity differs. */
export function compareValues(a: ReadRaster, b: ReadRaster): { maxDiff: number; validityMismatches: number; valid: number } {
  const isValid = (value: number, noData: number | null) =>
    !Number.isNaN(value) && (noData === null || Math.abs(value - noData) > Math.abs(noData) * 1e-6);
  let maxDiff = 0;
  let validityMismatches = 0;
  let valid = 0;
  for (let index = 0; index < a.values.length; index += 1) {
    const va = isValid(a.values[index]!, a.noData);
    const vb = isValid(b.values[index]!, b.noData);
    if (va !== vb) validityMismatches += 1;
    else if (va) {
      valid += 1;
      maxDiff = Math.max(maxDiff, Math.abs(a.values[index]! - b.values[index]!));
    }
  }
  return { maxDiff, validityMismatches, valid };
}
