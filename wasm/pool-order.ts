/**
 * The order of a Web Worker pool's operations (`web-worker-pool.ts`). One worker engine runs
 * every call and file method one after the other, in the order they were made: a file method made
 * while a warp runs sees the warp's output, a warp sees the files as they were when it was made.
 * The pool runs calls at once on several workers and answers file methods in the page, so an
 * operation that touches what an earlier, unfinished one may write (or names a file an earlier
 * one reads, which must not change under it) waits for it: `Promise.all([warp(a → b), info(b)])`,
 * `warp(a → b)` then `remove(a)` or `readFile(b)` before the warp is awaited, `close()` while
 * calls run. Operations on other files do not wait, so independent steps still run in parallel.
 *
 * What a GDAL call may write is known by name: its output, the files next to it that share its
 * stem (`b.tif.aux.xml`, a shapefile's `b.dbf`, an ENVI `b.hdr`), what is inside it (a shapefile
 * dest without extension is a folder), the archive it writes into (`/vsizip//out/a.zip/x.asc`),
 * and the `.aux.xml` of its inputs (statistics). What a call reads is known from its arguments
 * and, for a VRT, from the files the VRT names (`withVrtSources`); a file next to a named one
 * (a `.dbf`, a `.msk`) is covered by the writer's stem. Other files a call reads without naming
 * them (the paths in buildVrt's `-input_file_list`, files another format refers to) may be written
 * by an unfinished call that this one does not wait for: await that call first.
 */
import type { WorkerMethod } from './worker-protocol.js';
import { vrtReferences } from '../src/fingerprint/vrt-references.js';
import { mapGdalPath, normalizePosixPath } from './paths.js';

/** The files an operation names, and which files it may write. */
export interface Scope {
  /** Page paths (normalised) the operation reads, writes or tests. */
  names: readonly string[];
  /** Whether the operation may write (create, change or remove) the page path `path`. */
  writes(path: string): boolean;
  /** Orders against every operation (`close`). */
  all?: boolean;
  /**
   * Names a VRT: what else it reads is known only from the VRT's text when it starts (an earlier
   * operation it waits for may write that VRT), so later operations wait for it to start.
   */
  grows?: boolean;
}

interface Pending {
  scope: Scope;
  /** Issue order: an operation only ever waits for earlier ones. */
  seq: number;
  done: Promise<void>;
  /** Resolved when the body starts, with `scope` final. */
  started: Promise<void>;
  hasStarted: boolean;
}

/** Operations that wait for the earlier unfinished operations they conflict with. */
export class IssueOrder {
  private readonly pending = new Set<Pending>();
  private nextSeq = 0;

  /**
   * Runs `body` once every earlier operation whose scope conflicts with this one's has finished.
   * `scope` is asked again after each wait: a VRT written meanwhile may name more files. Call
   * `run` synchronously where the operation is made: the order of calls is the order kept.
   */
  run<T>(scope: () => Scope, body: () => Promise<T>): Promise<T> {
    let finish!: () => void;
    let began!: () => void;
    const entry: Pending = {
      scope: scope(),
      seq: this.nextSeq++,
      done: new Promise<void>((resolve) => (finish = resolve)),
      started: new Promise<void>((resolve) => (began = resolve)),
      hasStarted: false,
    };
    // An earlier operation still waiting to read a VRT may read files not yet in its scope (the
    // VRT is being written): this one waits until it starts, when its scope is final, then looks again.
    const conflicting = () =>
      [...this.pending]
        .filter((other) => other.seq < entry.seq)
        .flatMap((other) => (conflict(entry.scope, other.scope) ? [other.done] : !other.hasStarted && other.scope.grows ? [other.started] : []));
    const earlier = conflicting();
    this.pending.add(entry);
    const settle = () => {
      this.pending.delete(entry);
      finish();
    };
    const start = (): Promise<T> => {
      entry.hasStarted = true;
      began();
      try {
        return body();
      } catch (error) {
        return Promise.reject(error);
      }
    };
    const afterWaits = async (waits: Array<Promise<void>>): Promise<T> => {
      while (waits.length > 0) {
        await Promise.all(waits);
        entry.scope = scope();
        waits = conflicting();
      }
      return start();
    };
    // Without an earlier conflict the body starts now, before the caller's next operation.
    const result = earlier.length === 0 ? start() : afterWaits(earlier);
    result.then(settle, settle);
    return result;
  }
}

function conflict(a: Scope, b: Scope): boolean {
  return Boolean(a.all || b.all) || a.names.some((path) => b.writes(path)) || b.names.some((path) => a.writes(path));
}

