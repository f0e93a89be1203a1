/**
 * Text GDAL reads: numbers as it parses them back (on its command lines and in VRTs), and values
 * escaped for the XML of VRTs.
 */

/** `&`, `<`, `>`, `"` and `'` as entities: safe in element text and in either kind of quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/**
 * The shortest decimal that reads back as the same double, and GDAL's words for NaN and the
 * infinities.
 * @example gdalNumber(-9999) // '-9999'
 * @example gdalNumber(NaN) // 'nan'
 */
export function gdalNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

/**
 * A number as GDAL reads it from text it wrote (the GDAL_NODATA tag, metadata items): its words
 * for NaN and the infinities (`nan`, `inf`, `-inf`), which `Number()` reads as NaN, and otherwise
 * the leading decimal, as C's `strtod` reads it (0 when there is none).
 * @example parseGdalNumber('-inf') // -Infinity
 * @example parseGdalNumber('-9999') // -9999
 */
export function parseGdalNumber(text: string): number {
  const trimmed = text.replace(/\0[\s\S]*$/, '').trim();
  const word = /^([+-]?)(inf|infinity|nan)$/i.exec(trimmed);
  if (word) return word[2]!.toLowerCase() === 'nan' ? NaN : word[1] === '-' ? -Infinity : Infinity;
  const value = Number.parseFloat(trimmed);
  return Number.isNaN(value) ? 0 : value;
}

/**
 * The value of an item of a GeoTIFF's GDAL_METADATA tag, from the item's raw XML text. GDAL
 * escapes a value for XML before it builds the XML document, which escapes it again, and undoes
 * both when it reads: so `a<b` is stored as `a&amp;lt;b`.
 * @example gdalMetadataValue('a&amp;lt;b &amp;amp; c') // 'a<b & c'
 */
export function gdalMetadataValue(text: string): string {
  return unescapeXml(unescapeXml(text));
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (entity, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name.toLowerCase()] ?? entity;
  });
}
