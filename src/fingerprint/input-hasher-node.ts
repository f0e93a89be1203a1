// Node only: reads files with node:fs and hashes with node:crypto. Never reached from the browser entry.
import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileError } from '../errors.js';
import { sha256OfFile } from '../sha256-file-node.js';
import { absentDigest, type HashOptions, type InputDigest, type InputHasher, type InputRef } from './input-hasher.js';
import { WebInputHasher } from './input-hasher-web.js';
import { localFileOf, vrtReferences } from './vrt-references.js';

/** Options of `NodeInputHasher`. */
export interface NodeInputHasherOptions {
  /** Opens a file as a stream of chunks; injectable so tests can count reads. Default: `sha256OfFile`'s reused 1 MiB pieces. */
  openRead?: (path: string) => AsyncIterable<Uint8Array>;
  /**
   * A file changed less than this many milliseconds before it was hashed may change again within
   * the file system's timestamp resolution without its times changing, so its digest is not
   * trusted on the cheap path: it is read once more next time. Default 2000 (FAT's 2 s).
   */
  racyWindowMs?: number;
  /** The clock, in ms since the epoch; injectable so tests need not wait. Default `Date.now`. */
  now?: () => number;
}

interface MemoEntry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  sha256: string;
  /** When reading started (ms since the epoch). */
  hashedAtMs: number;
}

interface MemoFile {
  format_version: 1;
  entries: Record<string, MemoEntry>;
}

/** A VRT larger than this is not searched for the files it names (real ones are kilobytes). */
const MAX_VRT_BYTES = 64 * 1024 * 1024;

/**
 * Hashes input files by content, cheaply: a file whose size, modification time and change time
 * are as remembered is not read again. Digests are remembered in a JSON file (written atomically:
 * a temporary file, then a rename) so later runs profit too. Blobs and bytes are hashed directly.
 *
 * A GDAL VRT (`.vrt`) names the files it reads: its digest lists theirs as `references`
 * (following VRTs in VRTs; a missing one is absent), so changing a file behind a VRT changes the
 * fingerprint. An optional input that does not exist gets `absentDigest`.
 *
 * The change time (`ctime`) is checked besides size and `mtime` because tools that copy a file
 * and keep its `mtime` (`cp -p`, `rsync -t`) are common with rasters, which often keep their size.
 *
 * @example
 * const hasher = new NodeInputHasher('.cache/input-digests.json');
 * await hasher.hash('data/elevation.tif'); // { id: '/abs/data/elevation.tif', size: …, sha256: '…' }
 */
export class NodeInputHasher implements InputHasher {
  private memo: Promise<Map<string, MemoEntry>> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private warnedUnsaved = false;
  private readonly openRead: ((path: string) => AsyncIterable<Uint8Array>) | undefined;
  private readonly racyWindowMs: number;
  private readonly now: () => number;
  private readonly bytes = new WebInputHasher();

