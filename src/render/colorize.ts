/**
 * Turns band values into colours: normalise to the range, look up the colormap, make missing
 * pixels transparent, and optionally darken by a hillshade so relief shows through.
 */
import { InvalidInputError, describeValue } from '../errors.js';
import { validateBand, validityTest, type Band } from './band.js';
import { lutIndex, type Colormap } from './colormaps.js';
import { fractionOf } from './fraction.js';
import type { RgbaImage } from './rgba-image.js';

/** Hillshade strength when none is given: half-way between no shading and full multiply. */
export const DEFAULT_HILLSHADE_STRENGTH = 0.5;

/**
 * Colours a band pixel for pixel (one image pixel per band pixel). Values below the range take
 * the lowest colour and above it the highest, as in matplotlib; nodata, NaN and infinities are
 * transparent (alpha 0).
 * @example colorizeBand(band, getColormap('viridis'), [0, 100])
 */
export function colorizeBand(band: Band, colormap: Colormap, range: readonly [number, number]): RgbaImage {
  const [min, max] = range;
  const valid = validityTest(band);
  const { data, width, height } = band;
  const rgba = new Uint8Array(width * height * 4);
  const lut = colormap.lut;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!valid(v)) continue; // stays transparent black
    const entry = lutIndex(fractionOf(v, min, max)) * 3;
    const o = i * 4;
    rgba[o] = lut[entry]!;
    rgba[o + 1] = lut[entry + 1]!;
    rgba[o + 2] = lut[entry + 2]!;
    rgba[o + 3] = 255;
  }
  return { width, height, rgba };
}

/**
 * Multiplies the image's colours by a hillshade, in place: each channel becomes
 * `round(c * (1 - strength + strength * shade))`, with `shade` the hillshade normalised to 0–1
 * (Uint8 data is divided by 255, as gdaldem writes it; any other type is scaled from its own
 * min to max). Missing hillshade pixels leave the colour as is; alpha is untouched.
 * @example shadeImage(image, { width, height, data: hillshadeBytes, nodata: 0 }, 0.5)
 */
export function shadeImage(image: RgbaImage, hillshade: Band, strength = DEFAULT_HILLSHADE_STRENGTH): void {
  validateBand(hillshade, 'hillshade band');
  if (hillshade.width !== image.width || hillshade.height !== image.height) {
    throw new InvalidInputError(
      `hillshade band is ${hillshade.width}x${hillshade.height} but the band it shades is ${image.width}x${image.height}; ` +
        'compute the hillshade on the same grid',
    );
  }
  if (typeof strength !== 'number' || !(strength >= 0 && strength <= 1)) {
    throw new InvalidInputError(`hillshade strength ${describeValue(strength)} is not between 0 (no shading) and 1 (full multiply)`);
  }
  const valid = validityTest(hillshade);
  const [low, high] = shadeScale(hillshade, valid);
  const span = high - low;
  const { data } = hillshade;
  const rgba = image.rgba;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!valid(v)) continue;
    const shade = span > 0 ? Math.min(1, Math.max(0, (v - low) / span)) : 1;
    const factor = 1 - strength + strength * shade;
    const o = i * 4;
    rgba[o] = Math.round(rgba[o]! * factor);
    rgba[o + 1] = Math.round(rgba[o + 1]! * factor);
    rgba[o + 2] = Math.round(rgba[o + 2]! * factor);
  }
}

/** The values that map to shade 0 and 1. */
function shadeScale(hillshade: Band, valid: (v: number) => boolean): [number, number] {
  if (hillshade.data instanceof Uint8Array || hillshade.data instanceof Uint8ClampedArray) return [0, 255];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < hillshade.data.length; i++) {
    const v = hillshade.data[i]!;
    if (!valid(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : [0, 0];
}
