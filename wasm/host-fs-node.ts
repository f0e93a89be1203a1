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
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileError } from '../src/errors.js';
import type { EmscriptenFS, EmscriptenFSNode, EmscriptenModule } from './emscripten.js';
import type { EngineFileSystem, RuntimeAccess, WatchedAccess } from './engine-core.js';
import { reportFileAccess } from './file-access.js';
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

/** What of Emscripten's NODEFS the link fix uses (gdal3.js ships no types for it). */
interface NodeFs {
  realPath(node: EmscriptenFSNode): string;
  node_ops: { readlink: ((node: LinkNode) => string) & { followsHostLinks?: true } };
}

interface LinkNode extends EmscriptenFSNode {
  mount: { mountpoint: string; opts: { root: string } };
}

/**
 * Makes symbolic links on the host work inside the module. NODEFS turns a link's target into a
 * path relative to the mount's root folder, which Emscripten then resolves against the link's own
 * folder: `/work/data -> /srv/data` becomes `/host/work/srv/data`, and a relative target goes
 * wrong the same way. Here the target is resolved on the host, as the host would, and returned as
 * the absolute path of that file inside the module (under the mount point).
 */
function followHostLinks(module: EmscriptenModule): void {
  const nodeFs = module.NODEFS as NodeFs;
  const original = nodeFs.node_ops.readlink;
  // Checked on the shared object, not remembered here (see ensureMounted).
  if (original.followsHostLinks) return;
  const readlink = Object.assign(
    (node: LinkNode): string => {
      const fallback = original(node); // throws the errors Emscripten expects (not a link, gone)
      const real = nodeFs.realPath(node);
      const root = path.resolve(node.mount.opts.root);
      let target: string;
      try {
        target = path.resolve(path.dirname(real), readlinkSync(real));
      } catch {
        return fallback;
      }
      const inside = path.relative(root, target);
      if (inside.startsWith('..') || path.isAbsolute(inside)) return fallback;
      return path.posix.join(node.mount.mountpoint, inside);
    },
    { followsHostLinks: true as const },
  );
  nodeFs.node_ops.readlink = readlink;
}

