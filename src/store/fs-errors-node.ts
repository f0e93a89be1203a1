// Node only: turns filesystem errors of the fs store into StoreErrors people can act on.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreError } from '../errors.js';

/** The `code` of a Node system error (`ENOENT`, `EACCES`...), or undefined for anything else. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a Node error says the path (or one of its parents) does not exist as expected. */
export function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

const HINTS: Record<string, string> = {
  EACCES: 'check that the current user may write to the cache folder, or choose another root',
  EPERM: 'check that the current user may write to the cache folder, or choose another root',
  EROFS: 'the cache folder is on a read-only file system; choose another root',
  ENOSPC: 'the disk is full; free space (for example with cleanCache) or choose a root on a larger disk',
  EDQUOT: 'the disk quota is exhausted; free space (for example with cleanCache) or choose another root',
  EMFILE: 'too many files are open; lower the concurrency or raise the limit (ulimit -n)',
  ENFILE: 'too many files are open; lower the concurrency or raise the limit (ulimit -n)',
  EEXIST: 'a key cannot be both a file and a folder: a parent of this key is a file',
  ENOTDIR: 'a key cannot be both a file and a folder: a parent of this key is a file',
  EISDIR: 'a key cannot be both a file and a folder: this key is a folder of other keys',
  ENAMETOOLONG: 'the key is too long for this file system; use shorter names',
  EXDEV: 'the folder is on another disk; create it with createStagingFolder so the rename stays on one disk',
};

/**
 * Wraps a filesystem error: the message names the action, the key, the store's root and what
 * to do; the original error stays attached as `cause`.
 * @example throw fsStoreError('write', 'data_processed/ab12/meta.json', '/cache', error)
 */
export function fsStoreError(action: string, key: string, root: string, cause: unknown): StoreError {
  const code = errorCode(cause);
  const detail = cause instanceof Error ? cause.message : String(cause);
  // Read-only places show up under other codes (a recursive mkdir on a read-only mount says
  // ENOENT, an immutable folder EPERM or ENOTDIR): ask the folder itself whether it can be written.
  const readOnly = code && code !== 'ENOSPC' && code !== 'EDQUOT' ? readOnlyReason(resolve(root, key)) : undefined;
  const hint = readOnly ?? (code && HINTS[code]) ?? 'see the cause for details';
  return new StoreError(`fs store at ${JSON.stringify(root)}: could not ${action} ${JSON.stringify(key)}: ${detail}; ${hint}`, { cause });
}

/**
 * Why `path` (or its nearest existing folder) cannot be written, when the reason is that it is
 * read-only: a read-only file system, an immutable or otherwise unwritable folder. Undefined when
 * it can be written (the failure was something else).
 */
export function readOnlyReason(path: string): string | undefined {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    accessSync(existing, constants.W_OK);
    return undefined;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EROFS') return `${existing} is on a read-only file system (EROFS); choose a cache root on a writable disk`;
    if (code === 'EPERM') return `${existing} is read-only (EPERM: immutable, or locked by the system); make it writable (chattr -i) or choose another cache root`;
    if (code === 'EACCES') return `${existing} is read-only for this user (EACCES); check its permissions or choose another cache root`;
    return undefined;
  }
}

/**
 * A message for a failed write to `path` by the library itself (staging files, sidecars,
 * returned bytes): names the path and says what happened (the disk is full, it is read-only).
 * @example describeWriteFailure('/cache/.staging/x/out.bin', enospcError) // 'cannot write /cache/...: the disk is full (ENOSPC); ...'
 */
export function describeWriteFailure(path: string, cause: unknown): string {
  const code = errorCode(cause);
  const detail = cause instanceof Error ? cause.message : String(cause);
  if (code === 'ENOSPC') return `cannot write ${path}: the disk is full (ENOSPC); free space (for example with geodata clean-cache) or choose a cache root on a larger disk`;
  if (code === 'EDQUOT') return `cannot write ${path}: the disk quota is exhausted (EDQUOT); free space or choose another cache root`;
  // Outputs are named after their class: a long class name is the usual cause.
  if (code === 'ENAMETOOLONG') return `cannot write ${path}: its name is longer than the file system allows (ENAMETOOLONG, usually 255 bytes a name); an output is named after its class, so give the class a shorter name (or choose a shorter cache root)`;
  const readOnly = code ? readOnlyReason(path) : undefined;
  if (readOnly) return `cannot write ${path}: ${readOnly}`;
  return `cannot write ${path}: ${detail}`;
}
