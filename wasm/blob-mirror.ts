/**
 * The worker side of the Web Worker pool's files (`web-worker-pool.ts`). The pool keeps every
 * file in the page, as a `Blob`; before a call, a worker makes its in-memory file system hold the
 * same files (`MirrorSync`), and after the call it hands back what GDAL wrote (`MirrorChanges`).
 *
 * A file arrives as a read-only node backed by its `Blob` (a node of Emscripten's WORKERFS placed
 * in the in-memory folder tree, at the file's own path: a VRT's relative sources resolve as
 * usual): no bytes are copied until GDAL reads them, and then only the blocks it reads, so a
 * worker pays nothing for the page's files its call never opens (GDAL may open files no argument
 * names: the sources of a VRT, a shapefile's `.dbf`, a `.aux.xml`). Between calls a worker holds
 * only such nodes and folders, so every other file after a call is one the call wrote.
 */
import { FileError } from '../src/errors.js';
import type { EmscriptenFS, EmscriptenFSNode, EmscriptenModule } from './emscripten.js';
import { MEMORY_ROOT } from './memory-fs.js';
import { normalizePosixPath, parentPosixPath } from './paths.js';
import type { MirrorChanges, MirrorSync } from './worker-protocol.js';

/** The unit GDAL's reads are served in: one synchronous read of the `Blob` per block. */
const BLOCK_BYTES = 4 * 1024 * 1024;
/** Blocks kept during one call at most (a call that reads more re-reads the oldest). */
const CACHE_BYTES = 256 * 1024 * 1024;

interface FileReaderSyncLike {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

type StreamRead = (stream: unknown, buffer: Int8Array | Uint8Array, offset: number, length: number, position: number) => number;
interface BlobNode extends EmscriptenFSNode {
  stream_ops: { read: StreamRead; [name: string]: unknown };
}

/** The parts of Emscripten's WORKERFS used here. */
interface WorkerFs {
  FILE_MODE: number;
  createNode(parent: EmscriptenFSNode, name: string, mode: number, dev: number, contents: Blob): BlobNode;
}

/** What a worker's files were before a call: to tell what the call changed. */
interface Before {
  blobs: Set<string>;
  folders: Set<string>;
}

/** The blocks of `Blob`s read during one call. */
class BlockCache {
  private readonly blocks = new Map<string, Uint8Array>();
  private readonly ids = new WeakMap<Blob, number>();
  private nextId = 0;
  private bytes = 0;

  constructor(private readonly reader: FileReaderSyncLike) {}

  block(blob: Blob, index: number): Uint8Array {
    let id = this.ids.get(blob);
    if (id === undefined) this.ids.set(blob, (id = this.nextId++));
    const key = `${id}:${index}`;
    const cached = this.blocks.get(key);
    if (cached) return cached;
    const block = new Uint8Array(this.reader.readAsArrayBuffer(blob.slice(index * BLOCK_BYTES, (index + 1) * BLOCK_BYTES)));
    this.blocks.set(key, block);
    this.bytes += block.length;
    for (const [oldest, bytes] of this.blocks) {
      if (this.bytes <= CACHE_BYTES || oldest === key) break;
      this.blocks.delete(oldest);
      this.bytes -= bytes.length;
    }
    return block;
  }

  clear(): void {
    this.blocks.clear();
    this.bytes = 0;
  }
}

/** A worker's files, kept equal to the page's by `apply` and reported back by `collect`. */
export class BlobMirror {
  private readonly fs: EmscriptenFS;
  private readonly workerFs: WorkerFs;
  private readonly reader: FileReaderSyncLike;
  private readonly cache: BlockCache;
  /** The `Blob` node at each caller path. */
  private readonly linked = new Map<string, { node: BlobNode; blob: Blob }>();

  constructor(module: EmscriptenModule) {
    const Reader = (globalThis as { FileReaderSync?: new () => FileReaderSyncLike }).FileReaderSync;
    if (!module.WORKERFS || !Reader) {
      throw new FileError('the Web Worker pool needs a worker with FileReaderSync and a gdal3.js build with WORKERFS; use createWorkerEngine() instead', MEMORY_ROOT);
    }
    this.fs = module.FS;
    this.workerFs = module.WORKERFS as WorkerFs;
    this.reader = new Reader();
    this.cache = new BlockCache(this.reader);
    this.fs.mkdirTree(MEMORY_ROOT);
  }

  /** Makes this worker's files those of `sync`; returns what they are, for `collect`. */
  apply(sync: MirrorSync): Before {
    if (sync.reset) {
      for (const path of [...this.linked.keys()]) this.drop(path);
      for (const name of this.children(MEMORY_ROOT)) this.removeGdal(`${MEMORY_ROOT}/${name}`);
    }
    for (const path of sync.remove) this.drop(normalizePosixPath(path));
    const folders = new Set(sync.folders.map(normalizePosixPath));
    const current = this.walk();
    // Deepest first, so that a folder's removal never meets one already gone.
    for (const folder of [...current.folders].sort((a, b) => b.length - a.length)) {
      if (!folders.has(folder)) this.removeGdal(gdalPath(folder));
    }
    for (const folder of folders) this.fs.mkdirTree(gdalPath(folder));
    for (const { path, blob } of sync.put) this.place(normalizePosixPath(path), blob);
    for (const path of sync.writable) this.materialize(normalizePosixPath(path));
    const after = this.walk();
    // The writable copies count too: a call that removes its output removes them.
    return { blobs: new Set([...after.blobs, ...after.files]), folders: after.folders };
  }

