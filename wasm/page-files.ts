/**
 * The files of the Web Worker pool (`web-worker-pool.ts`), kept in the page as `Blob`s: every
 * worker sees the same files, file methods never start GDAL, and a file crosses to a worker
 * without its bytes being copied (a `Blob` is a handle). Folders are explicit, as in GDAL's
 * in-memory file system: a file's folders exist while it does, and stay when it is removed.
 *
 * Each change of a file gives it a new version, which is how the pool knows what a worker lacks.
 */
import { FileError } from '../src/errors.js';
import type { EngineFiles } from './engine.js';
import { normalizePosixPath, parentPosixPath } from './paths.js';

/** A file held until a GDAL call needs it: `read` gives its bytes (a cache entry in IndexedDB...). */
interface Deferred {
  size: number;
  read: () => Promise<Uint8Array>;
}

interface Entry {
  version: number;
  blob?: Blob;
  deferred?: Deferred;
}

/** The page's files of a Web Worker pool. */
export class PageFiles implements Omit<EngineFiles, 'kind'> {
  private readonly entries = new Map<string, Entry>();
  private readonly folderSet = new Set<string>(['/']);
  private nextVersion = 1;

  /** Every file with its version, as `Blob`s: deferred files are read now. */
  async snapshot(): Promise<Map<string, { version: number; blob: Blob }>> {
    for (const [path, entry] of [...this.entries]) {
      if (!entry.deferred) continue;
      const bytes = await entry.deferred.read();
      // Changed or removed while it was read: the newer state wins.
      if (this.entries.get(path) === entry) this.entries.set(path, { version: entry.version, blob: blobOf(bytes) });
    }
    const files = new Map<string, { version: number; blob: Blob }>();
    for (const [path, entry] of this.entries) if (entry.blob) files.set(path, { version: entry.version, blob: entry.blob });
    return files;
  }

  /** Every folder (`/` included). */
  folders(): string[] {
    return [...this.folderSet];
  }

  /** The version of the file at `path` now (undefined when there is none). */
  version(path: string): number | undefined {
    return this.entries.get(key(path))?.version;
  }

  /** Takes a file a worker wrote; returns its new version. */
  put(path: string, blob: Blob): number {
    const at = key(path);
    this.addFolder(parentPosixPath(at));
    const version = this.nextVersion++;
    this.entries.set(at, { version, blob });
    return version;
  }

  /** Holds a file whose bytes `read` gives when a GDAL call first needs them. */
  defer(path: string, size: number, read: () => Promise<Uint8Array>): void {
    const at = key(path);
    this.refuseFolder(at, `cannot write ${path}`, path);
    this.addFolder(parentPosixPath(at));
    this.entries.set(at, { version: this.nextVersion++, deferred: { size, read } });
  }

  /** Forgets a file a worker removed. */
  drop(path: string): void {
    this.entries.delete(key(path));
  }

  addFolder(folder: string): void {
    for (let at = key(folder); ; at = parentPosixPath(at)) {
      this.folderSet.add(at);
      if (at === '/') break;
    }
  }

  dropFolder(folder: string): void {
    const at = key(folder);
    if (at !== '/' && ![...this.entries.keys(), ...this.folderSet].some((path) => path.startsWith(`${at}/`))) this.folderSet.delete(at);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const at = key(path);
    const entry = this.entries.get(at);
    if (!entry) {
      if (this.folderSet.has(at)) throw new FileError(`cannot read ${path}: it is a folder`, path);
      throw new FileError(`cannot read ${path}: no such file in the engine's memory file system (write it with writeFile first)`, path);
    }
    if (entry.deferred) return entry.deferred.read();
    return new Uint8Array(await entry.blob!.arrayBuffer());
  }

  async writeFile(path: string, bytes: Uint8Array): Promise<void> {
    // A Blob holds a copy: the caller may reuse its buffer.
    return this.writeBlob(path, blobOf(bytes));
  }

  /** Writes a file whose bytes are already in a `Blob` (see `blobOf`). */
  async writeBlob(path: string, blob: Blob): Promise<void> {
    const at = key(path);
    this.refuseFolder(at, `cannot write ${path}`, path);
    this.put(at, blob);
  }

  async remove(path: string): Promise<void> {
    const at = key(path);
    this.refuseFolder(at, `cannot remove ${path}`, path, 'remove removes files');
    this.entries.delete(at);
  }

  async removeTree(path: string): Promise<void> {
    const at = key(path);
    const inside = (candidate: string) => candidate === at || at === '/' || candidate.startsWith(`${at}/`);
    for (const file of [...this.entries.keys()]) if (inside(file)) this.entries.delete(file);
    for (const folder of [...this.folderSet]) if (folder !== '/' && inside(folder)) this.folderSet.delete(folder);
  }

  async exists(path: string): Promise<boolean> {
    const at = key(path);
    return this.entries.has(at) || this.folderSet.has(at);
  }

  async size(path: string): Promise<number | undefined> {
    const entry = this.entries.get(key(path));
    return entry ? (entry.deferred?.size ?? entry.blob!.size) : undefined;
  }

  async rename(from: string, to: string): Promise<void> {
    const [source, target] = [key(from), key(to)];
    const entry = this.entries.get(source);
    if (!entry) {
      if (this.folderSet.has(source)) throw new FileError(`cannot move ${from} to ${to}: it is a folder (rename moves files)`, from);
      throw new FileError(`cannot move ${from} to ${to}: no such file in the engine's memory file system`, from);
    }
    if (source === target) return;
    if (this.folderSet.has(target)) throw new FileError(`cannot move ${from} to ${to}: a folder has that name`, to);
    this.addFolder(parentPosixPath(target));
    this.entries.delete(source);
    // A new version: workers holding the old file at `to` must take this one.
    this.entries.set(target, { ...entry, version: this.nextVersion++ });
  }

  async mkdir(path: string): Promise<void> {
    const at = key(path);
    if (this.entries.has(at)) throw new FileError(`cannot create folder ${path}: a file has that name`, path);
    this.addFolder(at);
  }

  private refuseFolder(at: string, what: string, path: string, hint?: string): void {
    if (this.folderSet.has(at)) throw new FileError(`${what}: it is a folder${hint ? ` (${hint})` : ''}`, path);
    for (let parent = parentPosixPath(at); parent !== '/'; parent = parentPosixPath(parent)) {
      if (this.entries.has(parent)) throw new FileError(`${what}: ${parent} is a file, not a folder`, path);
    }
  }
}

function key(path: string): string {
  return normalizePosixPath(path);
}

/** A `Blob` holding a copy of `bytes`. */
export function blobOf(bytes: Uint8Array): Blob {
  // A Blob cannot be made from a view of shared memory: copy those first.
  const own = bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
  return new Blob([own as Uint8Array<ArrayBuffer>]);
}
