import type { InputRef } from '../processors/processor.js';

export type { InputRef };

/** What identifies an input's content. */
export interface InputDigest {
  /** Where the bytes came from: a file path, `blob:<name>:<size>`, `bytes:<size>`. */
  id: string;
  size: number;
  /** 64-hex SHA-256 of the bytes; `'absent'` (`ABSENT_SHA256`, size 0) for an optional input that does not exist. */
  sha256: string;
  /**
   * Files this input makes GDAL read besides itself (the sources of a VRT, following VRTs in
   * VRTs), each with its own digest (`absentDigest` when missing). The fingerprint records and
   * hashes those that exist right after this input.
   */
  references?: InputDigest[];
}

/**
 * The `sha256` of an optional input that does not exist: no SHA-256 (64 hex digits) equals it.
 * The fingerprint leaves such inputs out, so only their appearing changes it.
 */
export const ABSENT_SHA256 = 'absent';

/** The digest of an optional input that does not exist. */
export function absentDigest(id: string): InputDigest {
  return { id, size: 0, sha256: ABSENT_SHA256 };
}

/** Options of `InputHasher.hash`. */
export interface HashOptions {
  /**
   * The input may be missing (a sidecar file GDAL reads when it is there): then its digest is
   * `absentDigest(id)` instead of a FileError, so that creating it later changes the fingerprint.
   */
  optional?: boolean;
}

/**
 * Hashes the content of a processor's inputs. Injected, because reading a file is
 * platform-specific: `NodeInputHasher` (Node, file paths, remembered between runs) and
 * `WebInputHasher` (Blobs and bytes, anywhere).
 *
 * @example
 * const digest = await new WebInputHasher().hash(new Uint8Array([1, 2, 3]));
 * // { id: 'bytes:3', size: 3, sha256: '039058c6…' }
 */
export interface InputHasher {
  hash(ref: InputRef, options?: HashOptions): Promise<InputDigest>;
}
