import canonicalize from 'canonicalize';
import type { InputDigest } from '../fingerprint/input-hasher.js';
import { sha256Hex } from '../pipeline/checksum.js';
import { fetchOrFail, identifiesVersion, PROBE_BYTES, probeRemote, type RemoteValidators } from './remote-version.js';

/** The marker of a version digest; bumped if what it covers ever changes. */
export const REMOTE_VERSION_FORMAT = 'geodata-remote-version-1';

/** How an input URL was fingerprinted, remembered so the bytes used later can be checked against it. */
export type RemoteFingerprint =
  | { kind: 'content'; digest: InputDigest; validators: RemoteValidators }
  | { kind: 'version'; digest: InputDigest; validators: RemoteValidators; /** The first 64 KiB, for a window read. */ head: Uint8Array };

const latest = new Map<string, RemoteFingerprint>();

/**
 * The input digest of a file on a web server, so that a changed remote file makes every result
 * made from it stale. Exactly one of two things is hashed:
 *
 * - **content** — SHA-256 of the whole file, `size` its length: the same digest as the same bytes
 *   given as a file, a Blob or a Uint8Array (a Node user and a browser user share entries). Used
 *   when the server sends the whole file anyway (it ignores `Range`, or the file fits in the
 *   64 KiB probe), or gives no validator (neither `ETag` nor `Last-Modified`): then only the bytes
 *   can tell versions apart, and the file is downloaded to hash it.
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
 * the same content keeps content digests.
 *
 * @example
 * await remoteDigest('https://example.org/dem.tif'); // { id: 'https://example.org/dem.tif', size: 48213, sha256: '…' }
 */
export async function remoteDigest(url: string): Promise<InputDigest> {
  const probe = await probeRemote(url);
  let fingerprint: RemoteFingerprint;
  if (probe.complete) {
    fingerprint = { kind: 'content', digest: await contentDigest(url, probe.bytes), validators: probe.validators };
  } else if (probe.ranges && identifiesVersion(probe.validators)) {
    const { etag, lastModified, size } = probe.validators;
    const record = canonicalize({
      etag: etag ?? null,
      format: REMOTE_VERSION_FORMAT,
      head_sha256: await sha256Hex(probe.bytes.slice(0, PROBE_BYTES)),
      last_modified: lastModified ?? null,
      size: size!,
    }) as string;
    fingerprint = {
      kind: 'version',
      digest: { id: url, size: size!, sha256: await sha256Hex(new TextEncoder().encode(record)) },
      validators: probe.validators,
      head: probe.bytes,
    };
  } else {
    const response = await fetchOrFail(url);
    const bytes = new Uint8Array(await response.arrayBuffer());
    fingerprint = { kind: 'content', digest: await contentDigest(url, bytes), validators: { ...probe.validators, size: bytes.length } };
  }
  latest.set(url, fingerprint);
  return fingerprint.digest;
}

/** How `url` was last fingerprinted in this page, if it was. */
export function lastRemoteFingerprint(url: string): RemoteFingerprint | undefined {
  return latest.get(url);
}

async function contentDigest(url: string, bytes: Uint8Array): Promise<InputDigest> {
  return { id: url, size: bytes.length, sha256: await sha256Hex(bytes) };
}
