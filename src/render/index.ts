/**
 * Figure rendering without native dependencies: raster bands to PNG (or RGBA for a browser
 * canvas) with matplotlib's colormaps, hillshade, a colour bar and an embedded bitmap font.
 * Web standards only, so it runs the same in Node and in the browser.
 *
 * @example
 * // Inside a Figure: the PNG bytes are the figure's output file.
 * import { renderRaster } from 'geodata';
 *
 * @register
 * class FigureSlope extends Figure {
 *   async _process(spec) {
 *     const slope = await load(new SlopeLoader(), spec);
 *     return renderRaster(rasterBand(slope), {
 *       colormap: 'viridis',
 *       range: 'p2-p98',
 *       colorbar: { label: 'Slope', units: '°' },
 *       title: 'Slope',
 *     });
 *   }
 * }
 *
 * @example
 * // In a browser page: draw straight into a canvas.
 * const image = renderRgba(band, { colormap: 'terrain', scale: 2 });
 * canvas.width = image.width;
 * canvas.height = image.height;
 * canvas.getContext('2d')!.putImageData(toImageData(image), 0, 0);
 */
export { rasterBand, type Band } from './band.js';
export { colorbarLayout, colorbarTitle, COLORBAR_SIZES, type ColorbarLayout, type ColorbarOptions } from './colorbar.js';
export { colorizeBand, shadeImage, DEFAULT_HILLSHADE_STRENGTH } from './colorize.js';
export {
  colorAt,
  colormapFromStops,
  colormapNames,
  getColormap,
  lutIndex,
  parseColor,
  reverseColormap,
  LUT_SIZE,
  type Color,
  type ColorStop,
  type Colormap,
  type ColormapSpec,
  type Rgb,
} from './colormaps.js';
export { crc32 } from './crc32.js';
export { fontCharacters, glyphBitmap, GLYPH_ADVANCE, GLYPH_ASCENT, GLYPH_HEIGHT, GLYPH_WIDTH } from './font.js';
export { encodePng, type PngInput } from './png-encoder.js';
export { renderRaster, renderRgba, type RenderOptions, type RenderPngOptions, type RenderedImage } from './render-raster.js';
export { renderSvg, type RenderSvgOptions } from './render-svg.js';
export { svgDocument } from './svg-document.js';
export { blit, createImage, fillRect, toImageData, upscale, type Rgba, type RgbaImage } from './rgba-image.js';
export { drawText, measureText, type Box, type TextStyle } from './text.js';
export { formatTicks, niceTicks } from './ticks.js';
export { resolveRange, type RangeOption } from './value-range.js';
