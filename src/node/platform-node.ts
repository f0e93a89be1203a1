import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import threads from 'node:worker_threads';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFileAccess } from '../../wasm/file-access.js';
import { createPoolEngine } from '../../wasm/node.js';
import { FileError } from '../errors.js';
import { NodeInputHasher } from '../fingerprint/input-hasher-node.js';
import { NodeModuleReader } from '../fingerprint/module-reader-node.js';
import type { H5Wasm } from '../formats/hdf5-file.js';
import { registerTiffDecoders } from '../formats/tiff-decoders.js';
import { nodeImageCodecs } from './codecs-node.js';
import type { AsyncContext, Platform, SvgDocument, Workspace } from '../platform.js';
import { describeWriteFailure, errorCode } from '../store/fs-errors-node.js';
import { fsStore } from '../store/node.js';
import { nameOwnerIsGone, threadOwnerTag } from '../store/process-owner-node.js';
import { nodeDeflateCodec, useNativeDeflate } from './deflate-node.js';
import { nodeUncompressedCopies } from './uncompressed-copies-node.js';
import { readFileWithSha256, sha256OfFile } from '../sha256-file-node.js';

const hashers = new Map<string, NodeInputHasher>();
const moduleReader = new NodeModuleReader();

/** Node: files on this machine, the filesystem store, GDAL reading and writing host files in place. */
export const nodePlatform: Platform = {
  name: 'node',
  async readFile(path) {
    try {
      const bytes = new Uint8Array(await readFile(path));
      // A computation that reads a file (readRaster('data/x.tif')) records it as a dependency.
      reportFileAccess({ read: [resolve(path)], absent: [] });
      return bytes;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') reportFileAccess({ read: [], absent: [resolve(path)] });
      const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`;
      throw new FileError(`${resolve(path)} ${what}`, path, { cause: error });
    }
  },
  createStore: (root) => fsStore({ root: resolve(root) }),
  // GDAL in worker threads, one per core: independent entries and large steps use every core.
  createEngine: () => createPoolEngine(),
  inputHasher(memoPath) {
    const key = memoPath ?? '';
    let hasher = hashers.get(key);
    if (!hasher) hashers.set(key, (hasher = new NodeInputHasher(memoPath)));
    return hasher;
  },
  moduleReader: () => moduleReader,
  workspace: () => nodeWorkspace,
  // A file: URL's text (readRaster(new URL('./dem.tif', import.meta.url))) is the file's path.
  resolvePath: (path) => (path.startsWith('file:') ? fileURLToPath(path) : resolve(path)),
  asyncContext: () => computationContext,
  createAsyncContext: asyncLocal,
  async importGeotiff(load) {
    // geotiff.js imports `web-worker`, which, when first evaluated inside a worker thread, takes
    // the thread for one of its own workers: it destructures `workerData.mod` (a crash when the
    // thread has no workerData) and, if the user's workerData has a `mod`, runs it as a script.
    // While geotiff.js loads, the thread's workerData is an empty object: web-worker then knows
    // this is not its worker. It is put back at once.
    if (threads.isMainThread) return load();
    const thread = threads as { workerData: unknown };
    const own = thread.workerData;
    thread.workerData = {};
    try {
      return await load();
    } finally {
      thread.workerData = own;
    }
  },
  prepareGeotiff(geotiff) {
    useNativeDeflate(geotiff);
    registerTiffDecoders(geotiff, nodeImageCodecs);
  },
  svgDocument: async () => {
    // linkedom, as Observable Plot's documentation suggests for server-side rendering.
    const { parseHTML } = await import('linkedom');
    return parseHTML('<!doctype html><html><head></head><body></body></html>').document as unknown as SvgDocument;
  },
  deflateCodec: nodeDeflateCodec,
  uncompressedCopies: nodeUncompressedCopies(() => join(processTempFolder(), 'uncompressed')),
  loadHdf5: async () => {
    const h5 = (await import('h5wasm/node')) as unknown as H5Wasm;
    await h5.ready;
    return h5;
  },
};

function asyncLocal<V>(): AsyncContext<V> {
  const storage = new AsyncLocalStorage<V>();
  return { run: (value, fn) => storage.run(value, fn), get: () => storage.getStore() };
}

const computationContext = asyncLocal<readonly string[]>();

let privateTemp: string | undefined;

/**
 * This process's own temporary folder (mode 0700, removed at exit): materialised inputs and
 * staging live there, out of reach of other users of a shared /tmp, where a predictable path
 * could be planted with another file or a symbolic link.
 */
function processTempFolder(): string {
  if (!privateTemp) {
    reclaimDeadTempFolders(tmpdir());
    // The owner goes into the name, as in staging folders: a process killed by a signal never
    // runs its exit handler, and only the name tells a later process that the folder is debris.
    // A worker_thread's folder also names its OS thread: a terminated worker runs no exit handler
    // either, and its process lives on.
    const folder = makeTempFolder(tmpdir());
    privateTemp = folder;
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  }
  return privateTemp;
}

/** A fresh folder of this process's in `parent`; a FileError naming the folder and TMPDIR when it cannot be made. */
function makeTempFolder(parent: string): string {
  try {
    return mkdtempSync(join(parent, `geodata-${threadOwnerTag()}-`));
  } catch (error) {
    // Every computation records its reads here: a bare "EROFS ..., mkdtemp" or "ENOENT" named
    // neither the temporary folder's origin (TMPDIR) nor what to do.
    const code = errorCode(error);
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'ENOTDIR'
          ? 'it is not a folder'
          : code === 'ENOSPC' || code === 'EDQUOT'
          ? `its disk is full (${code})`
          : code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
            ? `it is read-only for this process (${code})`
            : (error as Error).message;
    throw new FileError(
      `cannot create geodata's temporary folder in ${parent} (the system's temporary folder, from TMPDIR): ${why}; set TMPDIR to a writable folder`,
      parent,
      { cause: error },
    );
  }
}

/**
 * Removes the temporary folders of processes on this host that are gone (killed by SIGKILL,
 * SIGINT or SIGTERM, which skip exit handlers), and of this process's worker threads that ended
 * (terminated): they hold materialised inputs and uncompressed
 * copies of outputs, up to a GiB each. One readdir; folders of live or unknown owners stay.
 */
function reclaimDeadTempFolders(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith('geodata-p') && !name.startsWith('geodata-t')) continue;
    if (nameOwnerIsGone(name) !== true) continue;
    try {
      rmSync(join(folder, name), { recursive: true, force: true });
    } catch {
      // Another user's folder, or one removed meanwhile: not ours to insist on.
    }
  }
}

const nodeWorkspace: Workspace = {
  get tempFolder() {
    return processTempFolder();
  },
  async readFile(path) {
    return nodePlatform.readFile(path);
  },
  async writeFile(path, bytes) {
    try {
      await writeFile(path, bytes);
    } catch (error) {
      // A partial file would look like an output: remove it, and say what happened where.
      await rm(path, { force: true }).catch(() => undefined);
      throw new FileError(describeWriteFailure(path, error), path, { cause: error });
    }
  },
  async exists(path) {
    return (await this.size(path)) !== undefined;
  },
  async size(path) {
    try {
      const info = await stat(path);
      return info.isFile() ? info.size : undefined;
    } catch {
      return undefined;
    }
  },
  async remove(path) {
    await rm(path, { force: true });
  },
  async rename(from, to) {
    try {
      await rename(from, to);
    } catch (error) {
      throw new FileError(`cannot move ${from} to ${to}: ${(error as Error).message}`, to, { cause: error });
    }
  },
  async removeFolder(path) {
    await rm(path, { recursive: true, force: true });
  },
  async mkdir(path) {
    try {
      await mkdir(path, { recursive: true });
    } catch (error) {
      throw new FileError(describeWriteFailure(path, error), path, { cause: error });
    }
  },
  async readRange(path, offset, length) {
    const handle = await open(path, 'r').catch((error: unknown) => nodePlatform.readFile(path).then(() => Promise.reject(error)));
    try {
      return await readAt(handle, offset, length);
    } finally {
      await handle.close();
    }
  },
  hashFile: sha256OfFile,
  readFileWithSha256,
  async openFile(path, mode) {
    const handle = await open(path, mode === 'w' ? 'w+' : 'r').catch((error: unknown) =>
      Promise.reject(mode === 'w' ? new FileError(describeWriteFailure(path, error), path, { cause: error }) : error),
    );
    return {
      read: (offset, length) => readAt(handle, offset, length),
      readInto: (offset, target) => readInto(handle, offset, target),
      async write(offset, bytes) {
        let written = 0;
        try {
          while (written < bytes.length) written += (await handle.write(bytes, written, bytes.length - written, offset + written)).bytesWritten;
        } catch (error) {
          // The tile compressor writes the entry's output here: a bare "ENOSPC ..., write" named no file.
          throw new FileError(describeWriteFailure(path, error), path, { cause: error });
        }
      },
      close: () => handle.close(),
    };
  },
  async openWriter(path) {
    const handle = await open(path, 'w').catch((error: unknown) => Promise.reject(new FileError(describeWriteFailure(path, error), path, { cause: error })));
    return {
      write: async (bytes) => {
        let written = 0;
        try {
          while (written < bytes.length) written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
        } catch (error) {
          throw new FileError(describeWriteFailure(path, error), path, { cause: error });
        }
      },
      close: () => handle.close(),
    };
  },
};

/** `length` bytes at `offset` of an open file (fewer at its end): a read may return part, so it loops. */
async function readAt(handle: FileHandle, offset: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  const filled = await readInto(handle, offset, bytes);
  return filled === length ? bytes : bytes.subarray(0, filled);
}

async function readInto(handle: FileHandle, offset: number, target: Uint8Array): Promise<number> {
  let filled = 0;
  while (filled < target.length) {
    const { bytesRead } = await handle.read(target, filled, target.length - filled, offset + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}
