import { ConfigError, CrsError, FileError, GeodataError, InvalidInputError, PipelineError, StoreError } from '../../errors.js';

/**
 * The browser's requests and responses as plain values, so the same handlers can sit behind
 * Node's HTTP server or, later, a service worker in a browser.
 */

/** A request as the handlers see it. `target` is the raw path and query of the request line. */
export interface BrowseRequest {
  method: string;
  target: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body?: Uint8Array;
}

/** A response to send as it is. */
export interface BrowseResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/**
 * The page's policy: scripts, styles and images only from this server (images also as data:
 * URLs), no plugins, no framing, forms only back here.
 */
export const PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Files from the cache get no powers at all even when opened directly: no scripts, no same origin
 * (an SVG figure's embedded raster is a `data:` image).
 */
export const FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

/** Headers every response carries. */
export function securityHeaders(csp = PAGE_CSP): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

/** A JSON response. */
export function json(value: unknown, status = 200): BrowseResponse {
  return { status, headers: { ...securityHeaders(), 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) };
}

/** Any body with a content type (and the page's policy unless given another). */
export function body(content: string | Uint8Array, contentType: string, extra: Record<string, string> = {}, csp = PAGE_CSP): BrowseResponse {
  return { status: 200, headers: { ...securityHeaders(csp), 'content-type': contentType, ...extra }, body: content };
}

/** An error as JSON `{ error }`. */
export function failure(status: number, message: string): BrowseResponse {
  return json({ error: message }, status);
}

/** The status for an error a handler threw: bad input 400, a conflict 409, an unreadable file 422, else 500. */
export function failureFor(error: unknown): BrowseResponse {
  if (error instanceof InvalidInputError) return failure(400, error.message);
  if (error instanceof PipelineError) return failure(409, error.message);
  if (error instanceof FileError || error instanceof CrsError) return failure(422, error.message);
  if (error instanceof ConfigError || error instanceof StoreError || error instanceof GeodataError) return failure(500, error.message);
  return failure(500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * `Content-Disposition: attachment` with a file name that cannot break out of the header
 * (quotes, control characters and non-ASCII are replaced; the exact name goes in `filename*`).
 */
export function attachment(name: string): string {
  const plain = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Compares two strings in time that depends only on their lengths. */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
