/**
 * The local path a `file:` URL names (a `URL` or a string), or undefined for anything else: Node
 * scripts name their data with a URL made from `import.meta.url`, and an input hasher
 * reads such a URL as that file, so the processor must open that file too.
 * @example fileUrlPath(new URL('file:///data/my%20dem.tif')) // '/data/my dem.tif'
 */
export function fileUrlPath(ref: unknown): string | undefined {
  if (!(ref instanceof URL || (typeof ref === 'string' && /^file:/i.test(ref)))) return undefined;
  const url = new URL(String(ref));
  return url.protocol === 'file:' ? decodeURIComponent(url.pathname) : undefined;
}
