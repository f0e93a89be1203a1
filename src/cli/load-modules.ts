// Node only (part of the CLI): imports the user's pipeline modules so their classes are live.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultRegistry, isFrameworkBase, register } from '../fingerprint/index.js';
import { ConfigError } from '../errors.js';
import { describeError } from '../format.js';

/** Set once tsx's loader is in place, so it is not registered twice. */
const TSX_REGISTERED = Symbol.for('geodata.cli.tsxRegistered');

/** A pipeline module that could not be imported, or whose classes could not be registered. */
export interface ModuleError {
  file: string;
  message: string;
}

/** What importing the pipeline modules did. */
export interface LoadedModules {
  /** The modules imported, as absolute paths. */
  loaded: string[];
  /** Exported Data/Figure classes that were not registered, and now are. */
  registered: string[];
  errors: ModuleError[];
}

/**
 * Imports each pipeline module (TypeScript too, through tsx's loader), so the classes it
 * registers (`@register`) are the live code, and registers the Data and Figure subclasses it
 * exports without registering. A module that fails is reported, and the others still load.
 */
export async function loadPipelineModules(files: readonly string[], cwd: string): Promise<LoadedModules> {
  const result: LoadedModules = { loaded: [], registered: [], errors: [] };
  const paths = [...new Set(files.map((file) => resolve(cwd, file)))];
  for (const path of paths) {
    if (!existsSync(path)) {
      result.errors.push({ file: path, message: 'the file does not exist' });
      continue;
    }
    let exports: Record<string, unknown>;
    try {
      exports = await importModule(path);
    } catch (error) {
      result.errors.push({ file: path, message: commonJsHint(path, error) ?? describeError(error) });
      continue;
    }
    result.loaded.push(path);
    for (const value of Object.values(exports)) {
      if (!isPipelineClass(value) || defaultRegistry.nameOf(value) !== undefined) continue;
      try {
        register(value);
        result.registered.push(value.name);
      } catch (error) {
        result.errors.push({ file: path, message: `cannot register its export ${value.name}: ${describeError(error)}` });
      }
    }
  }
  return result;
}

/**
 * Imports a module; a TypeScript one that Node cannot load yet is imported again once tsx's
 * loader is registered. tsx is an optional peer dependency of geodata: only TypeScript pipeline
 * modules need it, and the project that has them has it (or is told how to get it). Registering
 * only on demand matters: a process already running under a TypeScript loader (tsx, vitest) would
 * otherwise compile every module twice, and compiled twice, classes carry helper code that
 * changes their fingerprints.
 */
async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  const flags = globalThis as Record<symbol, unknown>;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[cm]?tsx?$/.test(path)) throw error;
    // Imported before, in this process, before tsx's loader was in place: Node remembers that
    // failure under the plain URL, and the module under the one it was imported by then.
    if (flags[TSX_REGISTERED]) return (await import(`${url}?typescript`)) as Record<string, unknown>;
  }
  let registerTsx: () => unknown;
  try {
    ({ register: registerTsx } = await import('tsx/esm/api'));
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ConfigError(`it is TypeScript, and loading TypeScript needs tsx, which is not installed: npm install --save-dev tsx (or compile the module to JavaScript and name the .js file)`, { cause: error });
  }
  registerTsx();
  flags[TSX_REGISTERED] = true;
  // Node remembers the failed load under the plain URL: ask under another one.
  return (await import(`${url}?typescript`)) as Record<string, unknown>;
}

/**
 * A Data or Figure subclass, recognised by shape rather than `instanceof`, so classes built on
 * another copy of geodata (a user's node_modules) count too; the library's own bases do not.
 */
function isPipelineClass(value: unknown): value is Function {
  if (typeof value !== 'function' || isFrameworkBase(value)) return false;
  const type = (value as { objectType?: unknown }).objectType;
  const prototype = (value as { prototype?: { getProcessedPath?: unknown } }).prototype;
  return (type === 'data' || type === 'figure') && typeof prototype?.getProcessedPath === 'function';
}

/**
 * What Node throws when a `.ts` file it reads as CommonJS holds ES module syntax (Node 20 throws
 * an internal assertion when tsx's loader was registered after a first plain import of the file;
 * the message, naming the module, tells it apart).
 */
const COMMONJS_ERRORS = new Set(['ERR_REQUIRE_CYCLE_MODULE', 'ERR_REQUIRE_ESM', 'ERR_REQUIRE_ASYNC_MODULE', 'ERR_INTERNAL_ASSERTION']);

/**
 * A `.ts` module (or one it imports) in a package without `"type": "module"` is CommonJS to
 * Node, and importing it fails with an error about require() cycles that says nothing useful:
 * this says what to do instead. Undefined for any other error.
 */
function commonJsHint(path: string, error: unknown): string | undefined {
  if (!COMMONJS_ERRORS.has(String((error as { code?: unknown }).code))) return undefined;
  // The message names the file Node could not load: the module itself or one it imports.
  const named = /ES Module (\S+?\.[cm]?tsx?)\b/.exec(error instanceof Error ? error.message : '')?.[1];
  const file = named && existsSync(named) ? named : path;
  if (!/\.tsx?$/.test(file)) return undefined;
  const which = file === path ? 'it' : `${file}, which it imports,`;
  const packageJson = nearestPackageJson(dirname(file));
  const renamed = basename(file).replace(/\.ts(x?)$/, '.mts$1');
  return packageJson
    ? `Node loads ${which} as CommonJS, because ${packageJson} does not say "type": "module"; name it ${renamed}, or add "type": "module" to ${packageJson}`
    : `Node loads ${which} as CommonJS, because no package.json above it says "type": "module"; name it ${renamed}, or add a package.json with "type": "module" beside it`;
}

