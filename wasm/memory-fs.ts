import { FileError } from '../src/errors.js';
import type { EngineFileSystem, RuntimeAccess } from './engine-core.js';
import type { EmscriptenFS } from './emscripten.js';
import type { GdalRuntime } from './gdal-runtime.js';
import { mapGdalPath, normalizePosixPath, parentPosixPath, stripMountPrefix } from './paths.js';

/**
 * GDAL's in-memory file system as the engine's file system (browsers; Node tests). Caller paths
 * live under a private `/mem` folder of the module, so they never collide with gdal3.js's own
 * files (`/usr/share/proj`...) nor, in Node, with host folders another engine linked in; the
 * prefix is removed from messages. Relative paths are relative to `/`.
 */
export const MEMORY_ROOT = '/mem';

function toGdal(file: string): string {
  return mapGdalPath(file, (inner) => `${MEMORY_ROOT}${normalizePosixPath(inner)}`);
}

/**
 * A file method's path in the module. GDAL's own namespaces (`/vsimem/...`) reach the module's
 * file system as they are: they are kept within themselves, as `..` would otherwise climb out of
 * them (`removeTree('/vsimem/../usr')` removed gdal3.js's PROJ database).
 */
function fileInModule(file: string): string {
  const mapped = toGdal(file);
  const namespace = /^\/vsi[^/]*/.exec(mapped);
  return namespace ? `${namespace[0]}${normalizePosixPath(mapped.slice(namespace[0].length))}` : mapped;
}

function ensureFolder(fs: EmscriptenFS, folder: string): void {
  fs.mkdirTree(folder);
}

function entry(fs: EmscriptenFS, gdalPath: string): { exists: boolean; isDir: boolean } {
  const found = fs.analyzePath(gdalPath);
  return { exists: found.exists, isDir: Boolean(found.object && fs.isDir(found.object.mode)) };
}

/**
 * Refuses a path inside a file (`/a/b` where `/a` is a file) with the caller's paths, where
 * Emscripten would throw its bare `ErrnoError: FS error` (ENOTDIR); the Web Worker pool's page
 * files (`page-files.ts`) refuse it with the same words.
 */
function refuseFileParent(fs: EmscriptenFS, gdalPath: string, what: string, file: string): void {
  const parents: string[] = [];
  for (let parent = parentPosixPath(gdalPath); parent.length > MEMORY_ROOT.length; parent = parentPosixPath(parent)) parents.unshift(parent);
  for (const parent of parents) {
    const found = entry(fs, parent);
    if (!found.exists) return;
    if (!found.isDir) throw new FileError(`${what}: ${parent.slice(MEMORY_ROOT.length)} is a file, not a folder`, file);
  }
}

/** The file system of `createMemoryEngine`. Every file method loads gdal3.js: the files live in it. */
export function memoryFileSystem(access: RuntimeAccess): EngineFileSystem {
  const withFs = async <T>(body: (fs: EmscriptenFS, runtime: GdalRuntime) => T): Promise<T> => {
    const runtime = await access.acquire();
    ensureFolder(runtime.module.FS, MEMORY_ROOT);
    return body(runtime.module.FS, runtime);
  };

  return {
    kind: 'memory',
    prepare(runtime, paths) {
      ensureFolder(runtime.module.FS, MEMORY_ROOT);
      return paths.map(toGdal);
    },
    describe: (text) => stripMountPrefix(text, MEMORY_ROOT),

    readFile: (file) =>
      withFs((fs) => {
        const gdalPath = fileInModule(file);
        const found = entry(fs, gdalPath);
        if (!found.exists) throw new FileError(`cannot read ${file}: no such file in the engine's memory file system (write it with writeFile first)`, file);
        if (found.isDir) throw new FileError(`cannot read ${file}: it is a folder`, file);
        // A copy, so the caller's bytes stay valid when the file changes or the heap grows.
        return fs.readFile(gdalPath).slice();
      }),
    writeFile: (file, bytes) => {
      // Copied now: the caller may change its array before the write runs (gdal3.js may still be
      // loading), as it may with the worker engine and the pools. The file then keeps the copy.
      const own = bytes instanceof Uint8Array ? bytes.slice() : bytes;
      return withFs((fs) => {
        const gdalPath = fileInModule(file);
        if (entry(fs, gdalPath).isDir) throw new FileError(`cannot write ${file}: it is a folder`, file);
        refuseFileParent(fs, gdalPath, `cannot write ${file}`, file);
        ensureFolder(fs, parentPosixPath(gdalPath));
        fs.writeFile(gdalPath, own, { canOwn: true });
      });
    },
    remove: (file) =>
      withFs((fs) => {
        const gdalPath = fileInModule(file);
        const found = entry(fs, gdalPath);
        if (!found.exists) return;
        if (found.isDir) throw new FileError(`cannot remove ${file}: it is a folder (remove removes files)`, file);
        fs.unlink(gdalPath);
      }),
    removeTree: (folder) =>
      withFs((fs) => {
        const remove = (gdalPath: string): void => {
          const found = entry(fs, gdalPath);
          if (!found.exists) return;
          if (!found.isDir) return fs.unlink(gdalPath);
          for (const name of fs.readdir(gdalPath)) if (name !== '.' && name !== '..') remove(`${gdalPath}/${name}`);
          fs.rmdir(gdalPath);
        };
        remove(fileInModule(folder));
      }),
    exists: (file) => withFs((fs) => entry(fs, fileInModule(file)).exists),
    size: (file) =>
      withFs((fs) => {
        const gdalPath = fileInModule(file);
        const found = entry(fs, gdalPath);
        return found.exists && !found.isDir ? fs.stat(gdalPath).size : undefined;
      }),
    rename: (from, to) =>
      withFs((fs) => {
        const [source, target] = [fileInModule(from), fileInModule(to)];
        const found = entry(fs, source);
        if (!found.exists) throw new FileError(`cannot move ${from} to ${to}: no such file in the engine's memory file system`, from);
        if (found.isDir) throw new FileError(`cannot move ${from} to ${to}: it is a folder (rename moves files)`, from);
        if (source === target) return;
        const existing = entry(fs, target);
        if (existing.isDir) throw new FileError(`cannot move ${from} to ${to}: a folder has that name`, to);
        refuseFileParent(fs, target, `cannot move ${from} to ${to}`, to);
        ensureFolder(fs, parentPosixPath(target));
        // Unlinked first: Emscripten's rename leaves the replaced node in its lookup table.
        if (existing.exists) fs.unlink(target);
        fs.rename(source, target);
      }),
    mkdir: (folder) =>
      withFs((fs) => {
        const gdalPath = fileInModule(folder);
        const found = entry(fs, gdalPath);
        if (found.exists && !found.isDir) throw new FileError(`cannot create folder ${folder}: a file has that name`, folder);
        refuseFileParent(fs, gdalPath, `cannot create folder ${folder}`, folder);
        ensureFolder(fs, gdalPath);
      }),
  };
}
