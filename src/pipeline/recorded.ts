import type { FileAccess } from '../../wasm/file-access.js';
import { getConfig } from '../config.js';
import type { InputDigest } from '../fingerprint/input-hasher.js';
import { ABSENT_SHA256 } from '../fingerprint/input-hasher.js';
import { getPlatform } from '../platform.js';
import { inputHasher } from './identity.js';
import { entryFolder, entryPrefix, META_FILE } from './layout.js';

/** An upstream entry a computation used, as meta.json records it. */
export interface RecordedEntry {
  state_hash: string;
  class_name: string;
  object_type: 'data' | 'figure';
  /** The SHA-256 of its output when it was used. */
  sha256: string;
  /**
   * How it was reached: `load` (load/process of an instance), `path` (GDAL or a reader opened a
   * file inside the entry), `hash` (`loadFromHash`: that very entry, whatever its class is now).
   */
  via: 'load' | 'path' | 'hash';
}

/**
 * What a computation actually used, beyond what its state hash covers, as meta.json records it
 * (`recorded`). A hit requires all of it to be unchanged (see `recordedChange`).
 */
export interface RecordedDependencies {
  /** Upstream entries it loaded or processed. */
  entries: RecordedEntry[];
  /**
   * Files it read (through GDAL or geodata's readers) that are not among its static inputs, with
   * their digests; paths inside the working directory are relative to it.
   */
  files: Array<{ path: string; size: number; sha256: string }>;
  /** Files GDAL looked for beside those it read and did not find (`.aux.xml`, `.ovr`, `.tfw`...): one appearing changes GDAL's result. */
  absent: string[];
  /** Whether the engine's file reads could be observed (Node, host files); in browsers only entries are recorded. */
  engine_reads_observed: boolean;
  /**
   * The working directory the relative paths of `files` and `absent` were relative to (only when
   * there are such paths). The state
   * hash does not cover where inputs are, so a run from another folder with the same absolute
   * input paths (`join(import.meta.dirname, 'data/dem.tif')`) hits this entry: its files are
   * judged where they were read, unless that folder is gone (the project moved).
   */
  cwd?: string;
}

/** Whether a meta.json's `recorded` has the shape geodata writes (a hand-edited one may not). */
export function isRecordedDependencies(value: unknown): value is RecordedDependencies {
  const recorded = value as Partial<RecordedDependencies> | null;
  return (
    typeof recorded === 'object' &&
    recorded !== null &&
    Array.isArray(recorded.entries) &&
    recorded.entries.every((e) => typeof e?.state_hash === 'string' && typeof e.class_name === 'string' && typeof e.sha256 === 'string' && (e.object_type === 'data' || e.object_type === 'figure')) &&
    Array.isArray(recorded.files) &&
    recorded.files.every((f) => typeof f?.path === 'string' && typeof f.size === 'number' && typeof f.sha256 === 'string') &&
    Array.isArray(recorded.absent) &&
    recorded.absent.every((path) => typeof path === 'string') &&
    (recorded.cwd === undefined || typeof recorded.cwd === 'string')
  );
}

/** Absent files kept per computation: GDAL probes a few dozen names per file it opens. */
const MAX_ABSENT = 512;

/**
 * Collects what one computation uses while it runs: upstream entries (`addEntry`, from load,
 * process and loadFromHash) and files (`addAccess`, from the engine's and the platform's reads).
 * Files in the cache's entry folders count as their entry; files in staging and temporary folders
 * (outputs being written, scratch files, inputs given as bytes) are the computation's own and are
 * left out. File digests are taken at once, close to when the file was read.
 */
export class Recording {
  readonly #entries = new Map<string, Promise<RecordedEntry | undefined>>();
  readonly #files = new Map<string, Promise<InputDigest | undefined>>();
  readonly #absent = new Set<string>();
  readonly #ownFolders: string[];
  readonly #entryFolders: Array<{ folder: string; objectType: 'data' | 'figure' }>;

  /** `stagingFolder`: the computation's own; its parent holds every computation's staging. */
  constructor(stagingFolder: string) {
    const store = getConfig().store;
    const parent = stagingFolder.slice(0, stagingFolder.lastIndexOf('/'));
    this.#ownFolders = [parent, getPlatform().workspace().tempFolder].filter(Boolean).map(withSlash);
    this.#entryFolders = store.localPath
      ? (['data', 'figure'] as const).map((objectType) => ({ folder: withSlash(store.localPath!(entryFolder(objectType))), objectType }))
      : [];
  }

  /** An entry used through load, process or loadFromHash; a use by instance wins over one by hash. */
  addEntry(entry: RecordedEntry): void {
    const known = this.#entries.get(entry.state_hash);
    if (known && entry.via !== 'load') return;
    this.#entries.set(entry.state_hash, Promise.resolve(entry));
  }

