// Node only: the filesystem store adapter. Never import this from code the browser entry reaches.
import { readFileSync, statSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { InvalidInputError, StoreError } from '../errors.js';
import { errorCode, fsStoreError, isMissing } from './fs-errors-node.js';
import { findDebris, reclaimDebris, type DebrisItem } from './debris-node.js';
import { acquireFolderLock, type StaleLockInfo } from './fs-lock-node.js';
import { threadOwnerTag } from './process-owner-node.js';
import { writeFileAtomic, writeFilesAtomic } from './fs-write-node.js';
import type { LockingStoreAdapter } from './in-process-lock.js';
import { RESERVED_ROOT_SEGMENTS, TEMP_MARKER, checkBytes, checkPrefix, folderKey, keySegments } from './key.js';

/** Files up to this size are read synchronously (see get). */
const SMALL_FILE = 256 * 1024;

/** Options of {@link fsStore}. */
export interface FsStoreOptions {
  /** The cache folder; created on first write. Relative paths resolve against the working directory. */
  root: string;
  /** Called when a lock left by a dead process is taken over (for logs). */
  onStaleLock?: (info: StaleLockInfo) => void;
  /** Called when debris of dead processes (staging folders, lock leftovers) was reclaimed (for logs). */
  onReclaim?: (items: DebrisItem[]) => void;
}

/** The fs adapter: every optional method of StoreAdapter is present. */
export interface FsStore extends LockingStoreAdapter {
  /** The absolute cache folder. */
  readonly root: string;
  localPath(key: string): string;
  createStagingFolder(label: string): Promise<string>;
  commitFolder(folder: string, prefix: string, options?: { replace?: boolean }): Promise<void>;
  /** What killed runs left in `.staging/` and `.locks/`, with owners judged and sizes. */
  debris(): Promise<DebrisItem[]>;
}

/**
 * A store whose keys are files under `root`, laid out as the keys say, so a person (or GDAL)
 * can browse the cache as folders. Writes go to a temp file and are renamed into place;
 * `keys()` skips the store's own folders (`.staging/`, `.locks/`) and temp files.
 * @example
 * const store = fsStore({ root: 'cache' });
 * await store.set('data_processed/ab12/meta.json', bytes);
 * store.localPath('data_processed/ab12/meta.json'); // '/abs/cache/data_processed/ab12/meta.json'
 */
export function fsStore(options: FsStoreOptions): FsStore {
  if (typeof options?.root !== 'string' || options.root === '') {
    throw new InvalidInputError(`fsStore needs a root folder such as { root: "cache" }, got ${JSON.stringify(options?.root)}`);
  }
  const root = resolve(options.root);
  const name = `fs:${root}`;
  const pathOf = (key: string) => join(root, ...keySegments(key, name));
  const fail = (action: string, key: string, cause: unknown) => fsStoreError(action, key, root, cause);

  // The first write of this store in this process (a lock or a staging folder) first reclaims
  // the debris of dead processes: one readdir of .staging and one of .locks.
  let reclaimed: Promise<void> | undefined;
  const reclaimOnce = () =>
    (reclaimed ??= reclaimDebris(root).then(
      (items) => void (items.length > 0 && options.onReclaim?.(items)),
      () => undefined,
    ));

  const listInto = async (folder: string, keyPrefix: string, namePrefix: string, out: string[]): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw fail('list', keyPrefix || '(root)', error);
    }
    await Promise.all(
      entries.map(async (entry) => {
        const base = entry.name;
        if (!base.startsWith(namePrefix) || base.includes(TEMP_MARKER) || base.includes('\\')) return;
        if (keyPrefix === '' && RESERVED_ROOT_SEGMENTS.includes(base)) return;
        const key = keyPrefix + base;
        if (entry.isDirectory()) return listInto(join(folder, base), `${key}/`, '', out);
        // Symbolic links count when they point to a file; linked folders are not followed (no cycles).
        const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(join(folder, base)).then((s) => s.isFile(), () => false)));
        if (isFile) out.push(key);
      }),
    );
  };

  const keys = async (prefix = ''): Promise<string[]> => {
    checkPrefix(prefix, name);
    // Walk only the deepest folder the prefix names, then filter its entries by the rest.
    const cut = prefix.lastIndexOf('/') + 1;
    const out: string[] = [];
    await listInto(join(root, ...prefix.slice(0, cut).split('/').filter(Boolean)), prefix.slice(0, cut), prefix.slice(cut), out);
    return out.sort();
  };

  const statKey = async (key: string): Promise<{ size: number; mtimeMs: number } | undefined> => {
    const path = pathOf(key);
    try {
      // One syscall: the promise API's thread-pool round trip costs more than the call itself, and
      // scanning a cache stats thousands of files.
      const found = statSync(path);
      return found.isFile() ? { size: found.size, mtimeMs: found.mtimeMs } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw fail('stat', key, error);
    }
  };

  /** Removes empty folders from each of `folders` up to (not including) the root; folders still in use stay. */
  const pruneEmpty = async (folders: Iterable<string>): Promise<void> => {
    const chain = new Set<string>();
    for (let folder of folders) {
      while (folder.startsWith(root + sep) && !chain.has(folder)) {
        chain.add(folder);
        folder = dirname(folder);
      }
    }
    const deepestFirst = [...chain].sort((a, b) => b.split(sep).length - a.split(sep).length);
    for (const folder of deepestFirst) await rmdir(folder).catch(() => {});
  };

  /** Moves `target` aside (into .staging), `source` into its place, then removes the old one. */
  const replaceFolder = async (source: string, target: string, key: string): Promise<void> => {
    await mkdir(join(root, '.staging'), { recursive: true });
    const aside = await mkdtemp(join(root, '.staging', `replaced-${threadOwnerTag()}-`));
    const old = join(aside, 'entry');
    try {
      await rename(target, old);
    } catch (error) {
      await rm(aside, { recursive: true, force: true });
      throw fail(`move the entry being replaced out of`, `${key}/`, error);
    }
    try {
      await rename(source, target);
    } catch (error) {
      // Put the old entry back: the commit failed, nothing changed.
      await rename(old, target).catch(() => undefined);
      await rm(aside, { recursive: true, force: true });
      throw fail(`commit the folder ${JSON.stringify(source)} as`, `${key}/`, error);
    }
    await rm(aside, { recursive: true, force: true });
  };

  return {
    name,
    root,

    async get(key) {
      const path = pathOf(key);
      try {
        // Small files (meta.json, parameters.json...) are read at once: a cache scan reads thousands
        // of them, and the promise API takes four round trips per file. Outputs stay asynchronous.
        // (readFileSync may hand out a slice of Node's shared buffer pool: small values are copied.)
        if (statSync(path).size <= SMALL_FILE) return new Uint8Array(readFileSync(path));
        const bytes = await readFile(path);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (error) {
        if (isMissing(error) || errorCode(error) === 'EISDIR') return undefined;
        throw fail('read', key, error);
      }
    },

    async has(key) {
      return (await statKey(key)) !== undefined;
    },

    stat: statKey,

    keys,

    async set(key, value) {
      const path = pathOf(key);
      checkBytes(value, key, name);
      try {
        await writeFileAtomic(path, value);
      } catch (error) {
        throw fail('write', key, error);
      }
    },

    async setMany(entries) {
      const writes = entries.map(([key, bytes]) => {
        const path = pathOf(key);
        checkBytes(bytes, key, name);
        return { path, bytes };
      });
      await writeFilesAtomic(writes, (action, index, cause) => fail(action, entries[index]![0], cause));
    },

    async remove(key) {
      const path = pathOf(key);
      try {
        await unlink(path);
      } catch (error) {
        // A folder is not a key, so removing it as one is a no-op like a missing key.
        if (isMissing(error) || errorCode(error) === 'EISDIR') return;
        throw fail('remove', key, error);
      }
    },

    async removePrefix(prefix) {
      const found = await keys(prefix);
      const folder = prefix.endsWith('/') ? pathOf(folderKey(prefix, name)) : undefined;
      try {
        if (folder) {
          // A folder prefix: remove the whole folder, including temp files a crash left there.
          const isFolder = await stat(folder).then((s) => s.isDirectory(), () => false);
          if (isFolder) await rm(folder, { recursive: true, force: true });
          await pruneEmpty([dirname(folder)]);
        } else {
          await Promise.all(found.map((key) => unlink(join(root, key)).catch((error) => (isMissing(error) ? undefined : Promise.reject(error)))));
          await pruneEmpty(found.map((key) => dirname(join(root, key))));
        }
      } catch (error) {
        throw fail('remove the keys under', prefix, error);
      }
      return found.length;
    },

    async lock(lockName, lockOptions = {}) {
      await reclaimOnce();
      let recovered = false;
      const onStaleLock = (info: StaleLockInfo) => {
        recovered = true;
        options.onStaleLock?.(info);
      };
      const release = await acquireFolderLock(join(root, '.locks'), lockName, { ...lockOptions, storeName: name, onStaleLock });
      // A waiter that took over the lock of a process that died after this store's first write
      // would otherwise leave that process's staging folders until some later run: reclaim now.
      if (recovered) {
        await reclaimDebris(root).then(
          (items) => void (items.length > 0 && options.onReclaim?.(items)),
          () => undefined,
        );
      }
      return release;
    },

    localPath(key) {
      const path = pathOf(key);
      // keySegments already refuses "..", this is the last line of defence for whatever it might miss.
      if (!resolve(path).startsWith(root + sep)) {
        throw new InvalidInputError(`store ${name}: key ${JSON.stringify(key)} resolves outside the store root ${root}`);
      }
      return path;
    },

    async createStagingFolder(label) {
      const safe = String(label).replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '').slice(0, 60) || 'staging';
      await reclaimOnce();
      try {
        await mkdir(join(root, '.staging'), { recursive: true });
        // The owner goes into the name (see threadOwnerTag): a later run tells a dead owner's folder with one readdir.
        return await mkdtemp(join(root, '.staging', `${safe}-${threadOwnerTag()}-`));
      } catch (error) {
        throw fail('create a staging folder for', String(label), error);
      }
    },

    debris() {
      return findDebris(root, { withSizes: true });
    },

    async commitFolder(folder, prefix, commitOptions = {}) {
      const key = folderKey(prefix, name);
      const source = resolve(folder);
      const target = pathOf(key);
      const isFolder = await stat(source).then((s) => s.isDirectory(), () => false);
      if (!isFolder) {
        throw new StoreError(`store ${name}: cannot commit ${JSON.stringify(source)} as "${key}/": it is not a folder; create one with createStagingFolder`);
      }
      try {
        await mkdir(dirname(target), { recursive: true });
      } catch (error) {
        throw fail(`create the folder for`, `${key}/`, error);
      }
      try {
        // rename() of a folder is atomic and refuses a non-empty target, which is the check we want.
        await rename(source, target);
      } catch (error) {
        const code = errorCode(error);
        // A file where the entry's folder goes (ENOTDIR) is in the way like an old entry: replaced
        // too, or every later run of this entry would fail until someone removed it by hand.
        const fileInTheWay = code === 'ENOTDIR' && (await lstat(target).then((s) => !s.isDirectory(), () => false));
        if ((code === 'ENOTEMPTY' || code === 'EEXIST' || fileInTheWay) && commitOptions.replace) {
          await replaceFolder(source, target, key);
          return;
        }
        if (code === 'ENOTEMPTY' || code === 'EEXIST') {
          throw new StoreError(
            `store ${name}: cannot commit ${JSON.stringify(source)} as "${key}/": that folder already has content. Nothing was changed; ` +
              `remove the old entry first (removePrefix("${key}/")) or commit under another key`,
            { cause: error },
          );
        }
        throw fail(`commit the folder ${JSON.stringify(source)} as`, `${key}/`, error);
      }
    },
  };
}