function ensureMounted(module: EmscriptenModule): void {
  const { FS } = module;
  followHostLinks(module);
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

/**
 * Makes the process's working folder GDAL's too, before each call: the paths of a call are made
 * absolute here, but names inside files are GDAL's to resolve, and native GDAL resolves a VRT
 * source that is not `relativeToVRT` against the working folder. In Emscripten's file system it
 * was `/`, so such a VRT opened with native GDAL and failed here ("sub/a.tif: No such file").
 */
function enterWorkingFolder(fs: EmscriptenFS): void {
  try {
    // process.cwd() throws once the working folder is removed.
    const cwd = process.cwd();
    const top = cwd.split('/')[1] ?? '';
    fs.chdir(top && linkTopFolder(fs, top) ? cwd : `${MOUNT}${cwd}`);
  } catch {
    // A working folder that is gone, or that the module cannot enter, leaves GDAL's where it was:
    // only relative names inside files depend on it.
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

type WatchedFS = Omit<EmscriptenFS, 'stat' | 'lstat' | 'write'> & {
  open(path: unknown, flags: unknown, ...rest: unknown[]): { node?: EmscriptenFSNode } | undefined;
  stat(path: unknown, ...rest: unknown[]): unknown;
  lstat(path: unknown, ...rest: unknown[]): unknown;
  write(stream: { path?: unknown } | undefined, ...rest: unknown[]): unknown;
};

/** Emscripten's errno numbers (WASI's) for a disk or quota that is full. */
const NO_SPACE_ERRNO = new Map([
  [51, 'ENOSPC'],
  [19, 'EDQUOT'],
]);

/** Emscripten's ENOENT and ENOTDIR: the file is not there. */
const MISSING_ERRNO = new Set([44, 54]);

function isMissing(error: unknown): boolean {
  return MISSING_ERRNO.has((error as { errno?: number } | null)?.errno ?? -1);
}

function opensForReading(flags: unknown): boolean {
  if (typeof flags === 'string') return flags === 'r';
  return typeof flags === 'number' && (flags & 3) === 0; // O_ACCMODE == O_RDONLY
}

/** The host path of a path inside the module, or undefined for the module's own files (GDAL data, /dev). */
function hostPathOf(fs: EmscriptenFS, modulePath: string, links: Map<string, boolean>): string | undefined {
  if (!modulePath.startsWith('/')) return undefined;
  if (modulePath.startsWith(`${MOUNT}/`)) return modulePath.slice(MOUNT.length);
  const top = modulePath.split('/')[1] ?? '';
  if (!top || RESERVED.has(top)) return undefined;
  let linked = links.get(top);
  if (linked === undefined) {
    try {
      const found = fs.analyzePath(`/${top}`, true);
      linked = Boolean(found.exists && found.object && fs.isLink(found.object.mode) && fs.readlink(`/${top}`) === `${MOUNT}/${top}`);
    } catch {
      linked = false;
    }
    links.set(top, linked);
  }
  return linked ? modulePath : undefined;
}

/**
 * Watches, for one synchronous GDAL call, which host files GDAL opens for reading and which it
 * looks for without finding them. GDAL's sidecar probes (`.aux.xml`, `.ovr`, `.tfw`, `.prj`...)
 * are only visible as such when it does not read whole folder listings, so calls run with
 * `GDAL_DISABLE_READDIR_ON_OPEN=YES`. Absent files are kept only in the folders of the files it
 * read or was given: that is where its sidecars are, and the list stays short. Returns the
 * function that stops watching and returns the host paths.
 */
function watchHostReads(runtime: GdalRuntime, inputs: readonly string[], dest: string | undefined): () => WatchedAccess {
  const fs = runtime.module.FS as unknown as WatchedFS;
  const plain = runtime.module.FS;
  const original = { open: fs.open, stat: fs.stat, lstat: fs.lstat, write: fs.write };
  const read = new Set<string>();
  const absent = new Set<string>();
  // GDAL says only "Write error" when the disk is full: the write that failed says why.
  let noSpace: { at: string; code: string } | undefined;
  fs.write = function (this: unknown, stream, ...rest) {
    try {
      return original.write.call(this, stream, ...rest);
    } catch (error) {
      const code = NO_SPACE_ERRNO.get((error as { errno?: number } | null)?.errno ?? -1);
      if (code && !noSpace && typeof stream?.path === 'string') noSpace = { at: stream.path, code };
      throw error;
    }
  };
  const missing = (error: unknown, at: unknown) => {
    if (typeof at === 'string' && isMissing(error)) absent.add(at);
  };
  fs.open = function (this: unknown, at, flags, ...rest) {
    let stream: { node?: EmscriptenFSNode } | undefined;
    try {
      stream = original.open.call(this, at, flags, ...rest);
    } catch (error) {
      missing(error, at);
      throw error;
    }
    if (typeof at === 'string' && opensForReading(flags) && stream?.node && !fs.isDir(stream.node.mode)) read.add(at);
    return stream;
  };
  for (const name of ['stat', 'lstat'] as const) {
    fs[name] = function (this: unknown, at, ...rest) {
      try {
        return original[name].call(this, at, ...rest);
      } catch (error) {
        missing(error, at);
        throw error;
      }
    };
  }
  return () => {
    Object.assign(fs, original);
    const links = new Map<string, boolean>();
    const skip = dest === undefined ? undefined : path.resolve(dest);
    const host = (paths: Iterable<string>) =>
      [...new Set([...paths].map((at) => hostPathOf(plain, path.posix.normalize(at), links)))].filter((at): at is string => at !== undefined && at !== skip);
    const reads = host(read);
    const folders = new Set([...reads, ...inputs.map((input) => path.resolve(input))].map((at) => path.dirname(at)));
    const seen = new Set(reads);
    const full = noSpace && (hostPathOf(plain, path.posix.normalize(noSpace.at), links) ?? stripMountPrefix(noSpace.at, MOUNT));
    return {
      read: reads,
      absent: host(absent).filter((at) => !seen.has(at) && folders.has(path.dirname(at))),
      ...(noSpace && full ? { writeFailure: `the disk holding ${full} is full (${noSpace.code}); free space, or write to a larger disk` } : {}),
    };
  };
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
      enterWorkingFolder(runtime.module.FS);
      return paths.map((file) => toGdal(runtime, file));
    },
    describe: (text) => stripMountPrefix(text, MOUNT),
    // Sidecar probes are observable only without folder listings (see watchHostReads).
    // Emscripten's statvfs reports a fixed 2,048,000,000 bytes free whatever the disk has, so
    // GDAL's free-space check refused every uncompressed output larger than that ("Free disk space
    // available is 2048000000 bytes"): on host files the real disk decides.
    callConfig: { GDAL_DISABLE_READDIR_ON_OPEN: 'YES', CHECK_DISK_FREE_SPACE: 'FALSE' },
    watch: (runtime, inputs, dest) => watchHostReads(runtime, inputs, dest),

    async readFile(file) {
      try {
        const bytes = await readFile(file);
        reportFileAccess({ read: [path.resolve(file)], absent: [] });
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') reportFileAccess({ read: [], absent: [path.resolve(file)] });
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
