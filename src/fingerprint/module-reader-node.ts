import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPathSpecifier, type ModuleReader, type ModuleText, type PackageId, packageName } from './module-reader.js';
import { tsconfigPathTargets } from './tsconfig-paths.js';
import { bestPatternMatch } from './pattern-match.js';

const SCRIPT = /\.(?:[cm]?js|jsx)$/;
const TYPESCRIPT_FOR = ['.ts', '.tsx', '.mts', '.cts'];
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.jsx'];

/**
 * Reads modules from this machine's files, synchronously, each once per modification: what the
 * stack at `register` points to (a TypeScript source under tsx or vitest, compiled JavaScript
 * under plain node, a bundle). Imports resolve as TypeScript's NodeNext does (`./x.js` may be
 * `./x.ts`), bare ones through the nearest tsconfig.json's `paths` first (tsx resolves them);
 * packages are named with the version of the package.json Node would find, except a package
 * whose folder in node_modules links to a folder outside any node_modules (npm workspaces,
 * `npm link`, a `file:` folder): its files are the project's own, edited without a new version.
 *
 * @example
 * const reader = new NodeModuleReader();
 * reader.read('file:///home/me/pipeline.ts')?.text;
 */
export class NodeModuleReader implements ModuleReader {
  readonly #texts = new Map<string, ModuleText>();
  readonly #versions = new Map<string, string | undefined>();
  readonly #bare = new Map<string, string | undefined>();

  read(url: string): ModuleText | undefined {
    const path = toPath(url);
    if (path === undefined) return undefined;
    let version: string;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) return undefined;
      version = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return undefined;
    }
    const known = this.#texts.get(path);
    if (known?.version === version) return known;
    const text: ModuleText = { url: path, text: readFileSync(path, 'utf8'), version };
    this.#texts.set(path, text);
    return text;
  }

  /** The files read so far, with the version (modification time and size) each was read at. */
  readFiles(): Array<{ path: string; version: string }> {
    return [...this.#texts.values()].map((text) => ({ path: text.url, version: text.version }));
  }

  resolveImport(specifier: string, from: string): string | undefined {
    const base = toPath(from);
    let target: string | undefined;
    if (specifier.startsWith('#')) {
      // A subpath import (package.json "imports") naming a file of the project is that file; one
      // naming a package is the package (packageOf).
      const mapped = base === undefined ? undefined : packageImport(specifier, dirname(base));
      target = mapped?.startsWith('/') ? mapped : undefined;
    } else if (specifier.startsWith('file:')) target = toPath(specifier);
    else if (base === undefined) target = undefined;
    else if (isPathSpecifier(specifier)) target = resolve(dirname(base), specifier);
    else return specifier.startsWith('node:') || isBuiltin(specifier) ? undefined : this.#bareModule(specifier, dirname(base));
    if (target === undefined) return undefined;
    return moduleFile(target);
  }

  /**
   * The file a bare specifier names when it is code of the project: a tsconfig `paths` alias
   * (TypeScript tries them before node_modules), or a package linked into node_modules from
   * outside any node_modules; undefined for an installed package (known by its version) and for
   * what cannot be found.
   */
  #bareModule(specifier: string, dir: string): string | undefined {
    const key = `${dir}\u0000${specifier}`;
    if (!this.#bare.has(key)) {
      const aliased = tsconfigPathTargets(specifier, dir)?.map(moduleFile).find((file) => file !== undefined);
      this.#bare.set(key, aliased ?? linkedPackageFile(specifier, dir));
    }
    return this.#bare.get(key);
  }

  packageOf(specifier: string, from: string): PackageId {
    if (specifier.startsWith('node:') || isBuiltin(specifier)) return { name: specifier.startsWith('node:') ? specifier : `node:${specifier}`, version: undefined };
    const start = toPath(from);
    const mapped = specifier.startsWith('#') && start !== undefined ? packageImport(specifier, dirname(start)) : undefined;
    const name = packageName(mapped ?? specifier);
    const key = `${start === undefined ? '' : dirname(start)}\u0000${name}`;
    if (!this.#versions.has(key)) this.#versions.set(key, start === undefined ? undefined : findVersion(dirname(start), name));
    return { name, version: this.#versions.get(key) };
  }
}

// The conditions Node's ESM loader matches in "imports" targets.
const CONDITIONS = new Set(['node', 'import', 'module-sync', 'default']);

/**
 * What the nearest package.json's "imports" maps `specifier` (`#helpers`, `#lib/x.js`) to, as
 * Node resolves it from `dir`: an absolute path for a target in the package (`./lib/x.js`), or
 * the bare specifier of a package (`proj4`); undefined when nothing maps it.
 */
function packageImport(specifier: string, dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const file = join(current, 'package.json');
    if (existsSync(file)) {
      let imports: unknown;
      try {
        imports = (JSON.parse(readFileSync(file, 'utf8')) as { imports?: unknown }).imports;
      } catch {
        return undefined;
      }
      if (typeof imports !== 'object' || imports === null) return undefined;
      const target = matchImport(imports as Record<string, unknown>, specifier);
      if (target === undefined) return undefined;
      return target.startsWith('./') ? resolve(current, target) : target;
    }
    if (dirname(current) === current) return undefined;
  }
}