  /** `memoPath`: the JSON file that remembers digests; without it they last for this object only. */
  constructor(
    readonly memoPath?: string,
    options: NodeInputHasherOptions = {},
  ) {
    this.openRead = options.openRead;
    this.racyWindowMs = options.racyWindowMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  async hash(ref: InputRef, options: HashOptions = {}): Promise<InputDigest> {
    if (typeof ref !== 'string' && !(ref instanceof URL)) return this.bytes.hash(ref, options);
    let path: string;
    if (ref instanceof URL) {
      if (ref.protocol !== 'file:') return this.bytes.hash(ref, options);
      path = fileURLToPath(ref);
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref) && !ref.startsWith('file:')) {
      return this.bytes.hash(ref, options);
    } else {
      path = ref.startsWith('file:') ? fileURLToPath(ref) : ref;
    }
    if (/^\/vsi[a-z0-9]*\//i.test(path)) throw virtualPathError(path);
    const absolute = resolve(path);
    const stats = await statFile(absolute, options.optional === true);
    if (!stats) return absentDigest(absolute);
    const digest = await this.hashFile(absolute, stats);
    if (!isVrt(absolute)) return digest;
    const references = await this.vrtReferences(absolute, stats.size, new Set([absolute]));
    return references.length ? { ...digest, references } : digest;
  }

  /** Digests of the files a VRT names, each followed by those it names in turn; each file once. */
  private async vrtReferences(vrt: string, size: number, seen: Set<string>): Promise<InputDigest[]> {
    if (size > MAX_VRT_BYTES) return [];
    let xml: string;
    try {
      xml = await readFile(vrt, 'utf8');
    } catch (error) {
      throw new FileError(`Cannot read the VRT ${vrt} to find the files it names: ${(error as Error).message}.`, vrt, { cause: error });
    }
    const digests: InputDigest[] = [];
    for (const reference of vrtReferences(xml)) {
      const local = localFileOf(reference.path);
      if (local === undefined) continue;
      // GDAL resolves a path that is not relative to the VRT against the working directory.
      const path = reference.relativeToVrt ? resolve(dirname(vrt), local) : resolve(local);
      if (seen.has(path)) continue;
      seen.add(path);
      const stats = await statFile(path, true);
      if (!stats) {
        digests.push(absentDigest(path));
        continue;
      }
      digests.push(await this.hashFile(path, stats));
      if (isVrt(path)) digests.push(...(await this.vrtReferences(path, stats.size, seen)));
    }
    return digests;
  }

  private async hashFile(path: string, stats: FileStats): Promise<InputDigest> {
    const memo = await this.loadMemo();
    const known = memo.get(path);
    if (
      known &&
      known.size === stats.size &&
      known.mtimeMs === stats.mtimeMs &&
      known.ctimeMs === stats.ctimeMs &&
      Math.max(known.mtimeMs, known.ctimeMs) < known.hashedAtMs - this.racyWindowMs
    ) {
      return { id: path, size: known.size, sha256: known.sha256 };
    }
    const hashedAtMs = this.now();
    const sha256 = await this.digestFile(path);
    memo.set(path, { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, sha256, hashedAtMs });
    // The memo only saves reading again: a cache on a read-only or full disk must not turn a
    // digest just computed into a failure (a hit judged "input is gone", a load that throws).
    await this.saveMemo(memo).catch((error: unknown) => this.warnUnsaved(error));
    return { id: path, size: stats.size, sha256 };
  }

  private async digestFile(path: string): Promise<string> {
    try {
      if (!this.openRead) return (await sha256OfFile(path)).sha256;
      const hash = createHash('sha256');
      for await (const chunk of this.openRead(path)) hash.update(chunk);
      return hash.digest('hex');
    } catch (error) {
      throw new FileError(`Cannot read the input file ${path}: ${(error as Error).message}.`, path, { cause: error });
    }
  }

  /** Says once per hasher that digests are not remembered, and why. */
  private warnUnsaved(error: unknown): void {
    if (this.warnedUnsaved) return;
    this.warnedUnsaved = true;
    console.warn(`geodata: warning: ${(error as Error).message} Input files are read again by each run until it can be written.`);
  }

  private loadMemo(): Promise<Map<string, MemoEntry>> {
    this.memo ??= this.memoPath ? readMemo(this.memoPath) : Promise.resolve(new Map());
    return this.memo;
  }

  /** Writes one at a time; merges with what another process may have written meanwhile. */
  private saveMemo(memo: Map<string, MemoEntry>): Promise<void> {
    const memoPath = this.memoPath;
    if (!memoPath) return Promise.resolve();
    // A failed write must not block the next one: chain on the settled previous write.
    this.writing = this.writing.catch(() => undefined).then(async () => {
      const onDisk = await readMemo(memoPath);
      for (const [path, entry] of memo) onDisk.set(path, entry);
      const content: MemoFile = { format_version: 1, entries: Object.fromEntries(onDisk) };
      const temporary = `${memoPath}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await mkdir(dirname(memoPath), { recursive: true });
        await writeFile(temporary, JSON.stringify(content));
        await rename(temporary, memoPath);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw new FileError(
          `Cannot write the input digest memo ${memoPath}: ${(error as Error).message}. Check that its folder is writable.`,
          memoPath,
          { cause: error },
        );
      }
    });
    return this.writing;
  }
}

interface FileStats {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function isVrt(path: string): boolean {
  return extname(path).toLowerCase() === '.vrt';
}

/**
 * A file's stats; undefined for a missing optional one (a missing required one is a FileError).
 * One synchronous syscall: the promise API's thread-pool round trip costs more than the call, and
 * a cache hit checks dozens of files (inputs, and the sidecars GDAL looked for in vain).
 */
async function statFile(path: string, optional = false): Promise<FileStats | undefined> {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new FileError(`The input ${path} is not a file.`, path);
    return stats;
  } catch (error) {
    if (error instanceof FileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (optional && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
    const problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
    throw new FileError(
      `The input file ${path} ${problem}. Check the path the processor was given (relative paths resolve from ${process.cwd()}).`,
      path,
      { cause: error },
    );
  }
}

/**
 * A GDAL virtual path given as an input (`/vsizip/data/lux.zip/lux.shp`): no file of that name
 * exists to hash, and saying it "does not exist" would send the user looking for a typo.
 */
function virtualPathError(path: string): FileError {
  const archive = localFileOf(path);
  const remedy =
    archive !== undefined && archive !== path
      ? `Give a file itself: extract it from ${archive}, or, for a zipped Shapefile, name the archive .shp.zip and give that`
      : 'Give the local file or the http(s) URL itself';
  return new FileError(`The input ${path} is a GDAL virtual file system path, which processors do not take (they fingerprint the bytes of files, URLs and Blobs). ${remedy}.`, path);
}

/** The memo on disk; a missing or damaged file is an empty memo (it is only a cache). */
async function readMemo(memoPath: string): Promise<Map<string, MemoEntry>> {
  try {
    const parsed = JSON.parse(await readFile(memoPath, 'utf8')) as Partial<MemoFile>;
    if (parsed.format_version !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null) return new Map();
    return new Map(Object.entries(parsed.entries).filter(([, entry]) => isMemoEntry(entry)));
  } catch {
    return new Map();
  }
}

function isMemoEntry(value: unknown): value is MemoEntry {
  const entry = value as Partial<MemoEntry> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.size === 'number' &&
    typeof entry.mtimeMs === 'number' &&
    typeof entry.ctimeMs === 'number' &&
    typeof entry.hashedAtMs === 'number' &&
    typeof entry.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(entry.sha256)
  );
}
