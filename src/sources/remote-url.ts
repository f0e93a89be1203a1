/**
 * The absolute http(s) URL an input names, or undefined when it names no remote file. In a page
 * (where `location` exists), a string without a scheme is a URL relative to the page
 * (`'data/dem.tif'`); elsewhere only absolute http(s) URLs are remote, and other strings are
 * file paths.
 * @example remoteUrlOf('data/dem.tif') // 'https://example.org/app/data/dem.tif' in a page at https://example.org/app/
 */
export function remoteUrlOf(ref: unknown): string | undefined {
  if (!(typeof ref === 'string' || ref instanceof URL)) return undefined;
  const text = String(ref);
  if (/^https?:\/\//i.test(text)) return text;
  const page = (globalThis as { location?: { href?: string; protocol?: string } }).location;
  if (typeof ref !== 'string' || !page?.href || !/^https?:$/.test(page.protocol ?? '') || /^[a-z][a-z0-9+.-]*:/i.test(text)) return undefined;
  return new URL(text, page.href).href;
}