/** The target of `specifier` in an "imports" map: an exact key, else the longest `*` pattern. */
function matchImport(imports: Record<string, unknown>, specifier: string): string | undefined {
  const match = bestPatternMatch(Object.keys(imports), specifier);
  if (!match) return undefined;
  const target = conditionalTarget(imports[match.key]);
  return match.key.includes('*') ? target?.replaceAll('*', match.matched) : target;
}

function conditionalTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = conditionalTarget(item);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [condition, nested] of Object.entries(value)) {
    if (CONDITIONS.has(condition)) return conditionalTarget(nested);
  }
  return undefined;
}

/** The module file `target` names, as TypeScript's NodeNext resolution finds it (`./x.js` may be `./x.ts`). */
function moduleFile(target: string): string | undefined {
  const candidates = [target];
  if (SCRIPT.test(target)) candidates.push(...TYPESCRIPT_FOR.map((ext) => target.replace(SCRIPT, ext)));
  candidates.push(...EXTENSIONS.map((ext) => target + ext), ...EXTENSIONS.map((ext) => join(target, `index${ext}`)));
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/**
 * The file `specifier` names in a package that Node finds from `dir` in a node_modules folder
 * linking to a folder outside any node_modules (npm workspaces, `npm link`, `file:` folders);
 * undefined for a package installed in node_modules (its version stands for its code). The
 * package's own name (geodata) is never linked code: it is the library.
 */
function linkedPackageFile(specifier: string, dir: string): string | undefined {
  const name = packageName(specifier);
  if (name === 'geodata') return undefined;
  for (let current = dir; ; current = dirname(current)) {
    const folder = join(current, 'node_modules', name);
    if (existsSync(join(folder, 'package.json'))) {
      let real: string;
      let manifest: { exports?: unknown; main?: unknown };
      try {
        real = realpathSync(folder);
        manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as typeof manifest;
      } catch {
        return undefined;
      }
      if (real.split(/[\\/]/).includes('node_modules')) return undefined;
      const subpath = `.${specifier.slice(name.length)}`;
      const target = packageExport(manifest, subpath);
      return target === undefined ? undefined : moduleFile(resolve(real, target));
    }
    if (dirname(current) === current) return undefined;
  }
}

/** What a package.json maps `subpath` (`.`, `./lib/x.js`) to, relative to its folder, as Node's ESM loader reads "exports" (else "main"). */
function packageExport(manifest: { exports?: unknown; main?: unknown }, subpath: string): string | undefined {
  const { exports } = manifest;
  if (exports === undefined || exports === null) {
    if (subpath !== '.') return subpath;
    return typeof manifest.main === 'string' ? manifest.main : './index.js';
  }
  const bySubpath = typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((key) => key.startsWith('.'));
  return bySubpath ? matchImport(exports as Record<string, unknown>, subpath) : subpath === '.' ? conditionalTarget(exports) : undefined;
}

/** The version in the package.json of `name` that Node's resolution finds from `dir`. */
function findVersion(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const file = join(current, 'node_modules', name, 'package.json');
    if (existsSync(file)) {
      try {
        const version = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
        return typeof version === 'string' ? version : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(current) === current) return undefined;
  }
}

function toPath(url: string): string | undefined {
  if (url.startsWith('file:')) {
    try {
      return fileURLToPath(url.replace(/[?#].*$/, ''));
    } catch {
      return undefined;
    }
  }
  return url.startsWith('/') ? url.replace(/\?.*$/, '') : undefined;
}