/**
 * The page path behind a GDAL path: the archive file of `/vsizip/...` (up to the first name with
 * an extension), a `/vsimem/` path itself, undefined for GDAL's other namespaces (`/vsicurl/`),
 * else the path (a relative one in `workingFolder`).
 */
export function pagePath(path: string, workingFolder = '/'): string | undefined {
  // GDAL's in-memory files are ordered by name too (the pool runs every call on them on one worker).
  if (isVsimem(path)) return `/vsimem${normalizePosixPath(path.slice('/vsimem'.length))}`;
  let real: string | undefined;
  let archive = false;
  mapGdalPath(path, (file) => {
    real = file;
    archive = file !== path;
    return file;
  });
  if (real === undefined) return undefined;
  const file = real.replace(/^\{|\}$/g, '');
  const normal = normalizePosixPath(file.startsWith('/') ? file : `${workingFolder}/${file}`);
  if (!archive) return normal;
  const parts = normal.split('/');
  const index = parts.findIndex((part, at) => at > 0 && /\.[^.]+$/.test(part));
  return index < 0 ? normal : parts.slice(0, index + 1).join('/');
}

/** Whether `path` is in GDAL's own in-memory files (`/vsimem/`), which are per worker. */
export function isVsimem(path: string): boolean {
  return path.startsWith('/vsimem/');
}

/**
 * Whether a call names a `/vsimem/` file anywhere in its arguments (a dest, a source, an option):
 * each worker's GDAL has its own `/vsimem/`, one worker engine has one, so such calls must all run
 * on one worker to see each other's files.
 */
export function namesVsimem(args: readonly unknown[]): boolean {
  // A walk, not JSON.stringify: call options may hold cycles or class instances (a DEFLATE codec).
  const seen = new Set<unknown>();
  const visit = (value: unknown): boolean => {
    if (typeof value === 'string') return value.includes('/vsimem/');
    if (value === null || typeof value !== 'object' || seen.has(value)) return false;
    seen.add(value);
    if (Array.isArray(value)) return value.some(visit);
    if (Object.getPrototypeOf(value) !== Object.prototype) return false;
    return Object.values(value).some(visit);
  };
  return args.some(visit);
}

/** `file` without its last extension (`/d/a.tif` → `/d/a`; a name without one stays). */
function stemOf(file: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? file.slice(0, file.length - (name.length - dot)) : file;
}

/** Whether `path` is `file`, inside it (a folder), or a file next to it sharing its stem. */
function besideOrInside(file: string): (path: string) => boolean {
  const stem = stemOf(file);
  return (path) => path === file || path.startsWith(`${file}/`) || path.startsWith(`${stem}.`);
}

/**
 * Whether a file may be part of the dataset GDAL opens at `path`: a file beside it sharing its
 * stem (`a.hdr` of `a.envi`, `a.dbf` of `a.shp`, `a.tif.ovr`, `a.tif.aux.xml`), which a call reading
 * `path` reads without naming it, so changing it by a file method is ordered after that call.
 */
function sidecarOf(path: string): (file: string) => boolean {
  const stem = stemOf(path);
  return (file) => file !== path && file.startsWith(`${stem}.`);
}

/**
 * Whether a file is inside the folder `path`: GDAL opens some folders as one dataset (a folder of
 * shapefiles or CSV files), so a file written or removed in it changes what a call reading it reads.
 */
const inFolder = (path: string) => (file: string) => file.startsWith(`${path}/`);

const FOLDER_OR_FILE = (folder: string) => (path: string) => folder === '/' || path === folder || path.startsWith(`${folder}/`);

const page = (paths: unknown[]): string[] => paths.filter((path): path is string => typeof path === 'string').flatMap((path) => pagePath(path) ?? []);

/**
 * Arguments that look like absolute paths (`-cutline /in/cut.geojson`), or a file GDAL reads an
 * argument from (`-sql @/in/query.sql`): named, so ordered.
 */
const pathArgs = (args: unknown): string[] =>
  page(Array.isArray(args) ? args.flatMap((arg) => (typeof arg !== 'string' ? [] : arg.startsWith('/') ? [arg] : arg.startsWith('@/') ? [arg.slice(1)] : [])) : []);

/** Names a file GDAL may open as a VRT (which the pool engine looks into, see `hostVrtText`). */
const isVrt = (path: string) => /(\.vrt|\.xml|\/[^./]+)$/i.test(path);

/** The text of a VRT the engine holds, by path (undefined when it holds none there). */
export type VrtText = (path: string) => string | undefined;

/** VRTs larger than this are not read for the files they name (they are tables of sources, not mosaics' XML). */
export const VRT_TEXT_BYTES = 4 * 1024 * 1024;