  /** Files read, or looked for in vain, while the computation ran. */
  addAccess(access: FileAccess): void {
    for (const path of access.read) {
      if (this.#isOwn(path) || this.#files.has(path)) continue;
      const entry = this.#entryOf(path);
      if (entry) {
        if (!this.#entries.has(entry.stateHash)) this.#entries.set(entry.stateHash, readEntry(entry.objectType, entry.stateHash));
        continue;
      }
      this.#files.set(
        path,
        inputHasher()
          .hash(path, { optional: true })
          .catch(() => undefined),
      );
    }
    for (const path of access.absent) {
      if (this.#absent.size >= MAX_ABSENT || this.#isOwn(path) || this.#entryOf(path)) continue;
      this.#absent.add(path);
    }
  }

  /**
   * What was recorded, without the computation's own entries (`own`: its state hash and its
   * co-outputs') and without the files its state hash covers already (`staticInputs`).
   */
  async result(own: readonly string[], staticInputs: readonly InputDigest[]): Promise<RecordedDependencies> {
    const entries = (await Promise.all(this.#entries.values())).filter((entry): entry is RecordedEntry => !!entry && !own.includes(entry.state_hash));
    const covered = new Set(staticInputs.map((input) => `${input.id}\0${input.size}\0${input.sha256}`));
    const files: RecordedDependencies['files'] = [];
    for (const digest of await Promise.all(this.#files.values())) {
      // A file gone by now was the computation's own scratch file.
      if (!digest || digest.sha256 === ABSENT_SHA256 || covered.has(`${digest.id}\0${digest.size}\0${digest.sha256}`)) continue;
      files.push({ path: recordedPath(digest.id), size: digest.size, sha256: digest.sha256 });
    }
    const hasher = inputHasher();
    const absent: string[] = [];
    for (const path of this.#absent) {
      if (this.#files.has(path)) continue;
      // Looked for, then created by the computation itself: not a file whose appearing changes anything.
      const now = await hasher.hash(path, { optional: true }).catch(() => undefined);
      if (now?.sha256 === ABSENT_SHA256) absent.push(recordedPath(path));
    }
    const cwd = getPlatform().resolvePath('.');
    const relative = [...files.map((file) => file.path), ...absent].some(isRelativeRecordedPath);
    return {
      entries: entries.sort((a, b) => (a.state_hash < b.state_hash ? -1 : 1)),
      files: files.sort((a, b) => (a.path < b.path ? -1 : 1)),
      absent: absent.sort(),
      engine_reads_observed: getConfig().engine.fs.kind === 'host',
      ...(relative ? { cwd } : {}),
    };
  }

  #isOwn(path: string): boolean {
    return this.#ownFolders.some((folder) => path.startsWith(folder));
  }

  #entryOf(path: string): { stateHash: string; objectType: 'data' | 'figure' } | undefined {
    for (const { folder, objectType } of this.#entryFolders) {
      if (!path.startsWith(folder)) continue;
      const stateHash = path.slice(folder.length).split('/')[0]!;
      if (/^[0-9a-f]{64}$/.test(stateHash)) return { stateHash, objectType };
    }
    return undefined;
  }
}

/** The entry a file inside the cache belongs to, as a recorded use (undefined when it is not an entry). */
async function readEntry(objectType: 'data' | 'figure', stateHash: string): Promise<RecordedEntry | undefined> {
  try {
    const bytes = await getConfig().store.get(entryPrefix(objectType, stateHash) + META_FILE);
    if (!bytes) return undefined;
    const meta = JSON.parse(new TextDecoder().decode(bytes)) as { class_name?: unknown; output?: { sha256?: unknown } };
    if (typeof meta.class_name !== 'string' || typeof meta.output?.sha256 !== 'string') return undefined;
    return { state_hash: stateHash, class_name: meta.class_name, object_type: objectType, sha256: meta.output.sha256, via: 'path' };
  } catch {
    return undefined;
  }
}

/**
 * A path as recorded: relative to the working directory when it is inside it, as the code that
 * read it most likely named it (`data/elevation.tif`), so a project keeps its hits when its folder
 * moves, and two projects sharing a cache each judge an entry by their own files.
 */
function recordedPath(path: string): string {
  const cwd = withSlash(getPlatform().resolvePath('.'));
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}

/** Whether a recorded path is relative to the working directory it was recorded in (see `recordedPath`). */
export function isRelativeRecordedPath(path: string): boolean {
  return !/^([\\/]|[A-Za-z]:)/.test(path);
}

function withSlash(folder: string): string {
  return folder.endsWith('/') ? folder : `${folder}/`;
}
