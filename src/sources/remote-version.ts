import { FileError } from '../errors.js';
import { fetchOrFail } from './fetch-or-fail.js';

/** How many bytes a probe asks for: the header and IFDs of a Cloud-Optimized GeoTIFF fit. */
export const PROBE_BYTES = 65536;

/** What the server says identifies the version of a remote file. */
export interface RemoteValidators {
  /** `ETag` (strong or weak), when the server sends one and (cross-origin) exposes it. */
  etag?: string;
  /** `Last-Modified`, when sent. */
  lastModified?: string;
  /** The file's total length in bytes, when known. */
  size?: number;
}

/** The answer to one `Range: bytes=0-65535` request. */
export interface RemoteProbe {
  url: string;
  validators: RemoteValidators;
  /** Whether the server answered with a part (206): windows can be read by range. */
  ranges: boolean;
  /** The bytes received: the first PROBE_BYTES, or the whole file when `complete`. */
  bytes: Uint8Array;
  /** Whether `bytes` is the whole file (a 200 answer, or a file no longer than the probe). */
  complete: boolean;
}

/**
 * Asks for the first 64 KiB of `url` and reads the version validators from the answer. One small
 * request tells whether the server reads ranges, how long the file is, and which version it is.
 * @example const probe = await probeRemote('https://example.org/dem.tif');
 */
export async function probeRemote(url: string, signal?: AbortSignal): Promise<RemoteProbe> {
  const response = await fetchOrFail(url, { headers: { Range: `bytes=0-${PROBE_BYTES - 1}` }, ...(signal ? { signal } : {}) });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const validators = validatorsOf(response);
  if (response.status !== 206) return { url, validators: { ...validators, size: bytes.length }, ranges: false, bytes, complete: true };
  const total = totalFromContentRange(response.headers.get('content-range'));
  const size = total ?? validators.size;
  const complete = size !== undefined && bytes.length >= size;
  return { url, validators: { ...validators, ...(size !== undefined ? { size } : {}) }, ranges: true, bytes, complete };
}

/** ETag, Last-Modified and the length of the whole file, as far as the response tells them. */
export function validatorsOf(response: Response): RemoteValidators {
  const etag = response.headers.get('etag') ?? undefined;
  const lastModified = response.headers.get('last-modified') ?? undefined;
  const total = response.status === 206 ? totalFromContentRange(response.headers.get('content-range')) : lengthOf(response);
  return { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}), ...(total !== undefined ? { size: total } : {}) };
}

/** Whether the validators can tell one version of the file from another without reading it all. */
export function identifiesVersion(validators: RemoteValidators): boolean {
  return (validators.etag !== undefined || validators.lastModified !== undefined) && validators.size !== undefined;
}

/**
 * Throws when a response comes from another version of the file than `expected` (a validator
 * both sides know differs): the file changed on the server after it was fingerprinted, and
 * mixing bytes of two versions would give a result that matches neither.
 */
export function checkSameVersion(url: string, expected: RemoteValidators, response: Response): void {
  const actual = validatorsOf(response);
  const changed = (['etag', 'lastModified', 'size'] as const).find(
    (key) => expected[key] !== undefined && actual[key] !== undefined && expected[key] !== actual[key],
  );
  if (changed) {
    const header = { etag: 'ETag', lastModified: 'Last-Modified', size: 'length' }[changed];
    throw new FileError(
      `${url} changed on the server while it was being used (${header} was ${String(expected[changed])}, is ${String(actual[changed])}); ` +
        'run again to fingerprint and use the new version',
      url,
    );
  }
}

function totalFromContentRange(header: string | null): number | undefined {
  const match = header ? /\/(\d+)\s*$/.exec(header) : null;
  return match ? Number(match[1]) : undefined;
}

function lengthOf(response: Response): number | undefined {
  const header = response.headers.get('content-length');
  // A compressed transfer reports the compressed length: no use as the file's size.
  if (!header || response.headers.get('content-encoding')) return undefined;
  const value = Number(header);
  return Number.isFinite(value) ? value : undefined;
}
