/**
 * The worker side of the Web Worker pool's files (`web-worker-pool.ts`). The pool keeps every
 * file in the page (`page-files.ts`), handed to workers as `Blob`s; before a call, a worker makes
 * its in-memory file system hold the same files (`MirrorSync`), and after the call it hands back
 * what GDAL wrote (`MirrorChanges`).
 *
 * A file arrives as a read-only node backed by its `Blob` (a node of Emscripten's WORKERFS placed
 * in the in-memory folder tree, at the file's own path: a VRT's relative sources resolve as
 * usual): no bytes are copied until GDAL reads them, and then only the blocks it reads, so a
 * worker pays nothing for the page's files its call never opens (GDAL may open files no argument
 * names: the sources of a VRT, a shapefile's `.dbf`, a `.aux.xml`). A node is copied on write:
 * the first write or truncation takes its bytes into the worker, so GDAL may update any file in
 * place. A file a call writes is handed to the page (a copy) and kept in the worker, watched for
 * writes, so the next call on this worker (a slope of the warp it just wrote) reads it from memory.
 * Between calls a worker holds only such tracked files, clean, and folders: every tracked file
 * written or moved, and every other file, after a call is one the call wrote.
 */
import { FileError } from '../src/errors.js';
import type { EmscriptenFS, EmscriptenFSNode, EmscriptenModule } from './emscripten.js';
import { MEMORY_ROOT } from './memory-fs.js';
import { normalizePosixPath, parentPosixPath } from './paths.js';
import type { MirrorChanges, MirrorSync } from './worker-protocol.js';

/** The unit GDAL's reads are served in: one synchronous read of the `Blob` per block. */
const BLOCK_BYTES = 4 * 1024 * 1024;
/**
 * Blocks a worker keeps, across calls, least recently used first out: reading a `Blob` goes
 * through the browser's blob storage (a 16 MB input read so made a 2000x2000 warp about 15% slower
 * than from GDAL's memory), so the files a worker reads again (a DEM under slope, hillshade and
 * aspect) are read once.
 */
const CACHE_BYTES = 256 * 1024 * 1024;

interface FileReaderSyncLike {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

type Heap = Int8Array | Uint8Array;
interface StreamOps {
  read(stream: { node: BlobNode }, buffer: Heap, offset: number, length: number, position: number): number;
  write(stream: { node: BlobNode }, buffer: Heap, offset: number, length: number, position: number): number;
  [name: string]: unknown;
}
interface NodeOps {
  setattr(node: BlobNode, attr: { mode?: number; timestamp?: number; size?: number }): void;
  [name: string]: unknown;
}
interface BlobNode extends EmscriptenFSNode {
  size: number;
  timestamp: number;
  stream_ops: StreamOps;
  node_ops: NodeOps;
  /** The file's own bytes once written (capacity may exceed `size`); until then it reads `blob`. */
  written?: Uint8Array;
}

/** A file a call wrote (MEMFS), kept: `changed` is set by any later write or truncation. */
interface KeptNode extends EmscriptenFSNode {
  stream_ops: StreamOps;
  node_ops: NodeOps;
  changed: boolean;
}

/** The parts of Emscripten's WORKERFS used here. */
interface WorkerFs {
  FILE_MODE: number;
  createNode(parent: EmscriptenFSNode, name: string, mode: number, dev: number, contents: Blob): BlobNode;
}

/** What a worker's files were before a call: to tell what the call changed. */
interface Before {
  tracked: Set<string>;
  folders: Set<string>;
}

/** The blocks of `Blob`s a worker read, up to `CACHE_BYTES`. */
class BlockCache {
  /** Each `Blob`'s blocks by index; the map's order is the order of use (oldest first). */
  private readonly blocks = new Map<Blob, Map<number, Uint8Array>>();
  private readonly order = new Map<string, { blob: Blob; index: number; bytes: number }>();
  private readonly ids = new WeakMap<Blob, number>();
  private nextId = 0;
  private bytes = 0;

  constructor(private readonly reader: FileReaderSyncLike) {}

  block(blob: Blob, index: number): Uint8Array {
    let id = this.ids.get(blob);
    if (id === undefined) this.ids.set(blob, (id = this.nextId++));
    const key = `${id}:${index}`;
    let ofBlob = this.blocks.get(blob);
    const cached = ofBlob?.get(index);
    if (cached) {
      // Most recently used: to the end of the order.
      const entry = this.order.get(key)!;
      this.order.delete(key);
      this.order.set(key, entry);
      return cached;
    }
    const block = new Uint8Array(this.reader.readAsArrayBuffer(blob.slice(index * BLOCK_BYTES, (index + 1) * BLOCK_BYTES)));
    if (!ofBlob) this.blocks.set(blob, (ofBlob = new Map()));
    ofBlob.set(index, block);
    this.order.set(key, { blob, index, bytes: block.length });
    this.bytes += block.length;
    for (const [oldest, entry] of this.order) {
      if (this.bytes <= CACHE_BYTES || oldest === key) break;
      this.order.delete(oldest);
      this.blocks.get(entry.blob)?.delete(entry.index);
      this.bytes -= entry.bytes;
    }
    return block;
  }

