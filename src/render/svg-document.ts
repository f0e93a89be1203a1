import { ConfigError } from '../errors.js';
import { getPlatform, type SvgDocument } from '../platform.js';

/**
 * A DOM document to draw SVG charts with, the same in Node and in browsers: the page's `document`
 * in a browser, a small server-side DOM (linkedom) in Node. Pass it to Observable Plot (or D3)
 * inside a Figure's `_process` and return the chart: it is stored as `.svg`.
 * @example
 * @register
 * class SlopeHistogram extends Figure {
 *   async _process(spec: SpatialSpec) {
 *     const slope = await load(new SlopeLoader(), spec);
 *     return Plot.rectY(slope.bands[0], Plot.binX({ y: 'count' })).plot({ document: await svgDocument() });
 *   }
 * }
 */
export async function svgDocument(): Promise<SvgDocument> {
  const platform = getPlatform();
  if (!platform.svgDocument) {
    throw new ConfigError("svgDocument() is not available on this platform: import from 'geodata' (the package entry)");
  }
  return platform.svgDocument();
}
