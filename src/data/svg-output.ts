/**
 * SVG returned by a Figure's `_process`: a string of SVG, or an SVG element (an Observable Plot
 * chart, a D3 selection's node), in a browser's DOM or a small server-side one (linkedom).
 */

const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

/** What `_process` may return for an SVG figure: SVG text, or an element with `outerHTML`. */
export type SvgOutput = string | { outerHTML: string; tagName?: string; querySelector?: unknown };

/** Whether a value returned by `_process` is SVG (text starting with `<svg` or `<?xml … <svg`, or an SVG element). */
export function isSvgOutput(value: unknown): value is SvgOutput {
  if (typeof value === 'string') return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(value);
  if (!value || typeof value !== 'object') return false;
  const element = value as { outerHTML?: unknown; tagName?: unknown };
  return typeof element.outerHTML === 'string' && typeof element.tagName === 'string' && element.tagName.toLowerCase() === 'svg';
}

/** Whether a value looks like a DOM element that is not SVG (an HTML `<figure>` from Plot with a title or legend). */
export function isNonSvgElement(value: unknown): value is { tagName: string } {
  return !!value && typeof value === 'object' && typeof (value as { outerHTML?: unknown }).outerHTML === 'string' && typeof (value as { tagName?: unknown }).tagName === 'string';
}

/**
 * The UTF-8 bytes of a standalone SVG file: the XML namespace added where the DOM's
 * serialisation left it out (HTML serialisers omit it; image viewers need it).
 */
export function svgBytes(value: SvgOutput): Uint8Array {
  let text = (typeof value === 'string' ? value : value.outerHTML).trim();
  if (!/<svg[^>]*\sxmlns=/i.test(text)) text = text.replace(/<svg(?=[\s>])/i, `<svg xmlns="${SVG_NAMESPACE}"`);
  if (/\sxlink:href=/.test(text) && !/<svg[^>]*\sxmlns:xlink=/i.test(text)) {
    text = text.replace(/<svg(?=[\s>])/i, '<svg xmlns:xlink="http://www.w3.org/1999/xlink"');
  }
  return new TextEncoder().encode(text.endsWith('\n') ? text : `${text}\n`);
}
