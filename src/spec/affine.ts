import { InvalidInputError } from '../errors.js';

/**
 * An affine transform in the order used by rasterio and pygeodata: `[a, b, c, d, e, f]` with
 * `x = a*col + b*row + c` and `y = d*col + e*row + f` (col, row at pixel corners).
 */
export type Affine = readonly [number, number, number, number, number, number];

/** GDAL's geotransform order: `[c, a, b, f, d, e]` (origin x, pixel width, row rotation, ...). */
export type GeoTransform = readonly [number, number, number, number, number, number];

/**
 * Converts a GDAL geotransform to an affine transform.
 * @example gdalToAffine([598250, 250, 0, 5193000, 0, -250]) // [250, 0, 598250, 0, -250, 5193000]
 */
export function gdalToAffine(gt: GeoTransform): Affine {
  return [gt[1], gt[2], gt[0], gt[4], gt[5], gt[3]];
}

/** Converts an affine transform to GDAL's geotransform order. */
export function affineToGdal(t: Affine): GeoTransform {
  return [t[2], t[0], t[1], t[5], t[3], t[4]];
}

/** Applies the transform to pixel coordinates (col, row), returning map coordinates (x, y). */
export function applyAffine(t: Affine, col: number, row: number): [number, number] {
  return [t[0] * col + t[1] * row + t[2], t[3] * col + t[4] * row + t[5]];
}

/** Inverts the transform: map coordinates (x, y) to fractional pixel coordinates (col, row). */
export function invertAffine(t: Affine): Affine {
  const [a, b, c, d, e, f] = t;
  const det = a * e - b * d;
  if (det === 0) throw new InvalidInputError(`transform ${JSON.stringify(t)} is singular (a*e - b*d = 0) and cannot be inverted`);
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** Checks six finite numbers with a non-zero determinant; returns them as an Affine. */
export function validateAffine(value: unknown, what = 'transform'): Affine {
  if (!Array.isArray(value) || value.length !== 6) {
    throw new InvalidInputError(
      `${what} must be 6 numbers [a, b, c, d, e, f] (x = a*col + b*row + c, y = d*col + e*row + f), got ${JSON.stringify(value)}`,
    );
  }
  value.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidInputError(`${what}[${i}] must be a finite number, got ${JSON.stringify(v) ?? String(v)}`);
    }
  });
  // Six finite numbers, checked above.
  const checked = value as unknown as Affine;
  const [a, b, , d, e] = checked;
  if (a * e - b * d === 0) {
    throw new InvalidInputError(
      `${what} ${JSON.stringify(value)} is singular (a*e - b*d = 0): pixels would have no area; check the pixel sizes a and e`,
    );
  }
  return [checked[0], checked[1], checked[2], checked[3], checked[4], checked[5]];
}

/** True when the transform has rotation or shear terms (not north-up). */
export function isRotated(t: Affine): boolean {
  return t[1] !== 0 || t[3] !== 0;
}
