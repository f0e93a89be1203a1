import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reportFileAccess } from '../../wasm/file-access.js';
import { createNodeEngine } from '../../wasm/node.js';
import { FileError } from '../errors.js';
import { NodeInputHasher } from '../fingerprint/input-hasher-node.js';
import { NodeModuleReader } from '../fingerprint/module-reader-node.js';
import type { H5Wasm } from '../formats/hdf5-file.js';
import { registerTiffDecoders } from '../formats/tiff-decoders.js';
import { nodeImageCodecs } from './codecs-node.js';
import type { AsyncContext, Platform, SvgDocument, Workspace } from '../platform.js';
import { fsStore } from '../store/node.js';
import { useNativeDeflate } from './deflate-node.js';

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
  createEngine: () => createNodeEngine(),
  inputHasher(memoPath) {
    const key = memoPath ?? '';
    let hasher = hashers.get(key);
    if (!hasher) hashers.set(key, (hasher = new NodeInputHasher(memoPath)));
    return hasher;
  },
  moduleReader: () => moduleReader,
  workspace: () => nodeWorkspace,
  resolvePath: (path) => resolve(path),
  asyncContext: () => computationContext,
  createAsyncContext: asyncLocal,
  prepareGeotiff(geotiff) {
    useNativeDeflate(geotiff);
    registerTiffDecoders(geotiff, nodeImageCodecs);
  },
  svgDocument: async () => {
    // linkedom, as Observable Plot's documentation suggests for server-side rendering.
    const { parseHTML } = await import('linkedom');
    return parseHTML('<!doctype html><html><head></head><body></body></html>').document as unknown as SvgDocument;
  },
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
    const folder = mkdtempSync(join(tmpdir(), 'geodata-'));
    privateTemp = folder;
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  }
  return privateTemp;
}

const nodeWorkspace: Workspace = {
  get tempFolder() {
    return processTempFolder();
  },
  async readFile(path) {
    return nodePlatform.readFile(path);
  },
  async writeFile(path, bytes) {
    await writeFile(path, bytes);
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
    await mkdir(path, { recursive: true });
  },
  async readRange(path, offset, length) {
    const handle = await open(path, 'r').catch((error: unknown) => nodePlatform.readFile(path).then(() => Promise.reject(error)));
    try {
      const bytes = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === length ? bytes : bytes.subarray(0, filled);
    } finally {
      await handle.close();
    }
  },
  async openWriter(path) {
    const handle = await open(path, 'w');
    return {
      write: async (bytes) => {
        let written = 0;
        while (written < bytes.length) written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
      },
      close: () => handle.close(),
    };
  },
};
