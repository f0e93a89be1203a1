import { CrsError, InvalidInputError } from '../errors.js';
import type { Affine } from '../spec/affine.js';
import { validateAffine } from '../spec/affine.js';
import { SpatialSpec } from '../spec/spatial-spec.js';
import type { GdalEngine } from '../../wasm/engine.js';
import { getConfig } from '../config.js';
import { writeRaster, type WriteOptions } from './write-raster.js';
import { type DType, type TypedArray, dtypeInfo, dtypeOfArray, fitsDType, validateDType } from './dtype.js';

/** Options for `Raster.fromArrays`. */
export interface RasterOptions {
  /** The value that marks missing pixels (NaN allowed for float types), or null for none. */
  nodata?: number | null;
  /** Checked against the bands' array type; inferred from the first band when absent. */
  dtype?: DType;
  /** Per-band scale (metadata: physical = raw * scale + offset). A scalar applies to every band. */
  scales?: number | number[];
  offsets?: number | number[];
  /** Per-band descriptions. */
  names?: string[];
}

/**
 * A raster in memory: one typed array per band (row-major), its grid, dtype and nodata.
 *
 * @example
 * const r = Raster.fromArrays([new Float32Array(6)], new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 2], shape: [2, 3] }), { nodata: NaN });
 * r.get(0, 1, 2) // band 0, row 1, column 2
 */
export class Raster {
  readonly bands: TypedArray[];
  readonly width: number;
  readonly height: number;
  readonly transform: Affine;
  /** The CRS, or undefined for files that have none (`spec` then throws). */
  readonly crs: string | undefined;
  readonly dtype: DType;
  readonly nodata: number | null;
  readonly scales: number[];
  readonly offsets: number[];
  readonly names: string[];

  constructor(init: {
    bands: TypedArray[];
    width: number;
    height: number;
    transform: Affine;
    crs: string | undefined;
    dtype?: DType;
    nodata?: number | null;
    scales?: number | number[];
    offsets?: number | number[];
    names?: string[];
  }) {
    const { bands, width, height } = init;
    if (!Array.isArray(bands) || bands.length === 0) throw new InvalidInputError('a raster needs at least one band (an array of typed arrays)');
    const dtype = init.dtype === undefined ? dtypeOfArray(bands[0]!) : validateDType(init.dtype);
    bands.forEach((band, i) => {
      if (dtypeOfArray(band) !== dtype) {
        throw new InvalidInputError(`band ${i + 1} is a ${band.constructor.name} but the raster's dtype is ${dtype} (${dtypeInfo(dtype).array.name})`);
      }
      if (band.length !== width * height) {
        throw new InvalidInputError(`band ${i + 1} has ${band.length} values but the grid is ${height}x${width} = ${width * height} pixels`);
      }
    });
    const nodata = init.nodata ?? null;
    if (nodata !== null && (typeof nodata !== 'number' || !fitsDType(nodata, dtype))) {
      throw new InvalidInputError(`nodata ${String(nodata)} cannot be stored in ${dtype} pixels; pick a value inside the type's range`);
    }
    this.bands = bands;
    this.width = width;
    this.height = height;
    this.transform = validateAffine(init.transform);
    this.crs = init.crs;
    this.dtype = dtype;
    this.nodata = nodata;
    this.scales = perBand(init.scales, bands.length, 1, 'scales');
    this.offsets = perBand(init.offsets, bands.length, 0, 'offsets');
    this.names = init.names ?? [];
  }

  /**
   * Builds a raster from typed arrays on a fully defined spec.
   * @example Raster.fromArrays([new Uint8Array(w * h)], spec, { nodata: 0 })
   */
  static fromArrays(bands: TypedArray[], spec: SpatialSpec, options: RasterOptions = {}): Raster {
    if (!spec.isFullyDefined) throw new InvalidInputError(`Raster.fromArrays needs a fully defined spec (crs, transform, shape), got ${spec}`);
    const [height, width] = spec.shape!;
    return new Raster({ bands, width, height, transform: spec.transform!, crs: spec.crs, ...options });
  }

  /** The raster's grid as a spec. Throws CrsError when the source had no CRS. */
  get spec(): SpatialSpec {
    if (!this.crs) throw new CrsError('this raster has no CRS (its file had none), so it has no SpatialSpec; give the CRS explicitly');
    return new SpatialSpec({ crs: this.crs, transform: this.transform, shape: [this.height, this.width] });
  }

  get count(): number {
    return this.bands.length;
  }

  /**
   * One band with its grid size and nodata: what `renderRaster` takes.
   * @example await renderRaster(elevation.band(0), { colormap: 'terrain' })
   */
  band(index = 0): { width: number; height: number; data: TypedArray; nodata: number | null } {
    const data = this.bands[index];
    if (!data) throw new InvalidInputError(`band ${index} does not exist; this raster has bands 0..${this.bands.length - 1}`);
    return { width: this.width, height: this.height, data, nodata: this.nodata };
  }

  /** The value of `band` (0-based) at `row`, `col`. */
  get(band: number, row: number, col: number): number {
    const data = this.bands[band];
    if (!data) throw new InvalidInputError(`band ${band} does not exist; this raster has bands 0..${this.bands.length - 1}`);
    if (row < 0 || row >= this.height || col < 0 || col >= this.width) {
      throw new InvalidInputError(`pixel (${row}, ${col}) is outside the ${this.height}x${this.width} grid`);
    }
    return data[row * this.width + col]!;
  }

  /**
   * Writes the raster as a GeoTIFF through GDAL (default engine: the configured one), with
   * creation options (compression, tiling, block size, COG).
   * @example await raster.write(this.ensureProcessedPath(spec), { compress: 'DEFLATE', tiled: true });
   */
  write(path: string, options: WriteOptions & { engine?: GdalEngine } = {}): Promise<void> {
    const { engine, ...rest } = options;
    return writeRaster(this, path, engine ?? getConfig().engine, rest);
  }

  /** Whether a pixel value is nodata (NaN counts as nodata in float rasters). */
  isNodata(value: number): boolean {
    if (Number.isNaN(value)) return true;
    if (this.nodata === null) return false;
    // Float32 bands hold the nodata rounded to single precision (-3.4e38 is not exact in float32).
    return value === this.nodata || (this.dtype === 'float32' && value === Math.fround(this.nodata));
  }

  /** Min and max of valid (non-nodata) values of a band, or undefined if none are valid. */
  stats(band = 0): { min: number; max: number; mean: number; valid: number } | undefined {
    const data = this.bands[band]!;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let valid = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (this.isNodata(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      valid++;
    }
    return valid ? { min, max, mean: sum / valid, valid } : undefined;
  }
}

function perBand(value: number | number[] | undefined, count: number, fallback: number, what: string): number[] {
  if (value === undefined) return new Array(count).fill(fallback);
  if (typeof value === 'number') return new Array(count).fill(value);
  if (value.length !== count) throw new InvalidInputError(`${what} has ${value.length} values for ${count} bands; give one per band or a single number`);
  return [...value];
}
