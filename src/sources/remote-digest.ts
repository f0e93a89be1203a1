import canonicalize from 'canonicalize';
import { FileError } from '../errors.js';
import type { InputDigest } from '../fingerprint/input-hasher.js';
import { sha256BytesHex } from '../sha256.js';
import { fetchOrFail } from './fetch-or-fail.js';
import { identifiesVersion, PROBE_BYTES, probeRemote, type RemoteValidators } from './remote-version.js';

/** The marker of a version digest; bumped if what it covers ever changes. */
export const REMOTE_VERSION_FORMAT = 'geodata-remote-version-1';

/** How an input URL was fingerprinted, remembered so the bytes used later can be checked against it. */
export type RemoteFingerprint =
  | { kind: 'content'; digest: InputDigest; validators: RemoteValidators }
  | { kind: 'version'; digest: InputDigest; validators: RemoteValidators; /** The first 64 KiB, for a window read. */ head: Uint8Array };

/** Fingerprints remembered per URL (most recent last): an entry being computed may use an older one. */
const VERSIONS_PER_URL = 4;
/**
 * A content digest downloads the whole file; its bytes are kept (up to this many in all, oldest
 * dropped first) so that the computation that follows does not download it again.
 */
const KEPT_BYTES_LIMIT = 128 * 1024 * 1024;

const remembered = new Map<string, RemoteFingerprint[]>();
const kept = new Map<string, Uint8Array>();
let keptBytes = 0;
const probing = new Map<string, Promise<RemoteFingerprint>>();

/**
 * The input digest of a file on a web server, so that a changed remote file makes every result
 * made from it stale. Exactly one of two things is hashed:
 *
 * - **content** — SHA-256 of the whole file, `size` its length: the same digest as the same bytes
 *   given as a file, a Blob or a Uint8Array (a Node user and a browser user share entries). Used
 *   when the server sends the whole file anyway (it ignores `Range`, or the file fits in the
 *   64 KiB probe), or gives no validator (neither `ETag` nor `Last-Modified`): then only the bytes
 *   can tell versions apart, and the file is downloaded to hash it (once: a computation that
 *   follows uses these bytes, kept in memory up to 128 MiB in all).
 * - **version** — when the server reads ranges and names the version: SHA-256 of the canonical
 *   JSON (RFC 8785) `{ etag, format: "geodata-remote-version-1", head_sha256, last_modified,
 *   size }`, where `etag`/`last_modified` are the headers as sent (null when absent), `size` the
 *   file's length from `Content-Range` (also the digest's `size`), and `head_sha256` the SHA-256
 *   of its first 64 KiB (a COG's header and tile index). Nothing else is downloaded, so a
 *   Cloud-Optimized GeoTIFF can then be read by windows. Any change the server reports (a new
 *   ETag or date, another length) or that touches the first 64 KiB gives a new digest; every
 *   range read later is checked against these validators, so a file replaced mid-run fails
 *   with a FileError instead of mixing two versions.
 *
 * The URL itself is not hashed (it is the digest's `id`): moving a file to another address with
 * the same content keeps content digests. Concurrent calls for one URL share one probe.
 *
 * @example
 * await remoteDigest('https://example.org/dem.tif'); // { id: 'https://example.org/dem.tif', size: 48213, sha256: '…' }
 */
export async function remoteDigest(url: string): Promise<InputDigest> {
  return (await remoteFingerprint(url)).digest;
}

/** Fingerprints `url` now (see `remoteDigest`) and remembers how. */
export function remoteFingerprint(url: string): Promise<RemoteFingerprint> {
  let pending = probing.get(url);
  if (!pending) {
    pending = fingerprintNow(url).finally(() => probing.delete(url));
    probing.set(url, pending);
  }
  return pending;
}

/** How `url` was last fingerprinted in this page (or process), if it was. */
export function lastRemoteFingerprint(url: string): RemoteFingerprint | undefined {
  return remembered.get(url)?.at(-1);
}

