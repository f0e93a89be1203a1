import { OutputTooLargeError } from '../errors.js';
import { describeBytes, getLimits } from '../limits.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';

/** Extensions whose outputs `load()` reads whole into typed arrays. */
const RASTER_EXTENSIONS = /\.(tiff?)$/i;

/**
 * Refuses, before anything is computed, a raster output that could not be loaded: its grid at
 * one byte per cell (the least any band takes) over `limits.rasterBytes`. `fileName` tells a
 * raster output from others (figures, GeoJSON, bytes), which this does not judge.
 * @example checkGridFits('Elevation', spec, 'elevation.tif') // throws OutputTooLargeError for a 100000x100000 spec
 */
export function checkGridFits(className: string, spec: SpatialSpec, fileName: string): void {
  if (!spec.shape || !RASTER_EXTENSIONS.test(fileName)) return;
  const [height, width] = spec.shape;
  const cells = height * width;
  const limit = getLimits().rasterBytes;
  if (cells <= limit) return;
  throw new OutputTooLargeError(
    `${className} cannot be computed for ${spec}: a ${height}x${width} grid holds ${cells.toLocaleString('en-US')} cells, at least ${describeBytes(cells)} ` +
      `for one band of bytes, over the raster limit of ${describeBytes(limit)} that load() can read; nothing was computed. ` +
      'Use a coarser spec or a smaller extent (spec.with({ shape, transform })), or raise limits.rasterBytes if this machine can hold it',
  );
}

/**
 * Refuses to commit a raster whose grid, known only now (a CRS-only spec completed from the
 * source), is over the raster limit. Files of any size commit otherwise: `load()` of one over
 * 2 GiB says so and points to `readWindow`, which reads it by window.
 */
export function checkOutputFits(className: string, spec: SpatialSpec, fileName: string): void {
  checkGridFits(className, spec, fileName);
}
