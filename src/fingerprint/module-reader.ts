/** A module's text, as a `ModuleReader` found it. */
export interface ModuleText {
  /** What `read` was given, normalised (a file path in Node, a URL in browsers). */
  readonly url: string;
  readonly text: string;
  /** Changes when the text may have changed (Node: modification time and size). */
  readonly version: string;
}

/** A package that a bare import specifier names, as seen from the importing module. */
export interface PackageId {
  /** `proj4`, `@scope/name`, or `node:fs` for a Node builtin. */
  name: string;
  /** From the package's package.json; undefined for builtins and where it cannot be read. */
  version: string | undefined;
}

/**
 * Where the fingerprint reads the modules that classes are written in, to resolve the free names
 * of a class to their declarations. Synchronous, as fingerprinting is: a reader that must fetch
 * (a browser) does so ahead, in `prepare`.
 */
export interface ModuleReader {
  /** The module at `url` (a path, a `file:` or `http(s):` URL), or undefined when it cannot be read (yet). */
  read(url: string): ModuleText | undefined;
  /**
   * The module a relative or absolute `specifier`, or a bare one that maps to a file of the
   * project (a subpath import `#helpers`, a tsconfig `paths` alias, a package linked from outside
   * node_modules), names,
   * imported from `from`; undefined when there is none (an installed package: `packageOf`).
   */
  resolveImport(specifier: string, from: string): string | undefined;
  /** The package a bare `specifier` names, imported from `from`. */
  packageOf(specifier: string, from: string): PackageId;
  /** Reads `urls` ahead, so that `read` finds them (browsers fetch here; Node reads on demand). */
  prepare?(urls: readonly string[]): Promise<void>;
  /** Increases whenever `prepare` made new modules readable: analyses made before are redone. */
  readonly generation?: number;
}

let defaultReader: ModuleReader | undefined;

/**
 * The reader fingerprints use when their options name none: the platform's, installed by the
 * package entry (`geodata` in Node reads files, in a browser fetches the served scripts).
 * Undefined where no entry installed one: names then resolve through `uses` and the registry.
 */
export function defaultModuleReader(): ModuleReader | undefined {
  return defaultReader;
}

/** Installs the default reader (the package entries do, through `setPlatform`). */
export function setDefaultModuleReader(reader: ModuleReader | undefined): void {
  defaultReader = reader;
}

/**
 * The package name in a bare specifier: `proj4/dist/x.js` → `proj4`, `@scope/a/b` → `@scope/a`.
 *
 * @example
 * packageName('geotiff/dist-module/geotiff.js'); // 'geotiff'
 */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Whether `specifier` names a module by path or URL rather than a package. */
export function isPathSpecifier(specifier: string): boolean {
  return /^(?:\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(specifier) && !specifier.startsWith('node:');
}

/**
 * Reads modules over HTTP: the served script of a bundled page, or the modules a dev server
 * serves. `prepare` fetches; `read` returns what was fetched. Packages are named without a
 * version (a page has no package.json to read).
 *
 * @example
 * const reader = new FetchModuleReader();
 * await reader.prepare(['http://localhost:8080/app.js']);
 * reader.read('http://localhost:8080/app.js')?.text;
 */
export class FetchModuleReader implements ModuleReader {
  readonly #texts = new Map<string, ModuleText | null>();
  readonly #fetchText: (url: string) => Promise<string | undefined>;
  #generation = 0;

  /**
   * `fetchText` fetches a script's text (undefined when it cannot be had); by default `fetch` on
   * this thread. A page's bundle is megabytes: the browser platform fetches it in its compute
   * worker, where taking in the body does not hold the page's thread.
   */
  constructor(options: { fetchText?: (url: string) => Promise<string | undefined> } = {}) {
    this.#fetchText = options.fetchText ?? fetchTextHere;
  }

  get generation(): number {
    return this.#generation;
  }

  read(url: string): ModuleText | undefined {
    return this.#texts.get(withoutFragment(url)) ?? undefined;
  }

  resolveImport(specifier: string, from: string): string | undefined {
    // A subpath import (`#helpers`) is not a URL fragment of `from`, nor a package (`proj4`) a
    // path beside it: a page has no package.json or node_modules to map them.
    if (!isPathSpecifier(specifier)) return undefined;
    try {
      return withoutFragment(new URL(specifier, from).href);
    } catch {
      return undefined;
    }
  }

  packageOf(specifier: string): PackageId {
    return { name: packageName(specifier), version: undefined };
  }

  async prepare(urls: readonly string[]): Promise<void> {
    const pending = [...new Set(urls.map(withoutFragment))].filter((url) => !this.#texts.has(url));
    if (pending.length === 0) return;
    await Promise.all(
      pending.map(async (url) => {
        const text = await this.#fetchText(url).catch(() => undefined);
        // A URL is served once per load: its text is its version. A query names another module
        // (browsers key modules by their whole URL), as a dev server's reloaded `helpers.ts?t=…`
        // is the version that runs after a hot update, while `helpers.ts` is the one before it.
        this.#texts.set(url, text === undefined ? null : { url, text, version: 'fetched' });
      }),
    );
    this.#generation++;
  }
}

/** A script's text by `fetch` on this thread; undefined when the request fails or is not OK. */
async function fetchTextHere(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url);
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

function withoutFragment(url: string): string {
  return url.replace(/#.*$/, '');
}
