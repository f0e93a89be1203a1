import { existsSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ModuleReader, type ModuleText, type PackageId, packageName } from './module-reader.js';

const SCRIPT = /\.(?:[cm]?js|jsx)$/;
const TYPESCRIPT_FOR = ['.ts', '.tsx', '.mts', '.cts'];
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.jsx'];

/**
 * Reads modules from this machine's files, synchronously, each once per modification: what the
 * stack at `register` points to (a TypeScript source under tsx or vitest, compiled JavaScript
 * under plain node, a bundle). Imports resolve as TypeScript's NodeNext does (`./x.js` may be
 * `./x.ts`); packages are named with the version of the package.json Node would find.
 *
 * @example
 * const reader = new NodeModuleReader();
 * reader.read('file:///home/me/pipeline.ts')?.text;
 */
export class NodeModuleReader implements ModuleReader {
  readonly #texts = new Map<string, ModuleText>();
  readonly #versions = new Map<string, string | undefined>();

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
    const target = specifier.startsWith('file:') ? toPath(specifier) : base === undefined ? undefined : resolve(dirname(base), specifier);
    if (target === undefined) return undefined;
    const candidates = [target];
    if (SCRIPT.test(target)) candidates.push(...TYPESCRIPT_FOR.map((ext) => target.replace(SCRIPT, ext)));
    candidates.push(...EXTENSIONS.map((ext) => target + ext), ...EXTENSIONS.map((ext) => join(target, `index${ext}`)));
    return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  }

  packageOf(specifier: string, from: string): PackageId {
    if (specifier.startsWith('node:') || isBuiltin(specifier)) return { name: specifier.startsWith('node:') ? specifier : `node:${specifier}`, version: undefined };
    const name = packageName(specifier);
    const start = toPath(from);
    const key = `${start === undefined ? '' : dirname(start)}\u0000${name}`;
    if (!this.#versions.has(key)) this.#versions.set(key, start === undefined ? undefined : findVersion(dirname(start), name));
    return { name, version: this.#versions.get(key) };
  }
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
