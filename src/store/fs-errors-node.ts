// Node only: turns filesystem errors of the fs store into StoreErrors people can act on.
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
  const hint = (code && HINTS[code]) ?? 'see the cause for details';
  return new StoreError(`fs store at ${JSON.stringify(root)}: could not ${action} ${JSON.stringify(key)}: ${detail}; ${hint}`, { cause });
}
