import type { GdalEngine } from '../../wasm/engine.js';
import { InvalidInputError, describeValue } from '../errors.js';
import { checkOptionKeys, WRITE_OPTION_KEYS } from '../processors/option-checks.js';
import type { WriteOptions } from '../raster/write-raster.js';

/** Options every terrain function takes. The GeoTIFF write options apply to its output. */
export interface TerrainOptions extends WriteOptions {
  /** The elevation band, counted from 1; default 1. */
  band?: number;
  /** Compute edge pixels too (from a mirrored neighbourhood) instead of leaving them nodata. */
  computeEdges?: boolean;
  /** The GDAL engine; default `getConfig().engine`. */
  engine?: GdalEngine;
  onProgress?: (fraction: number, message?: string) => void;
}

/** Gradient algorithm of slope, aspect and hillshade. */
export type GradientAlgorithm = 'Horn' | 'ZevenbergenThorne';

/** Options of `slope`. */
export interface SlopeOptions extends TerrainOptions {
  /** Horizontal units per vertical unit (`gdaldem -s`); default: from the CRS and band unit (see `demScale`). */
  scale?: number;
  /** Default `'degree'`. */
  slopeFormat?: 'degree' | 'percent';
  /** Default `'Horn'` (better for rough terrain; ZevenbergenThorne for smoother landscapes). */
  algorithm?: GradientAlgorithm;
}

/** Options of `aspect`. */
export interface AspectOptions extends TerrainOptions {
  algorithm?: GradientAlgorithm;
  /** Angles counter-clockwise from east (0° east, 90° north) instead of clockwise from north. */
  trigonometric?: boolean;
  /** 0 instead of nodata (-9999) where the terrain is flat. */
  zeroForFlat?: boolean;
}

/** Options of `hillshade`. */
export interface HillshadeOptions extends TerrainOptions {
  /** Vertical exaggeration (`-z`); default 1. */
  zFactor?: number;
  /** As for slope; default from the CRS and band unit. */
  scale?: number;
  /** Light direction in degrees clockwise from north; default 315. Not with `multidirectional`. */
  azimuth?: number;
  /** Light altitude in degrees above the horizon; default 45. */
  altitude?: number;
  algorithm?: GradientAlgorithm;
  /** Light from four directions (225°, 270°, 315°, 360°) combined. */
  multidirectional?: boolean;
  /** Hillshade combined with slope (darker steep slopes). */
  combined?: boolean;
  /** Igor's hillshade (soft, no highlights on flat areas). */
  igor?: boolean;
}

/** Options of `tri`. */
export interface TriOptions extends TerrainOptions {
  /** Default `'Riley'` (GDAL's default for elevation data); `'Wilson'` for bathymetry. */
  algorithm?: 'Riley' | 'Wilson';
}

/** Options of `tpi`. */
export type TpiOptions = TerrainOptions;
/** Options of `roughness`. */
export type RoughnessOptions = TerrainOptions;

/** Options of `colorRelief`. */
export interface ColorReliefOptions extends Omit<TerrainOptions, 'computeEdges'> {
  /** Add an alpha band (from the colours' fourth value). */
  alpha?: boolean;
  /** How values between two colour stops are coloured; default `'interpolate'`. */
  match?: 'interpolate' | 'exact' | 'nearest';
}

const COMMON_KEYS = ['band', 'computeEdges', 'engine', 'onProgress', ...WRITE_OPTION_KEYS];

/** The option keys each function accepts (beyond the common ones). */
export const OPTION_KEYS = {
  slope: ['scale', 'slopeFormat', 'algorithm'],
  aspect: ['algorithm', 'trigonometric', 'zeroForFlat'],
  hillshade: ['zFactor', 'scale', 'azimuth', 'altitude', 'algorithm', 'multidirectional', 'combined', 'igor'],
  TRI: ['algorithm'],
  TPI: [],
  roughness: [],
  'color-relief': ['alpha', 'match'],
} as const;

type Mode = keyof typeof OPTION_KEYS;

