/**
 * Node only: GDAL reads and writes the machine's files directly.
 *
 * The host's `/` is mounted once (NODEFS) at `/host` inside the module, and each top-level host
 * folder is linked into the module's root (`/work` → `/host/work`), so GDAL sees a host path under
 * its own name: error messages, `gdalinfo` descriptions and the source paths written into VRTs
 * are real paths that native GDAL can read too. Top-level names the module itself uses (`/usr`
 * holds PROJ and GDAL data, `/dev`, `/proc`) are reached as `/host/usr/...` instead, and that
 * prefix is removed from messages.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileError } from '../src/errors.js';
import type { EmscriptenFS, EmscriptenFSNode, EmscriptenModule } from './emscripten.js';
import type { EngineFileSystem, RuntimeAccess } from './engine-core.js';
import type { GdalRuntime } from './gdal-runtime.js';
import { mapGdalPath, stripMountPrefix } from './paths.js';

const MOUNT = '/host';
/** Root entries of the module that must stay: GDAL/PROJ data, devices, our own mounts. */
const RESERVED = new Set(['host', 'mem', 'usr', 'dev', 'proc']);

function isMountpoint(fs: EmscriptenFS, at: string): boolean {
  try {
    // follow_mount: false, or the lookup steps into the mounted root, which is not the mountpoint.
    return Boolean(fs.lookupPath(at, { follow_mount: false }).node.mounted);
  } catch {
    return false;
  }
}

function onlyEmptyFolders(fs: EmscriptenFS, at: string): boolean {
  return fs
    .readdir(at)
    .filter((name) => name !== '.' && name !== '..')
    .every((name) => {
      const child = `${at}/${name}`;
      return fs.isDir(fs.lstat(child).mode) && !isMountpoint(fs, child) && onlyEmptyFolders(fs, child);
    });
}

function removeFolders(fs: EmscriptenFS, at: string): void {
  for (const name of fs.readdir(at)) if (name !== '.' && name !== '..') removeFolders(fs, `${at}/${name}`);
  fs.rmdir(at);
}

/**
 * Makes `/<top>` in the module lead to the host's `/<top>`. Returns false when the name is taken
 * by something the module needs (then the `/host` prefix is used).
 */
function linkTopFolder(fs: EmscriptenFS, top: string): boolean {
  if (RESERVED.has(top)) return false;
  const at = `/${top}`;
  const target = `${MOUNT}/${top}`;
  const found = fs.analyzePath(at, true);
  if (found.exists && found.object) {
    if (fs.isLink(found.object.mode)) return fs.readlink(at) === target;
    // gdal3.js and Emscripten create empty /tmp, /home/web_user, /input, /output: nothing uses them.
    if (!fs.isDir(found.object.mode) || isMountpoint(fs, at) || !onlyEmptyFolders(fs, at)) return false;
    removeFolders(fs, at);
  }
  fs.symlink(target, at);
  return true;
}

function ensureMounted(module: EmscriptenModule): void {
  const { FS } = module;
  // Checked on the file system itself, not remembered here: gdal3.js keeps one module per
  // process, which may outlive this module instance (test runners re-evaluate ES modules).
  if (isMountpoint(FS, MOUNT)) return;
  if (!FS.analyzePath(MOUNT).exists) FS.mkdir(MOUNT);
  FS.mount(module.NODEFS, { root: '/' }, MOUNT);
  // Link every top-level host folder now, not only those a call names: a VRT written by another
  // program may point into any of them.
  for (const top of readdirSync('/')) {
    try {
      linkTopFolder(FS, top);
    } catch {
      // A folder the module cannot link keeps working through the /host prefix.
    }
  }
}

function cachedChild(fs: EmscriptenFS, parent: EmscriptenFSNode, name: string): EmscriptenFSNode | undefined {
  for (let node = fs.nameTable[fs.hashName(parent.id, name)]; node; node = node.name_next) {
    if (node.parent.id === parent.id && node.name === name) return node;
  }
  return undefined;
}

function kindOf(fs: EmscriptenFS, mode: number): 'dir' | 'link' | 'file' {
  return fs.isDir(mode) ? 'dir' : fs.isLink(mode) ? 'link' : 'file';
}