/** The package.json that decides how Node reads files in `folder`: the nearest one above it. */
function nearestPackageJson(folder: string): string | undefined {
  for (let current = folder; ; current = dirname(current)) {
    const candidate = join(current, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * A module resolve hook (Node's `module.register`): a file imported by a relative path from a
 * module whose URL carries `?geodata-reload=N` gets the same query, unless it is in
 * `node_modules`. So importing a pipeline module under a new N evaluates it and every project file
 * it imports, directly or not, anew (Node keeps one instance per URL), while packages (geodata
 * itself included, imported by name) stay the instances already loaded.
 */
const RELOAD_HOOKS = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const reload = /^\\.\\.?\\//.test(specifier) && context.parentURL && /[?&]geodata-reload=(\\d+)/.exec(context.parentURL);
  if (!reload || !result.url.startsWith('file:') || result.url.includes('/node_modules/') || result.url.includes('geodata-reload=')) return result;
  return { ...result, url: result.url + (result.url.includes('?') ? '&' : '?') + 'geodata-reload=' + reload[1] };
}
`;
const RELOAD_HOOKS_REGISTERED = Symbol.for('geodata.cli.reloadHooksRegistered');

async function registerReloadHooks(): Promise<void> {
  const flags = globalThis as Record<symbol, unknown>;
  if (flags[RELOAD_HOOKS_REGISTERED]) return;
  flags[RELOAD_HOOKS_REGISTERED] = true;
  const { register: registerHooks } = await import('node:module');
  registerHooks(`data:text/javascript,${encodeURIComponent(RELOAD_HOOKS)}`);
}

/**
 * Watches the pipeline modules and every project file the fingerprints read (their imports):
 * `reload()` imports the named modules again when any of those files changed since the last look,
 * and resolves to whether it did. Each reload evaluates the modules and every project file they
 * import anew (see {@link RELOAD_HOOKS}), so a class edited in, or moved to, an imported file is
 * the new code; packages are not evaluated again.
 */
export class ModuleWatch {
  #versions = new Map<string, string>();
  #generation = 0;

  constructor(
    private readonly paths: readonly string[],
    private readonly readFiles: () => Array<{ path: string }> = () => [],
  ) {
    this.#versions = this.#look();
  }

  async reload(): Promise<boolean> {
    this.settle();
    const now = this.#look();
    // A file seen for the first time (read by a fingerprint since the last look) is no change.
    const changed = [...now].some(([path, version]) => this.#versions.has(path) && this.#versions.get(path) !== version);
    if (!changed) return false;
    this.#generation++;
    await registerReloadHooks();
    // The classes of these modules and the files they import register again, maybe at other
    // lines or in other files: the old ones make way.
    const folders = this.paths.map((path) => dirname(path) + '/');
    const reloaded = new Set([...this.paths, ...[...now.keys()].filter((path) => folders.some((folder) => path.startsWith(folder)))]);
    const removed: Array<[Function, string | undefined]> = [];
    for (const name of defaultRegistry.names()) {
      const cls = defaultRegistry.get(name)!;
      const site = defaultRegistry.siteOf(cls);
      const file = site?.replace(/:\d+:\d+$/, '');
      if (file === undefined || !reloaded.has(file.startsWith('file:') ? fileURLToPath(file) : file)) continue;
      removed.push([cls, site]);
      defaultRegistry.unregister(cls);
    }
    try {
      for (const path of this.paths) {
        if (!existsSync(path)) continue;
        const exports = (await import(`${pathToFileURL(path).href}?geodata-reload=${this.#generation}`)) as Record<string, unknown>;
        for (const value of Object.values(exports)) if (isPipelineClass(value) && defaultRegistry.nameOf(value) === undefined) register(value);
      }
    } catch (error) {
      // A module that no longer loads (a syntax error mid-edit): the code that ran stays.
      for (const [cls, site] of removed) if (defaultRegistry.nameOf(cls) === undefined && !defaultRegistry.get(cls.name)) defaultRegistry.add(cls, site);
      throw error;
    }
    // What the new code's fingerprints read is known only after they are taken: look again then.
    this.#versions = now;
    return true;
  }

  /** Takes note of files read since the last look (a fingerprint's imports), without reloading. */
  settle(): void {
    const now = this.#look();
    for (const [path, version] of now) if (!this.#versions.has(path)) this.#versions.set(path, version);
  }

  #look(): Map<string, string> {
    const files = new Set([...this.paths, ...this.readFiles().map((file) => file.path).filter((path) => !path.includes(`${'/'}node_modules${'/'}`))]);
    const versions = new Map<string, string>();
    for (const path of files) {
      try {
        const stat = statSync(path);
        versions.set(path, `${stat.mtimeMs}:${stat.size}`);
      } catch {
        versions.set(path, 'missing');
      }
    }
    return versions;
  }
}