  /** Drops a `Blob`'s blocks (its file left the worker). */
  forget(blob: Blob): void {
    const ofBlob = this.blocks.get(blob);
    if (!ofBlob) return;
    const id = this.ids.get(blob);
    for (const [index, block] of ofBlob) {
      this.order.delete(`${id}:${index}`);
      this.bytes -= block.length;
    }
    this.blocks.delete(blob);
  }
}

/** A worker's files, kept equal to the page's by `apply` and reported back by `collect`. */
export class BlobMirror {
  private readonly fs: EmscriptenFS;
  private readonly workerFs: WorkerFs;
  private readonly reader: FileReaderSyncLike;
  private readonly cache: BlockCache;
  /** The tracked file at each caller path: a `Blob` node placed there, or a file kept there. */
  private readonly linked = new Map<string, { node: BlobNode | KeptNode; blob?: Blob }>();
  /** Every tracked node, wherever a call moved it. */
  private readonly tracked = new WeakSet<EmscriptenFSNode>();
  /** The tracked nodes that are `Blob` nodes (the others are files kept). */
  private readonly blobNodes = new WeakSet<EmscriptenFSNode>();

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
    const after = this.walk();
    return { tracked: after.tracked, folders: after.folders };
  }

  /**
   * What the call changed since `apply` returned `before`: files written (their bytes copied, to
   * be transferred: `transfer`), files removed, folders added and removed. A file the call wrote
   * stays here, watched (`kept` in its change); one that was a `Blob` node written in place
   * leaves (the page sends it back when a call needs it).
   */
  collect(before: Before): { changes: MirrorChanges; transfer: ArrayBuffer[] } {
    const now = this.walk();
    const written: MirrorChanges['written'] = [];
    const transfer: ArrayBuffer[] = [];
    const changed = [...now.tracked].filter((path) => {
      const node = this.nodeAt(path) as Partial<BlobNode & KeptNode>;
      // Written, or moved here by the call from another path.
      return node.written !== undefined || node.changed === true || this.linked.get(path)?.node !== node;
    });
    for (const path of [...now.files, ...changed]) {
      // FS.readFile copies into a new (never shared) ArrayBuffer.
      const bytes = this.fs.readFile(gdalPath(path)) as Uint8Array<ArrayBuffer>;
      transfer.push(bytes.buffer);
      // A file in GDAL's memory stays (kept again when a call rewrote it); a `Blob` node written
      // in place leaves.
      const kept = !this.blobNodes.has(this.nodeAt(path)!);
      if (kept) this.keep(path);
      else this.drop(path);
      written.push({ path, bytes, kept });
    }
    const removed: string[] = [];
    for (const path of before.tracked) {
      if (now.tracked.has(path) || now.files.has(path)) continue;
      this.drop(path);
      removed.push(path);
    }
    const changes = {
      written,
      removed,
      foldersAdded: [...now.folders].filter((folder) => !before.folders.has(folder)),
      foldersRemoved: [...before.folders].filter((folder) => !now.folders.has(folder)),
    };
    return { changes, transfer };
  }

  /** Tracks the file (MEMFS) at `path` as clean: its node notes any later write or truncation. */
  private keep(path: string): void {
    const node = this.nodeAt(path) as KeptNode;
    if (this.linked.get(path)?.node !== node) this.unlinkBlob(path);
    if (!this.tracked.has(node)) {
      // Copies: MEMFS's operation tables are shared by every file.
      const streamOps = node.stream_ops;
      const nodeOps = node.node_ops;
      node.stream_ops = {
        ...streamOps,
        write: (...args) => {
          node.changed = true;
          return streamOps.write(...args);
        },
      };
      node.node_ops = {
        ...nodeOps,
        setattr: (target, attr) => {
          if (attr.size !== undefined) node.changed = true;
          nodeOps.setattr(target, attr);
        },
      };
      this.tracked.add(node);
    }
    node.changed = false;
    this.linked.set(path, { node });
  }

  /** Puts a read-only node of `blob` at `path`, replacing whatever is there. */
  private place(path: string, blob: Blob): void {
    const target = gdalPath(path);
    this.drop(path);
    if (this.fs.analyzePath(target, true).exists) this.removeGdal(target);
    const folder = parentPosixPath(target);
    this.fs.mkdirTree(folder);
    const node = this.workerFs.createNode(this.fs.lookupPath(folder).node, target.slice(folder.length + 1), this.workerFs.FILE_MODE, 0, blob);
    node.stream_ops = { ...node.stream_ops, read: this.blockRead(blob), write: copyOnWrite((node) => this.bytesOf(node, blob)) };
    const setattr = node.node_ops.setattr;
    node.node_ops = {
      ...node.node_ops,
      setattr: (target, attr) => {
        setattr(target, attr);
        // A truncation to nothing (a file created again) needs none of the old bytes.
        if (attr.size !== undefined) resize(target, attr.size === 0 ? new Uint8Array(0) : this.bytesOf(target, blob), attr.size);
      },
    };
    this.linked.set(path, { node, blob });
    this.tracked.add(node);
    this.blobNodes.add(node);
  }

