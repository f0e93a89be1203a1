import type { GdalEngine } from '../../wasm/engine.js';
import { GdalError, InvalidInputError } from '../errors.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { exactGrid } from '../spec/exact-grid.js';
import { gdalNumber } from '../formats/gdal-text.js';

/** A fully defined, north-up spec's grid in the terms `gdalwarp`/`gdal_rasterize` take. */
export interface TargetGrid {
  crs: string;
  width: number;
  height: number;
  /** `-te xmin ymin xmax ymax -tr xres yres`. */
  args: string[];
}

/**
 * The arguments that put an output exactly on `spec`'s grid. With `-tr`, gdalwarp and
 * gdal_rasterize use the resolution as given and `-te`'s xmin/ymax as the origin (and round the
 * size from the extent, which is a whole number of pixels here), so the output's geotransform is
 * the spec's, bit for bit. GDAL cannot write rotated or south-up grids this way: those are
 * refused before anything is written.
 */
export function targetGrid(spec: SpatialSpec, who: string): TargetGrid {
  if (!spec.isFullyDefined) {
    throw new InvalidInputError(`${who} needs a fully defined spec (crs, transform and shape), got ${spec}; complete it first (completeSpec) or give transform and shape`);
  }
  const [a, b, c, d, e, f] = spec.transform!;
  const [height, width] = spec.shape!;
  if (b !== 0 || d !== 0) {
    throw new InvalidInputError(
      `${who} cannot produce the rotated grid of ${spec}: GDAL writes north-up grids only; use a transform without rotation terms (b = d = 0)`,
    );
  }
  if (a <= 0 || e >= 0) {
    throw new InvalidInputError(
      `${who} cannot produce ${spec}: GDAL writes north-up grids only (pixel width a > 0 and pixel height e < 0), got a = ${a}, e = ${e}`,
    );
  }
  const xmax = c + a * width;
  const ymin = f + e * height;
  return {
    crs: spec.crs,
    width,
    height,
    args: ['-te', gdalNumber(c), gdalNumber(ymin), gdalNumber(xmax), gdalNumber(f), '-tr', gdalNumber(a), gdalNumber(-e)],
  };
}

/**
 * Checks that a written output has exactly the spec's shape and geotransform; throws a GdalError
 * saying what differs otherwise (a GDAL behaviour change would show here, not downstream).
 */
export async function verifyOutputGrid(engine: GdalEngine, path: string, spec: SpatialSpec, operation: string): Promise<void> {
  const grid = await exactGrid(engine, path);
  const expected = spec.geoTransform!;
  const [height, width] = spec.shape!;
  const sameShape = grid.width === width && grid.height === height;
  const sameTransform = grid.geoTransform.every((value, index) => value === expected[index]);
  if (sameShape && sameTransform) return;
  const got = `${grid.height}x${grid.width} px, geotransform [${grid.geoTransform.join(', ')}]`;
  const wanted = `${height}x${width} px, geotransform [${expected.join(', ')}]`;
  throw new GdalError(`${operation} wrote ${path} on another grid than the spec's: got ${got}, expected ${wanted}`, {
    operation,
    path,
  });
}
