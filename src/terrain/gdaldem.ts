import type { DemMode, GdalEngine, RasterInfo } from '../../wasm/engine.js';
import { normalizePosixPath } from '../../wasm/paths.js';
import { getConfig } from '../config.js';
import { splitSubdataset } from '../formats/array-selection.js';
import { engineReadable } from '../formats/engine-input.js';
import { getPlatform } from '../platform.js';
import { InvalidInputError } from '../errors.js';
import { withInputContext } from '../processors/input-errors.js';
import { checkWriteOptions } from '../processors/option-checks.js';
import { writeGeoTiff } from '../raster/geotiff-output.js';
import { colorTableText, type ReliefColor } from './color-table.js';
import { demScale } from './dem-scale.js';
import {
  type AspectOptions,
  checkTerrainOptions,
  type ColorReliefOptions,
  type HillshadeOptions,
  modeArgs,
  type RoughnessOptions,
  type SlopeOptions,
  type TerrainOptions,
  type TpiOptions,
  type TriOptions,
} from './terrain-options.js';

/**
 * Terrain analysis with GDAL's gdaldem, for use inside a Data class's `_process`: a path in, a
 * path out (both in the engine's file system). Outputs are GeoTIFFs written with the write
 * options (DEFLATE by default, like every geodata GeoTIFF), with gdaldem's own types and nodata:
 * Float32 with nodata -9999 for slope, aspect, TRI, TPI and roughness; Byte with nodata 0 for
 * hillshade; RGB(A) Byte for colour relief.
 */

/** Runs one gdaldem mode; `scaled` modes get `-s` (given, or derived by `demScale`). */
async function runDem(
  mode: DemMode,
  input: string,
  output: string,
  options: unknown,
  extra: { scaled?: boolean; colorFile?: (engine: GdalEngine) => Promise<string> } = {},
): Promise<void> {
  const who = mode === 'color-relief' ? 'colorRelief' : mode === 'TRI' || mode === 'TPI' ? mode.toLowerCase() : mode;
  const record = checkTerrainOptions(options, mode, who);
  // GDAL refuses a dest that is its input, but a compressed output is written from a scratch file
  // after gdaldem has read the input, so the input was replaced by its own slope.
  if (typeof input === 'string' && typeof output === 'string' && normalizePosixPath(input) === normalizePosixPath(output)) {
    throw new InvalidInputError(`${who}: the output ${output} is the input DEM; write to another file`);
  }
  const engine = (record.engine as GdalEngine | undefined) ?? getConfig().engine;
  // A GeoTIFF this process compressed is read from its uncompressed copy where one is kept: the
  // same pixels, without inflating them inside WebAssembly.
  // Other inputs GDAL-WASM cannot open (ZSTD, LERC, JPEG or WEBP GeoTIFFs, netCDF, HDF5, also spelled
  // NETCDF:"dem.nc":z) are converted first, as for a Reprojector's sources.
  const split = splitSubdataset(input);
  const source =
    (engine.fs.kind === 'host' && (await getPlatform().uncompressedCopies?.of(input))) ||
    (await withInputContext(`${who} input ${input}`, () => engineReadable(split?.path ?? input, engine, { name: input, ...(split ? { selection: split.selection } : {}) })));
  const args = modeArgs(mode, record, who);
  const info: RasterInfo = await withInputContext(`${who} input ${input}`, () => engine.info(source, ['-norat', '-noct']));
  const band = (record.band as number | undefined) ?? 1;
  if (band > info.bands.length) {
    throw new InvalidInputError(`${who}: band ${band} does not exist in ${input}, which has ${info.bands.length} band(s); choose one of 1..${info.bands.length}`);
  }
  if (extra.scaled) {
    const scale = (record.scale as number | undefined) ?? (await demScale(source, { engine, band, info }));
    if (scale !== 1) args.push('-s', String(scale));
  }
  const onProgress = record.onProgress as TerrainOptions['onProgress'];
  const colorFile = extra.colorFile ? await extra.colorFile(engine) : undefined;
  try {
    await writeGeoTiff(engine, output, checkWriteOptions(record), { width: info.size[0], height: info.size[1] }, [], (dest, creation, options) =>
      engine.dem(mode, source, dest, [...args, ...creation], { ...options, ...(onProgress ? { onProgress } : {}), ...(colorFile ? { colorFile } : {}) }),
    );
  } finally {
    if (colorFile) await engine.fs.remove(colorFile);
  }
}

/**
 * Slope in degrees (or percent) of a DEM. Geographic DEMs get their scale automatically (see
 * `demScale`); give `scale` to override.
 * @example await slope(new ElevationLoader().getProcessedPath(spec), this.ensureProcessedPath(spec));
 * @example await slope('dem.tif', 'slope.tif', { slopeFormat: 'percent', computeEdges: true, engine });
 */
export async function slope(input: string, output: string, options?: SlopeOptions): Promise<void> {
  return runDem('slope', input, output, options, { scaled: true });
}

/**
 * Aspect: the direction a slope faces, in degrees clockwise from north (0–360), -9999 where flat.
 * @example await aspect('dem.tif', 'aspect.tif', { zeroForFlat: true });
 */
export async function aspect(input: string, output: string, options?: AspectOptions): Promise<void> {
  return runDem('aspect', input, output, options);
}

/**
 * Shaded relief (Byte, 1–255, 0 nodata), lit from the north-west at 45° by default.
 * @example await hillshade('dem.tif', 'shade.tif', { multidirectional: true, zFactor: 2 });
 */
export async function hillshade(input: string, output: string, options?: HillshadeOptions): Promise<void> {
  return runDem('hillshade', input, output, options, { scaled: true });
}

/**
 * Roughness: the largest elevation difference within each 3x3 window.
 * @example await roughness('dem.tif', 'roughness.tif');
 */
export async function roughness(input: string, output: string, options?: RoughnessOptions): Promise<void> {
  return runDem('roughness', input, output, options);
}

/**
 * Topographic Position Index: a cell's elevation minus the mean of its 8 neighbours (ridges > 0,
 * valleys < 0).
 * @example await tpi('dem.tif', 'tpi.tif');
 */
export async function tpi(input: string, output: string, options?: TpiOptions): Promise<void> {
  return runDem('TPI', input, output, options);
}

/**
 * Terrain Ruggedness Index: the mean absolute difference to the 8 neighbours (Riley), or Wilson's
 * variant for bathymetry.
 * @example await tri('dem.tif', 'tri.tif', { algorithm: 'Wilson' });
 */
export async function tri(input: string, output: string, options?: TriOptions): Promise<void> {
  return runDem('TRI', input, output, options);
}

/**
 * Colours a DEM by elevation: an RGB (or RGBA with `alpha`) Byte raster. The colour table is
 * written next to the output for gdaldem and removed afterwards.
 * @example
 * await colorRelief('dem.tif', 'relief.tif', [
 *   [0, 0, 97, 71], [500, 232, 215, 125], [1500, 161, 67, 0], ['100%', 255, 255, 255], ['nv', 0, 0, 0, 0],
 * ], { alpha: true });
 */
export async function colorRelief(input: string, output: string, colors: ReliefColor[], options?: ColorReliefOptions): Promise<void> {
  const text = colorTableText(colors, 'colorRelief');
  return runDem('color-relief', input, output, options, {
    colorFile: async (engine) => {
      const path = `${output}.colors-${Math.random().toString(36).slice(2, 10)}.txt`;
      await engine.fs.writeFile(path, new TextEncoder().encode(text));
      return path;
    },
  });
}