/**
 * `paths` and, for each VRT among them the engine holds, the files it names (its sources,
 * `relativeToVRT` resolved against its folder, other relative names against `workingFolder`: the
 * process's in Node, which the host engines make GDAL's working folder too), VRTs within VRTs
 * too: GDAL reads them without their names being in the call's arguments.
 */
export function withVrtSources(paths: readonly string[], vrtText: VrtText | undefined, workingFolder = '/'): string[] {
  const all = new Set(paths);
  if (!vrtText) return [...all];
  const queue = [...paths];
  // A bound on the VRTs read per call: a mosaic's VRT of VRTs stays cheap to order.
  for (let read = 0; queue.length > 0 && read < 64; ) {
    const vrt = queue.shift()!;
    const text = vrtText(vrt);
    if (text === undefined) continue;
    read += 1;
    const folder = vrt.slice(0, vrt.lastIndexOf('/')) || '/';
    for (const { path: name, relativeToVrt } of vrtReferences(text)) {
      const path = pagePath(relativeToVrt ? `${folder}/${name}` : name, workingFolder);
      if (path === undefined || all.has(path)) continue;
      all.add(path);
      queue.push(path);
    }
  }
  return [...all];
}

/**
 * What a GDAL call or file method names and may write (arguments as the engine method takes
 * them); `vrtText` gives the VRTs whose sources a call reads too, and `workingFolder` is where
 * their relative names are (see `withVrtSources`).
 */
export function scopeOf(method: WorkerMethod, args: readonly unknown[], vrtText?: VrtText, workingFolder = '/'): Scope {
  const none = () => false;
  switch (method) {
    case 'crsToWkt':
    case 'crsInfo':
    case 'transformPoints':
      return { names: [], writes: none };
    case 'close':
      return { names: [], writes: () => true, all: true };
    case 'info':
    case 'vectorInfo': {
      const [source] = page([args[0]]);
      const names = withVrtSources([...page([args[0]]), ...pathArgs(args[1])], vrtText, workingFolder);
      // Statistics are stored: in a VRT itself (GDAL rewrites it), else in `.aux.xml` files, the
      // VRT's sources' included (`gdalinfo -stats mosaic.vrt` writes `tile.tif.aux.xml`). A call
      // opening one of these files reads what is stored with it (an info reports the statistics),
      // so each is written for the order too: such calls do not run beside this one.
      const statistics = Array.isArray(args[1]) && args[1].some((arg) => arg === '-stats' || arg === '-approx_stats' || arg === '-hist');
      const written = new Set(statistics ? names.flatMap((path) => [`${path}.aux.xml`, path]) : [`${source}.aux.xml`]);
      return { names, writes: (path) => written.has(path), grows: names.some(isVrt) };
    }
    case 'readFile':
    case 'exists':
    case 'size':
      return { names: page([args[0]]), writes: none };
    case 'writeFile':
    case 'remove': {
      const names = page([args[0]]);
      return { names, writes: (path) => names.some((file) => path === file || sidecarOf(path)(file) || inFolder(path)(file)) };
    }
    case 'mkdir': {
      // A folder made lets a call write into it: such a call made earlier must still find none.
      const names = page([args[0]]);
      return { names, writes: names.length > 0 ? FOLDER_OR_FILE(names[0]!) : none };
    }
    case 'rename': {
      // Either name may be a folder: what is inside moves (or is replaced) with it.
      const names = page([args[0], args[1]]);
      const moved = names.map(FOLDER_OR_FILE);
      return { names, writes: (path) => moved.some((inside) => inside(path)) || names.some(sidecarOf(path)) || names.some(inFolder(path)) };
    }
    case 'removeTree': {
      const names = page([args[0]]);
      return { names, writes: names.length > 0 ? FOLDER_OR_FILE(names[0]!) : none };
    }
    default: {
      // warp, translate, rasterize, buildVrt, vectorTranslate: (sources, dest, args); dem: (mode, source, dest, args, { colorFile }).
      const offset = method === 'dem' ? 1 : 0;
      const sources = page([args[offset]].flat());
      const [dest] = page([args[offset + 1]]);
      const options = args[offset + 3] as { colorFile?: unknown } | undefined;
      const colorFile = method === 'dem' ? page([options?.colorFile]) : [];
      const beside = dest !== undefined ? besideOrInside(dest) : undefined;
      const output = beside ? (path: string) => beside(path) || inFolder(path)(dest!) : none;
      const statistics = new Set(sources.map((source) => `${source}.aux.xml`));
      const read = withVrtSources([...sources, ...pathArgs(args[offset + 2])], vrtText, workingFolder);
      return {
        names: [...read, ...(dest !== undefined ? [dest] : []), ...colorFile],
        writes: (path) => output(path) || statistics.has(path),
        grows: read.some(isVrt),
      };
    }
  }
}