  /**
   * What the call changed since `apply` returned `before`: files written (each then replaced by
   * a node of its new `Blob`, so the worker's heap does not keep a copy), files removed, folders
   * added and removed.
   */
  collect(before: Before): MirrorChanges {
    this.cache.clear();
    const now = this.walk();
    const written: MirrorChanges['written'] = [];
    // A `Blob` node at a path not its own was moved there by the call.
    for (const path of [...now.files, ...[...now.blobs].filter((path) => this.linked.get(path)?.node !== this.nodeAt(path))]) {
      // FS.readFile copies into a new (never shared) ArrayBuffer.
      const bytes = this.fs.readFile(gdalPath(path)) as Uint8Array<ArrayBuffer>;
      const blob = new Blob([bytes]);
      this.place(path, blob);
      written.push({ path, blob });
    }
    const removed: string[] = [];
    for (const path of before.blobs) {
      if (now.blobs.has(path) || now.files.has(path)) continue;
      this.drop(path);
      removed.push(path);
    }
    return {
      written,
      removed,
      foldersAdded: [...now.folders].filter((folder) => !before.folders.has(folder)),
      foldersRemoved: [...before.folders].filter((folder) => !now.folders.has(folder)),
    };
  }

  /** Forgets the blocks read during a call that failed before `collect`. */
  clearCache(): void {
    this.cache.clear();
  }

  /** Puts a read-only node of `blob` at `path`, replacing whatever is there. */
  private place(path: string, blob: Blob): void {
    const target = gdalPath(path);
    this.drop(path);
    if (this.fs.analyzePath(target, true).exists) this.removeGdal(target);
    const folder = parentPosixPath(target);
    this.fs.mkdirTree(folder);
    const node = this.workerFs.createNode(this.fs.lookupPath(folder).node, target.slice(folder.length + 1), this.workerFs.FILE_MODE, 0, blob);
    node.stream_ops = { ...node.stream_ops, read: this.blockRead(blob) };
    this.linked.set(path, { node, blob });
  }

  /** Replaces the `Blob` node at `path` by a writable copy of its bytes (GDAL may update it in place). */
  private materialize(path: string): void {
    const linked = this.linked.get(path);
    if (!linked) return;
    const bytes = new Uint8Array(this.reader.readAsArrayBuffer(linked.blob));
    this.drop(path);
    this.fs.writeFile(gdalPath(path), bytes);
  }

  /** Removes the file at `path`, if there is one. */
  private drop(path: string): void {
    this.linked.delete(path);
    const target = gdalPath(path);
    if (this.fs.analyzePath(target, true).exists && !this.fs.isDir(this.fs.lstat(target).mode)) this.fs.unlink(target);
  }

  private nodeAt(path: string): EmscriptenFSNode | null {
    return this.fs.analyzePath(gdalPath(path), true).object;
  }

  /** Serves reads from blocks of `blob`, each read once per call. */
  private blockRead(blob: Blob): StreamRead {
    return (_stream, buffer, offset, length, position) => {
      const end = Math.min(blob.size, position + length);
      let at = position;
      while (at < end) {
        const index = Math.floor(at / BLOCK_BYTES);
        const block = this.cache.block(blob, index);
        const from = at - index * BLOCK_BYTES;
        const count = Math.min(block.length - from, end - at);
        if (count <= 0) break;
        // Same element type on both sides: `set` then copies bytes instead of converting values.
        const source = buffer instanceof Int8Array ? new Int8Array(block.buffer, block.byteOffset + from, count) : block.subarray(from, from + count);
        buffer.set(source, offset + (at - position));
        at += count;
      }
      return Math.max(0, at - position);
    };
  }

  /** Every file (`Blob` nodes apart) and folder under `MEMORY_ROOT`, as caller paths. */
  private walk(): { files: Set<string>; blobs: Set<string>; folders: Set<string> } {
    const found = { files: new Set<string>(), blobs: new Set<string>(), folders: new Set<string>() };
    const blobNodes = new Set<EmscriptenFSNode>([...this.linked.values()].map(({ node }) => node));
    const visit = (folder: string): void => {
      for (const name of this.children(folder)) {
        const path = `${folder}/${name}`;
        const mode = this.fs.lstat(path).mode;
        const caller = path.slice(MEMORY_ROOT.length);
        if (this.fs.isDir(mode)) {
          found.folders.add(caller);
          visit(path);
        } else if (blobNodes.has(this.fs.analyzePath(path, true).object!)) found.blobs.add(caller);
        else found.files.add(caller);
      }
    };
    visit(MEMORY_ROOT);
    return found;
  }

  private children(folder: string): string[] {
    return this.fs.readdir(folder).filter((name) => name !== '.' && name !== '..');
  }

  /** Removes a GDAL path and, for a folder, everything in it. */
  private removeGdal(target: string): void {
    if (this.fs.isDir(this.fs.lstat(target).mode)) {
      for (const name of this.children(target)) this.removeGdal(`${target}/${name}`);
      this.fs.rmdir(target);
      return;
    }
    this.linked.delete(target.slice(MEMORY_ROOT.length));
    this.fs.unlink(target);
  }
}

function gdalPath(callerPath: string): string {
  return callerPath === '/' ? MEMORY_ROOT : `${MEMORY_ROOT}${callerPath}`;
}
