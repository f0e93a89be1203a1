/**
 * Node only: the order of GDAL calls and file methods on host files, for engines that may run
 * them at once (the pool's threads; the in-thread engine, whose file methods are Node's
 * asynchronous fs beside GDAL calls on the thread). Each operation waits for the earlier,
 * unfinished ones that may write a file it names, or that name a file it writes
 * (`pool-order.ts`), so `Promise.all([translate(a, b), info(b)])` reads `b` as written and
 * `Promise.all([fs.writeFile(m.vrt), translate(m.vrt, ...)])` finds the VRT. Paths are compared
 * as the host resolves them: absolute, with their folders' links followed.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkedFiles, PATH_OPTIONS } from './engine-core.js';
import { FILE_METHODS, GDAL_OPERATIONS, type EngineFiles, type GdalEngine } from './engine.js';
import { mapGdalPath } from './paths.js';
import { IssueOrder, scopeOf, VRT_TEXT_BYTES } from './pool-order.js';
import { atCaller, type WorkerMethod } from './worker-protocol.js';

/** Runs an operation once the earlier ones it conflicts with have finished. */
type InCallOrder = <T>(method: WorkerMethod, args: unknown[], body: () => Promise<T>) => Promise<T>;

/** A new order of operations on host files: call it where each operation is made, synchronously. */
function hostCallOrder(): InCallOrder {
  const order = new IssueOrder();
  return (method, args, body) =>
    order.run(() => {
      try {
        const host = hostPaths(method, args);
        const scope = scopeOf(method, host, hostVrtText, process.cwd());
        // writeFile makes the folders it writes into: an earlier call writing into one must still find none.
        const made = method === 'writeFile' && typeof host[0] === 'string' ? missingFolder(host[0]) : undefined;
        // The files a VRT names are found by name; through a linked folder they are another name.
        return { ...scope, names: scope.names.map(hostRealPath), ...(made ? { writes: (file: string) => scope.writes(file) || file === made || file.startsWith(`${made}/`) } : {}) };
      } catch {
        // Arguments no engine takes: ordered against everything (the call then rejects with why).
        return { names: [], writes: () => true, all: true };
      }
    }, body);
}

/**
 * `engine` with its GDAL calls, file methods and `close` kept in call order where they touch the
 * same files (see the module's comment); calls on other files still run as the engine runs them.
 */
export function inHostCallOrder(engine: GdalEngine): GdalEngine {
  const inOrder = hostCallOrder();
  const call = (target: object, method: string) => (target as Record<string, (...args: unknown[]) => Promise<unknown>>)[method]!.bind(target);
  // The order's queue runs the call from its own continuation, where the caller's async frames are
  // gone: an error from a worker thread gets the caller's frames here, where the caller awaits.
  const operations = Object.fromEntries(
    GDAL_OPERATIONS.map((method) => [
      method,
      async (...args: unknown[]) => {
        try {
          return await inOrder(method, args, () => call(engine, method)(...args));
        } catch (error) {
          throw atCaller(error);
        }
      },
    ]),
  );
  // Arguments checked first, as the engine checks them: a bad one rejects with its own message.
  const checked = checkedFiles(engine.fs);
  const files = Object.fromEntries(FILE_METHODS.map((method) => [method, (...args: unknown[]) => inOrder(method, args, () => call(checked, method)(...args))])) as unknown as Omit<EngineFiles, 'kind'>;
  return {
    ...(operations as unknown as Omit<GdalEngine, 'fs' | 'close'>),
    fs: { kind: engine.fs.kind, ...files },
    close: () => inOrder('close', [], () => engine.close()),
  };
}

/**
 * A VRT's text from the host's disk, for the order of calls: a call reading a VRT waits for an
 * earlier one writing a file it names. Small VRTs only (`VRT_TEXT_BYTES`), read when a call names
 * them; a VRT that cannot be read is no VRT to order by (the call then fails on its own). GDAL
 * knows a VRT by its text, not its name: a `.xml` file or one without extension is looked into
 * too (not every raster a mosaic names: that would read the head of each of its tiles per call).
 */
function hostVrtText(file: string): string | undefined {
  if (file.startsWith('/vsi')) return undefined;
  const named = /\.vrt$/i.test(file);
  if (!named && !/(\.xml|\/[^./]+)$/i.test(file)) return undefined;
  try {
    const stats = statSync(file);
    if (!stats.isFile() || stats.size > VRT_TEXT_BYTES) return undefined;
    const text = readFileSync(file, 'utf8');
    return named || /^\s*(<\?xml[^>]*>\s*)?<(VRTDataset|OGRVRTDataSource)[\s>]/i.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The arguments with their host paths absolute, for `scopeOf` (which compares paths by name):
 * `dem.tif` and `/work/dem.tif` are one file, as are `/vsizip/out.zip/a.asc` and
 * `/vsizip//work/out.zip/a.asc`. The files GDAL's options name (`-cutline cut.geojson`) too.
 */
function hostPaths(method: WorkerMethod, args: readonly unknown[]): unknown[] {
  const resolve = (value: unknown) => (typeof value === 'string' && value !== '' ? mapGdalPath(value, (file) => hostRealPath(path.resolve(file))) : value);
  const out = [...args];
  if (method === 'rename') return [resolve(out[0]), resolve(out[1])];
  if ((FILE_METHODS as readonly string[]).includes(method) || method === 'info' || method === 'vectorInfo') {
    out[0] = resolve(out[0]);
    return out;
  }
  const offset = method === 'dem' ? 1 : 0;
  out[offset] = Array.isArray(out[offset]) ? (out[offset] as unknown[]).map(resolve) : resolve(out[offset]);
  out[offset + 1] = resolve(out[offset + 1]);
  const pathOptions = PATH_OPTIONS[method] ?? [];
  const options = out[offset + 2];
  if (Array.isArray(options)) out[offset + 2] = options.map((arg, index) => (index > 0 && pathOptions.includes(options[index - 1]) ? resolve(arg) : arg));
  if (method === 'dem' && out[4] && typeof out[4] === 'object') out[4] = { ...(out[4] as object), colorFile: resolve((out[4] as { colorFile?: unknown }).colorFile) };
  return out;
}

/**
 * An absolute host path with its existing folders' links followed: `link/out.tif` and
 * `real/out.tif` are one file when `link` points at `real`, so calls on them are ordered.
 */
function hostRealPath(file: string): string {
  if (file.startsWith('/vsi')) return file;
  const missing: string[] = [];
  for (let at = file; ; at = path.dirname(at)) {
    try {
      // The system call: one per name (a mosaic names every tile), not a walk of lstat calls.
      return path.join(realpathSync.native(at), ...missing.reverse());
    } catch {
      if (at === path.dirname(at)) return file;
      missing.push(path.basename(at));
    }
  }
}

/** The outermost folder of `file` that does not exist yet (undefined when its folder exists). */
function missingFolder(file: string): string | undefined {
  if (file.startsWith('/vsi')) return undefined;
  let missing: string | undefined;
  for (let folder = path.dirname(file); !existsSync(folder); folder = path.dirname(folder)) {
    missing = folder;
    if (folder === path.dirname(folder)) break;
  }
  return missing;
}