/** Checks option names and the values all functions share; returns the options as a record. */
export function checkTerrainOptions(options: unknown, mode: Mode, who: string): Record<string, unknown> {
  const record = checkOptionKeys(options, [...OPTION_KEYS[mode], ...COMMON_KEYS], who);
  if (mode === 'color-relief' && record.computeEdges !== undefined) {
    // gdaldem ignores it there: a colour comes from the pixel's own value, edges included.
    throw new InvalidInputError(`${who} computeEdges does not apply to colour relief, which colours every pixel from its own value, edges included; leave it out`);
  }
  if (record.band !== undefined && !(Number.isInteger(record.band) && (record.band as number) >= 1)) {
    throw new InvalidInputError(`${who} band must be a band number counted from 1, got ${describeValue(record.band)}`);
  }
  for (const key of ['computeEdges', 'trigonometric', 'zeroForFlat', 'multidirectional', 'combined', 'igor', 'alpha'] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'boolean') throw new InvalidInputError(`${who} ${key} must be true or false, got ${describeValue(record[key])}`);
  }
  for (const key of ['scale', 'zFactor'] as const) {
    const value = record[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new InvalidInputError(`${who} ${key} must be a positive number, got ${describeValue(value)}`);
    }
  }
  for (const [key, low, high] of [['azimuth', 0, 360], ['altitude', 0, 90]] as const) {
    const value = record[key];
    if (value !== undefined && !(typeof value === 'number' && value >= low && value <= high)) {
      throw new InvalidInputError(`${who} ${key} must be a number of degrees from ${low} to ${high}, got ${describeValue(value)}`);
    }
  }
  if (record.engine !== undefined && !(typeof record.engine === 'object' && record.engine !== null && 'dem' in record.engine)) {
    throw new InvalidInputError(`${who} engine must be a GDAL engine (createNodeEngine(), createMemoryEngine()), got ${describeValue(record.engine)}`);
  }
  if (record.onProgress !== undefined && typeof record.onProgress !== 'function') {
    throw new InvalidInputError(`${who} onProgress must be a function, got ${describeValue(record.onProgress)}`);
  }
  return record;
}

/** Checks an option against its allowed values. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidInputError(`${what} ${describeValue(value)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
}

/** The gdaldem arguments of one mode's own options (scale excepted: it may need the raster). */
export function modeArgs(mode: Mode, options: Record<string, unknown>, who: string): string[] {
  const args: string[] = [];
  const flag = (key: string, name: string) => {
    if (options[key] === true) args.push(name);
  };
  const value = (key: string, name: string) => {
    if (options[key] !== undefined) args.push(name, String(options[key]));
  };
  const gradient = oneOf(options.algorithm, mode === 'TRI' ? ['Riley', 'Wilson'] : ['Horn', 'ZevenbergenThorne'], `${who} algorithm`);
  if (gradient) args.push('-alg', gradient);
  switch (mode) {
    case 'slope':
      if (oneOf(options.slopeFormat, ['degree', 'percent'], `${who} slopeFormat`) === 'percent') args.push('-p');
      break;
    case 'aspect':
      flag('trigonometric', '-trigonometric');
      flag('zeroForFlat', '-zero_for_flat');
      break;
    case 'hillshade': {
      const styles = ['multidirectional', 'combined', 'igor'].filter((key) => options[key] === true);
      if (styles.length > 1) throw new InvalidInputError(`${who}: ${styles.join(' and ')} exclude each other; choose one`);
      if (options.multidirectional === true && options.azimuth !== undefined) {
        throw new InvalidInputError(`${who}: multidirectional lights from four fixed directions; leave azimuth out`);
      }
      value('zFactor', '-z');
      value('azimuth', '-az');
      value('altitude', '-alt');
      flag('multidirectional', '-multidirectional');
      flag('combined', '-combined');
      flag('igor', '-igor');
      break;
    }
    case 'color-relief': {
      flag('alpha', '-alpha');
      const match = oneOf(options.match, ['interpolate', 'exact', 'nearest'], `${who} match`);
      if (match === 'exact') args.push('-exact_color_entry');
      if (match === 'nearest') args.push('-nearest_color_entry');
      break;
    }
    default:
      break;
  }
  if (options.computeEdges === true) args.push('-compute_edges');
  if (options.band !== undefined) args.push('-b', String(options.band));
  return args;
}