/**
 * Drops the module's cached directory entries along `hostPath` that no longer match the disk.
 * Emscripten caches every file it has seen; a file deleted or replaced by something else (Node's
 * `fs`, another process) would otherwise keep a stale entry, and re-creating that file fails.
 */
function forgetStaleEntries(fs: EmscriptenFS, hostPath: string): void {
  let node = fs.lookupPath(MOUNT).node;
  let current = '';
  for (const name of hostPath.split('/').filter(Boolean)) {
    current += `/${name}`;
    const cached = cachedChild(fs, node, name);
    if (!cached) return;
    let onDisk: 'dir' | 'link' | 'file' | undefined;
    try {
      const stats = lstatSync(current);
      onDisk = stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'link' : 'file';
    } catch {
      onDisk = undefined;
    }
    if (onDisk !== kindOf(fs, cached.mode)) {
      fs.destroyNode(cached);
      return;
    }
    if (onDisk !== 'dir') return;
    node = cached;
  }
}

function fileError(error: unknown, action: string, file: string): FileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file or folder' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
  return new FileError(`cannot ${action} ${file}: ${reason}`, file, { cause: error });
}

/** The file system of `createNodeEngine`: host paths, absolute or relative to the working directory. */
export function hostFileSystem(access: RuntimeAccess): EngineFileSystem {
  const toGdal = (runtime: GdalRuntime, file: string): string =>
    mapGdalPath(file, (inner) => {
      const absolute = path.resolve(inner);
      forgetStaleEntries(runtime.module.FS, absolute);
      const top = absolute.split('/')[1] ?? '';
      return top && linkTopFolder(runtime.module.FS, top) ? absolute : `${MOUNT}${absolute}`;
    });

  return {
    kind: 'host',
    prepare(runtime, paths) {
      ensureMounted(runtime.module);
      return paths.map((file) => toGdal(runtime, file));
    },
    describe: (text) => stripMountPrefix(text, MOUNT),

    async readFile(file) {
      try {
        const bytes = await readFile(file);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (error) {
        throw fileError(error, 'read', file);
      }
    },
    async writeFile(file, bytes) {
      try {
        await mkdir(path.dirname(path.resolve(file)), { recursive: true });
        await writeFile(file, bytes);
      } catch (error) {
        throw fileError(error, 'write', file);
      }
    },
    async remove(file) {
      const runtime = access.loaded();
      if (!runtime) {
        // GDAL has not started: nothing is cached, Node's fs is enough (and keeps GDAL unloaded).
        await unlink(file).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw fileError(error, 'remove', file);
        });
        return;
      }
      ensureMounted(runtime.module);
      const gdalPath = toGdal(runtime, file);
      const found = runtime.module.FS.analyzePath(gdalPath, true);
      if (!found.exists || !found.object) return;
      if (runtime.module.FS.isDir(found.object.mode)) throw new FileError(`cannot remove ${file}: it is a folder (remove removes files)`, file);
      try {
        runtime.module.FS.unlink(gdalPath);
      } catch (error) {
        throw new FileError(`cannot remove ${file}: ${(error as Error).message}`, file, { cause: error });
      }
    },
    async removeTree(folder) {
      // The engine drops its cached view of files that changed on disk before each call.
      try {
        await rm(folder, { recursive: true, force: true });
      } catch (error) {
        throw fileError(error, 'remove folder', folder);
      }
    },
    async exists(file) {
      return stat(file).then(
        () => true,
        () => false,
      );
    },
    async size(file) {
      try {
        const stats = await stat(file);
        return stats.isFile() ? stats.size : undefined;
      } catch {
        return undefined;
      }
    },
    async rename(from, to) {
      // Node's rename replaces `to` itself (a symbolic link there is replaced, never followed);
      // the engine drops its cached view of both paths before its next call.
      try {
        await rename(from, to);
      } catch (error) {
        throw fileError(error, `move ${from} to`, to);
      }
    },
    async mkdir(folder) {
      try {
        await mkdir(folder, { recursive: true });
      } catch (error) {
        throw fileError(error, 'create folder', folder);
      }
    },
  };
}
