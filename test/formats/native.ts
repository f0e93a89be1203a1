/**
 * Native GDAL as the reference of the format tests: whether its Python bindings are installed,
 * and a comparison of what geodata produced with what native GDAL reads from the same source.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const HAS_NATIVE_PYTHON = spawnSync(PYTHON, ['-c', 'from osgeo import gdal, osr; import numpy'], { encoding: 'utf8' }).status === 0;
export const NO_NATIVE_PYTHON = `skipped: native GDAL's Python bindings (${PYTHON} with osgeo and numpy) are not installed`;

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** What `compare-native.py` reports. */
export interface NativeComparison {
  size: [number, number, number];
  sameSize: boolean;
  geoTransform: number[] | null;
  sameGeoTransform: boolean;
  sameCrs: boolean;
  hasCrs: boolean;
  pixelsEqual: boolean;
  sameType: boolean;
  maxDiff: number | null;
  sameBandFacts: boolean;
  nativeBandFacts: unknown[];
  oursBandFacts: unknown[];
}

/** Runs a Python script of the fixtures folder with native GDAL; throws with its stderr when it fails. */
export function runPython(script: string, args: string[]): string {
  const result = spawnSync(PYTHON, [`${FIXTURES}${script}`, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Compares `ours` (a file geodata wrote) with what native GDAL reads from `native` (a path or
 * `NETCDF:"file":var`); the CRS of `crsSource` (default `ours`) is compared with OSR's IsSame.
 */
export function compareWithNative(native: string, ours: string, crsSource?: string): NativeComparison {
  return JSON.parse(runPython('compare-native.py', [native, ours, ...(crsSource ? [crsSource] : [])])) as NativeComparison;
}
