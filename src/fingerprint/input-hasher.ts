import type { InputRef } from '../processors/processor.js';

export type { InputRef };

/** What identifies an input's content. */
export interface InputDigest {
  /** Where the bytes came from: a file path, `blob:<name>:<size>`, `bytes:<size>`. */
  id: string;
  size: number;
  /** 64-hex SHA-256 of the bytes. */
  sha256: string;
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
  hash(ref: InputRef): Promise<InputDigest>;
}
