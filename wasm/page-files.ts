/**
 * The files of the Web Worker pool (`web-worker-pool.ts`), kept in the page: every worker sees the
 * same files, and file methods never start GDAL. An engine that starts GDAL only when a GDAL call
 * needs it (`lazy-start-engine.ts`) keeps its files here until then. A file is bytes (as written,
 * or as a worker handed them over) until a worker needs it, and then a `Blob`, which crosses to
 * any number of workers without its bytes being copied (a `Blob` is a handle). Folders are
 * explicit, as in GDAL's in-memory file system: a file's folders exist while it does, and stay
 * when it is removed.
 *
 * Each change of a file gives it a new version, which is how the pool knows what a worker lacks.
 */
import { FileError } from '../src/errors.js';
import type { EngineFiles } from './engine.js';
import { normalizePosixPath, parentPosixPath } from './paths.js';
import { VRT_TEXT_BYTES } from './pool-order.js';
import { COPY_SLICE_BYTES, copyInSlices } from '../src/copy-in-slices.js';
import { yieldToEventLoop } from '../src/yield-to-event-loop.js';

/** A file held until a GDAL call needs it: `read` gives its bytes (a cache entry in IndexedDB...). */
interface Deferred {
  size: number;
  read: () => Promise<Uint8Array>;
  /** The read under way: calls that start at once share it (a cache entry is read once). */
  reading?: Promise<Uint8Array>;
}

/** One of: `bytes`, `blob` (once a worker needed it), `deferred`. */
interface Entry {
  version: number;
  bytes?: Uint8Array;
  blob?: Blob;
  deferred?: Deferred;
  /** A VRT's text, kept when its bytes became a `Blob` (see `vrtText`). */
  text?: string;
  /** The `Blob` being made of `bytes` (two workers may ask at once). */
  blobbing?: Promise<Blob>;
}

const isVrt = (path: string) => /\.vrt$/i.test(path);

/** The page's files of a Web Worker pool. */
export class PageFiles implements Omit<EngineFiles, 'kind'> {
  private readonly entries = new Map<string, Entry>();
  private readonly folderSet = new Set<string>(['/']);
  private nextVersion = 1;

  /** Every file's version; deferred files are read now (a GDAL call is about to start). */
  async versions(): Promise<Map<string, number>> {
    // Until none is left: a deferred file renamed or deferred while another was read is one more
    // to read (a renamed one shares the read under way), else it would reach the call unread.
    for (let next = this.nextDeferred(); next; next = this.nextDeferred()) {
      const [path, entry] = next;
      const deferred = entry.deferred!;
      let bytes: Uint8Array;
      try {
        bytes = await (deferred.reading ??= deferred.read());
      } catch (error) {
        // Read again by the next call, as an engine that holds files until GDAL starts does.
        deferred.reading = undefined;
        throw error;
      }
      // Changed or removed while it was read: the newer state wins.
      if (this.entries.get(path) === entry) this.entries.set(path, { version: entry.version, bytes });
    }
    return new Map([...this.entries].map(([path, entry]) => [path, entry.version]));
  }

  private nextDeferred(): [string, Entry] | undefined {
    for (const found of this.entries) if (found[1].deferred) return found;
    return undefined;
  }

  /**
   * The file at `path` as a `Blob`, for a worker. Bytes become a `Blob` once (a copy, which the
   * browser may keep outside the page's heap, made in slices that yield: one `new Blob` of a
   * 16 MB raster held the page's thread for about 50 ms); later workers get the same handle.
   */
  async blob(path: string): Promise<Blob> {
    const entry = this.entries.get(key(path));
    if (!entry || entry.deferred) throw new FileError(`cannot hand ${path} to a worker: ${entry ? 'its bytes were not read yet' : 'no such file'}`, path);
    if (!entry.blob) {
      entry.text ??= this.vrtText(path);
      entry.blobbing ??= blobInSlices(entry.bytes!);
      entry.blob = await entry.blobbing;
      entry.bytes = undefined;
    }
    return entry.blob;
  }

  /**
   * The text of the VRT at `path`, now, when the page holds it (not a deferred file, nor one
   * larger than 4 MB): the pool reads the files it names (`pool-order.ts`).
   */
  vrtText(path: string): string | undefined {
    const entry = this.entries.get(key(path));
    if (!entry || !isVrt(path)) return undefined;
    if (entry.text !== undefined) return entry.text;
    return entry.bytes && entry.bytes.length <= VRT_TEXT_BYTES ? new TextDecoder().decode(entry.bytes) : undefined;
  }