/** The remembered fingerprint of `url` that gave `digest`, if it is among the last few. */
export function rememberedFingerprint(url: string, digest: InputDigest): RemoteFingerprint | undefined {
  return remembered.get(url)?.find((known) => sameDigest(known.digest, digest));
}

/**
 * The bytes a content fingerprint downloaded, if still kept; they are handed over once (the
 * caller writes them to the workspace) and forgotten here.
 */
export function takeContentBytes(url: string, fingerprint: RemoteFingerprint): Uint8Array | undefined {
  const key = keptKey(url, fingerprint.digest);
  const bytes = kept.get(key);
  if (bytes) forget(key);
  return bytes;
}

export function sameDigest(a: InputDigest, b: InputDigest): boolean {
  return a.size === b.size && a.sha256 === b.sha256;
}

/**
 * No raster or vector format starts like an HTML page, but a server that answers a missing file
 * with its own page (an error page, a single-page app's fallback) gives one with HTTP 200: said
 * here, with the URL, instead of GDAL's "not recognized" about a temporary file.
 */
function refuseHtmlPage(url: string, head: Uint8Array): void {
  const start = new TextDecoder().decode(head.subarray(0, 256)).replace(/^\uFEFF?\s*/, '');
  if (!/^<(!doctype html|html[\s>])/i.test(start)) return;
  throw new FileError(`${url} is an HTML page, not a raster or vector file (it starts with ${JSON.stringify(start.slice(0, 30))}): check the URL; a server may answer a missing file with a page`, url);
}

async function fingerprintNow(url: string): Promise<RemoteFingerprint> {
  const probe = await probeRemote(url);
  refuseHtmlPage(url, probe.bytes);
  let fingerprint: RemoteFingerprint;
  let bytes: Uint8Array | undefined;
  if (probe.complete) {
    bytes = probe.bytes;
    fingerprint = { kind: 'content', digest: await contentDigest(url, bytes), validators: probe.validators };
  } else if (probe.ranges && identifiesVersion(probe.validators)) {
    const { etag, lastModified, size } = probe.validators;
    const record = canonicalize({
      etag: etag ?? null,
      format: REMOTE_VERSION_FORMAT,
      head_sha256: await sha256BytesHex(probe.bytes.slice(0, PROBE_BYTES)),
      last_modified: lastModified ?? null,
      size: size!,
    }) as string;
    fingerprint = {
      kind: 'version',
      digest: { id: url, size: size!, sha256: await sha256BytesHex(new TextEncoder().encode(record)) },
      validators: probe.validators,
      head: probe.bytes,
    };
  } else {
    const response = await fetchOrFail(url);
    bytes = new Uint8Array(await response.arrayBuffer());
    fingerprint = { kind: 'content', digest: await contentDigest(url, bytes), validators: { ...probe.validators, size: bytes.length } };
  }
  remember(url, fingerprint);
  if (bytes) keep(keptKey(url, fingerprint.digest), bytes);
  return fingerprint;
}

function remember(url: string, fingerprint: RemoteFingerprint): void {
  const list = (remembered.get(url) ?? []).filter((known) => !sameDigest(known.digest, fingerprint.digest));
  list.push(fingerprint);
  remembered.set(url, list.slice(-VERSIONS_PER_URL));
}

function keep(key: string, bytes: Uint8Array): void {
  forget(key);
  if (bytes.length > KEPT_BYTES_LIMIT) return;
  kept.set(key, bytes);
  keptBytes += bytes.length;
  for (const [oldest] of kept) {
    if (keptBytes <= KEPT_BYTES_LIMIT) break;
    forget(oldest);
  }
}

function forget(key: string): void {
  const bytes = kept.get(key);
  if (!bytes) return;
  kept.delete(key);
  keptBytes -= bytes.length;
}

function keptKey(url: string, digest: InputDigest): string {
  return `${url}\n${digest.size}\n${digest.sha256}`;
}

async function contentDigest(url: string, bytes: Uint8Array): Promise<InputDigest> {
  return { id: url, size: bytes.length, sha256: await sha256BytesHex(bytes) };
}
