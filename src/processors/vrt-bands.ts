import { GdalError } from '../errors.js';
import { escapeXml, gdalNumber } from '../formats/gdal-text.js';

/** Band metadata to set in a VRT; absent fields are left as GDAL wrote them. */
export interface VrtBandMetadata {
  scale?: number;
  offset?: number;
  description?: string;
}

/**
 * Sets band scale, offset and description in a VRT's XML (GDAL writes its VRTs with one
 * `<VRTRasterBand>` element per band, never nested): per-band values that `gdal_translate`'s
 * `-a_scale`/`-a_offset` cannot give (they take one value for all bands), at the cost of no pass
 * over the pixels. Existing elements of the same name are replaced.
 * @example setVrtBandMetadata(xml, [{ scale: 0.0001 }, { scale: 0.0001, offset: -0.1 }])
 */
export function setVrtBandMetadata(xml: string, bands: readonly VrtBandMetadata[], path: string): string {
  let index = 0;
  // A band without children may be written self-closing: give it a body to insert into.
  const expanded = xml.replace(/<VRTRasterBand\b([^>]*?)\s*\/>/g, '<VRTRasterBand$1></VRTRasterBand>');
  const result = expanded.replace(/(<VRTRasterBand\b[^>]*>)([\s\S]*?)(<\/VRTRasterBand>)/g, (_whole, open: string, body: string, close: string) => {
    const metadata = bands[index++];
    if (!metadata) return open + body + close;
    let inner = body;
    const elements: string[] = [];
    for (const [name, value] of [
      ['Description', metadata.description === undefined ? undefined : escapeXml(metadata.description)],
      ['Scale', metadata.scale === undefined ? undefined : gdalNumber(metadata.scale)],
      ['Offset', metadata.offset === undefined ? undefined : gdalNumber(metadata.offset)],
    ] as const) {
      if (value === undefined) continue;
      inner = inner.replace(new RegExp(`\\s*<${name}>[^<]*</${name}>`, 'g'), '');
      elements.push(`\n    <${name}>${value}</${name}>`);
    }
    return open + elements.join('') + inner + close;
  });
  if (index !== bands.length) {
    throw new GdalError(`the VRT ${path} has ${index} band(s), but metadata for ${bands.length} was given`, { operation: 'buildVrt', path });
  }
  return result;
}