  /**
   * Writes every file into `fs` (deferred ones read first), making the folders no file lies in,
   * then holds nothing: for an engine whose GDAL starts now. A failed write leaves every file
   * here, to be written again.
   */
  async moveInto(fs: Pick<EngineFiles, 'mkdir' | 'writeFile'>): Promise<void> {
    await this.versions();
    const files = [...this.entries.keys()];
    // writeFile makes a file's folders; only the others need making.
    const holding = (folder: string) => [...files, ...this.folderSet].some((path) => path.startsWith(`${folder}/`));
    for (const folder of [...this.folderSet].sort()) if (folder !== '/' && !holding(folder)) await fs.mkdir(folder);
    for (const [path, entry] of this.entries) await fs.writeFile(path, entry.bytes ?? new Uint8Array(await entry.blob!.arrayBuffer()));
    this.entries.clear();
    this.folderSet.clear();
    this.folderSet.add('/');
  }

  /** Every folder (`/` included). */
  folders(): string[] {
    return [...this.folderSet];
  }

  /** The version of the file at `path` now (undefined when there is none). */
  version(path: string): number | undefined {
    return this.entries.get(key(path))?.version;
  }

  /** Takes a file's bytes (which nobody else may change: a copy, or a worker's handed over); returns its new version. */
  put(path: string, bytes: Uint8Array): number {
    const at = key(path);
    this.addFolder(parentPosixPath(at));
    const version = this.nextVersion++;
    this.entries.set(at, { version, bytes });
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
    // A copy, as for any file: the reader may hand out the same bytes each time (a cached entry),
    // and a caller changing what it got would change the file.
    if (entry.deferred) return copyInSlices(await entry.deferred.read());
    // A copy (the caller may change what it gets), in slices that yield: one copy of a 16 MB
    // raster held the page's thread for about 50 ms.
    if (entry.bytes) return copyInSlices(entry.bytes);
    return new Uint8Array(await entry.blob!.arrayBuffer());
  }

  async writeFile(path: string, bytes: Uint8Array): Promise<void> {
    // A copy: the caller may reuse its buffer.
    return this.writeOwn(path, await copyInSlices(bytes));
  }

  /** Writes bytes nobody else may change (a copy the caller made). */
  async writeOwn(path: string, bytes: Uint8Array): Promise<void> {
    const at = key(path);
    this.refuseFolder(at, `cannot write ${path}`, path);
    this.put(at, bytes);
  }

  async remove(path: string): Promise<void> {
    const at = key(path);
    if (this.folderSet.has(at)) throw new FileError(`cannot remove ${path}: it is a folder (remove removes files)`, path);
    // A path inside a file is a file that is not there: removing it is no error, as for any missing file.
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
    return entry ? (entry.deferred?.size ?? entry.bytes?.length ?? entry.blob!.size) : undefined;
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
    // A file cannot hold files, even the one moved (`a` to `a/b`): refused as GDAL's file system refuses it.
    this.refuseFileParent(target, `cannot move ${from} to ${to}`, to);
    this.addFolder(parentPosixPath(target));
    this.entries.delete(source);
    // A new version: workers holding the old file at `to` must take this one.
    this.entries.set(target, { ...entry, version: this.nextVersion++ });
  }

  async mkdir(path: string): Promise<void> {
    const at = key(path);
    if (this.entries.has(at)) throw new FileError(`cannot create folder ${path}: a file has that name`, path);
    this.refuseFileParent(at, `cannot create folder ${path}`, path);
    this.addFolder(at);
  }

  private refuseFolder(at: string, what: string, path: string, hint?: string): void {
    if (this.folderSet.has(at)) throw new FileError(`${what}: it is a folder${hint ? ` (${hint})` : ''}`, path);
    this.refuseFileParent(at, what, path);
  }

  /** Refuses a path inside a file (`/a/b` where `/a` is a file). */
  private refuseFileParent(at: string, what: string, path: string): void {
    for (let parent = parentPosixPath(at); parent !== '/'; parent = parentPosixPath(parent)) {
      if (this.entries.has(parent)) throw new FileError(`${what}: ${parent} is a file, not a folder`, path);
    }
  }
}

function key(path: string): string {
  return normalizePosixPath(path);
}

/** A `Blob` of `bytes`, made of `Blob`s of slices with a turn of the event loop between them. */
async function blobInSlices(bytes: Uint8Array): Promise<Blob> {
  const parts: Blob[] = [];
  for (let at = 0; at < bytes.length || at === 0; at += COPY_SLICE_BYTES) {
    if (at > 0) await yieldToEventLoop();
    // A Blob cannot be made from a view of shared memory: such a slice is copied first.
    const slice = bytes.subarray(at, at + COPY_SLICE_BYTES);
    parts.push(new Blob([(slice.buffer instanceof ArrayBuffer ? slice : slice.slice()) as Uint8Array<ArrayBuffer>]));
  }
  return parts.length === 1 ? parts[0]! : new Blob(parts);
}
