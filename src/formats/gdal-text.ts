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
