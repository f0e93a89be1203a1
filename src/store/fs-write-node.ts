// Node only: atomic file writes for the fs store (temp file next to the target, then rename).
import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode } from './fs-errors-node.js';
import { TEMP_MARKER } from './key.js';

/** A file to write and how to describe a failure about it. */
export interface FileWrite {
  path: string;
  bytes: Uint8Array;
}

/** Reports a failed step (`write`, `commit`...) of the write at `index`; the error is rethrown as is. */
export type WriteFailure = (action: string, index: number, cause: unknown) => Error;

/**
 * A fresh temporary name next to `target`: same folder (so the rename is atomic), hidden, and
 * carrying {@link TEMP_MARKER} so `keys()` never lists it even if a crash leaves it behind.
 */
export function tempPathFor(target: string, kind = 'tmp'): string {
  // Keep the name under the usual 255-byte limit whatever the target's length.
  const base = basename(target).slice(0, 180);
  return join(dirname(target), `.${base}${TEMP_MARKER}${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes `bytes` to a temp file in `target`'s folder (creating it), retrying once if a concurrent cleanup removed the folder. */
async function writeTemp(target: string, bytes: Uint8Array): Promise<string> {
  const temp = tempPathFor(target);
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(temp, bytes);
      return temp;
    } catch (error) {
      if (attempt === 0 && errorCode(error) === 'ENOENT') continue;
      await unlink(temp).catch(() => {});
      throw error;
    }
  }
}

/** Writes one file so that readers see the old content or the new one, never a part of it. */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  const temp = await writeTemp(target, bytes);
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/**
 * Writes several files: all contents go to temp files first, then the temps are renamed over
 * their targets in the given order, so the last file appears last.
 *
 * What is guaranteed when it throws: no temp file is left, and every target already renamed
 * is put back as it was (its previous content restored from a hard link taken beforehand, or
 * removed if it did not exist), unless that rollback itself fails, which the error then says.
 * A process killed during the renames can leave the first targets renamed and the rest not;
 * callers that write their completion marker last (meta.json) see such an entry as incomplete.
 */
export async function writeFilesAtomic(writes: readonly FileWrite[], fail: WriteFailure): Promise<void> {
  const temps: (string | undefined)[] = [];
  const backups: (string | undefined)[] = [];
  const discard = async () => {
    await Promise.all([...temps, ...backups].map((path) => path && unlink(path).catch(() => {})));
  };

  const written = await Promise.allSettled(writes.map((write) => writeTemp(write.path, write.bytes)));
  written.forEach((result) => temps.push(result.status === 'fulfilled' ? result.value : undefined));
  const failed = written.findIndex((result) => result.status === 'rejected');
  if (failed >= 0) {
    await discard();
    throw fail('write', failed, (written[failed] as PromiseRejectedResult).reason);
  }

  for (const [index, write] of writes.entries()) {
    try {
      backups.push(await backUp(write.path));
    } catch (error) {
      await discard();
      throw fail('back up the previous content of', index, error);
    }
  }

  let renamed = 0;
  try {
    for (; renamed < writes.length; renamed++) {
      await rename(temps[renamed]!, writes[renamed]!.path);
      temps[renamed] = undefined;
    }
  } catch (error) {
    const rollbackErrors = await rollBack(writes.slice(0, renamed), backups);
    await discard();
    const wrapped = fail('commit', renamed, error);
    if (rollbackErrors.length > 0) {
      wrapped.message += `; restoring the ${renamed} file(s) already written also failed (${rollbackErrors.join('; ')}), so they hold the new content`;
    }
    throw wrapped;
  }
  await discard();
}

/** Keeps the current content of `target` under a temp name (a hard link, else a copy); undefined if there is none. */
async function backUp(target: string): Promise<string | undefined> {
  const backup = tempPathFor(target, 'old');
  try {
    await link(target, backup);
    return backup;
  } catch (error) {
    // Nothing there to keep (a name too long for the disk cannot exist either; its rename will fail and roll back).
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENAMETOOLONG') return undefined;
    // File systems without hard links (some network and FUSE mounts): fall back to a copy.
    await copyFile(target, backup);
    return backup;
  }
}

async function rollBack(done: readonly FileWrite[], backups: readonly (string | undefined)[]): Promise<string[]> {
  const errors: string[] = [];
  for (let index = done.length - 1; index >= 0; index--) {
    const target = done[index]!.path;
    const backup = backups[index];
    try {
      if (backup) await rename(backup, target);
      else await unlink(target);
    } catch (error) {
      errors.push(`${target}: ${(error as Error).message}`);
    }
  }
  return errors;
}