  /** A node's own bytes: those written, or a copy of its `Blob` taken now. */
  private bytesOf(node: BlobNode, blob: Blob): Uint8Array {
    return node.written ?? new Uint8Array(this.reader.readAsArrayBuffer(blob));
  }

  /** Removes the file at `path`, if there is one. */
  private drop(path: string): void {
    this.unlinkBlob(path);
    const target = gdalPath(path);
    if (this.fs.analyzePath(target, true).exists && !this.fs.isDir(this.fs.lstat(target).mode)) this.fs.unlink(target);
  }

  private nodeAt(path: string): EmscriptenFSNode | null {
    return this.fs.analyzePath(gdalPath(path), true).object;
  }

  /** Serves reads from blocks of `blob` (see `BlockCache`), or from the bytes written. */
  private blockRead(blob: Blob): StreamOps['read'] {
    return (stream, buffer, offset, length, position) => {
      const own = stream.node.written;
      if (own) {
        const count = Math.max(0, Math.min(length, stream.node.size - position));
        buffer.set(sameType(buffer, own, position, count), offset);
        return count;
      }
      const end = Math.min(blob.size, position + length);
      let at = position;
      while (at < end) {
        const index = Math.floor(at / BLOCK_BYTES);
        const block = this.cache.block(blob, index);
        const from = at - index * BLOCK_BYTES;
        const count = Math.min(block.length - from, end - at);
        if (count <= 0) break;
        buffer.set(sameType(buffer, block, from, count), offset + (at - position));
        at += count;
      }
      return Math.max(0, at - position);
    };
  }

  /** Every file (tracked or not) and folder under `MEMORY_ROOT`, as caller paths. */
  private walk(): { files: Set<string>; tracked: Set<string>; folders: Set<string> } {
    const found = { files: new Set<string>(), tracked: new Set<string>(), folders: new Set<string>() };
    const visit = (folder: string): void => {
      for (const name of this.children(folder)) {
        const path = `${folder}/${name}`;
        const mode = this.fs.lstat(path).mode;
        const caller = path.slice(MEMORY_ROOT.length);
        if (this.fs.isDir(mode)) {
          found.folders.add(caller);
          visit(path);
        } else if (this.tracked.has(this.fs.analyzePath(path, true).object!)) found.tracked.add(caller);
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
    this.unlinkBlob(target.slice(MEMORY_ROOT.length));
    this.fs.unlink(target);
  }

  /** Forgets the tracked file at `path` (and, for a `Blob`, the blocks read of it). */
  private unlinkBlob(path: string): void {
    const linked = this.linked.get(path);
    if (!linked) return;
    this.linked.delete(path);
    if (linked.blob) this.cache.forget(linked.blob);
  }
}

/** `count` bytes of `bytes` from `from`, as the heap's element type: `set` then copies instead of converting. */
function sameType(heap: Heap, bytes: Uint8Array, from: number, count: number): Heap {
  return heap instanceof Int8Array ? new Int8Array(bytes.buffer, bytes.byteOffset + from, count) : bytes.subarray(from, from + count);
}

/** Gives `node` its own bytes of length `size`: those of `bytes`, cut or grown with zeros. */
function resize(node: BlobNode, bytes: Uint8Array, size: number): void {
  const own = new Uint8Array(size);
  own.set(bytes.subarray(0, Math.min(bytes.length, size)));
  node.written = own;
  node.size = size;
  node.timestamp = Date.now();
}

/** The write of a copy-on-write node: the first takes the file's bytes (`bytesOf`) into the worker. */
function copyOnWrite(bytesOf: (node: BlobNode) => Uint8Array): StreamOps['write'] {
  return (stream, buffer, offset, length, position) => {
    const node = stream.node;
    let own = node.written ?? bytesOf(node);
    const end = position + length;
    if (end > own.length) {
      // Grown by at least half, as MEMFS does, so appends cost amortised linear time.
      const grown = new Uint8Array(Math.max(end, Math.ceil(own.length * 1.5)));
      grown.set(own.subarray(0, node.size));
      own = grown;
    }
    own.set(new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length), position);
    node.written = own;
    node.size = Math.max(node.size, end);
    node.timestamp = Date.now();
    return length;
  };
}

function gdalPath(callerPath: string): string {
  return callerPath === '/' ? MEMORY_ROOT : `${MEMORY_ROOT}${callerPath}`;
}
