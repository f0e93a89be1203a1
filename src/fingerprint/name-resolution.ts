import type { AstNode } from './ast.js';
import { isGlobalName } from './globals.js';
import { undoLibraryRename } from './known-names.js';
import { isLibraryExport } from '../library-names.js';
import { lazilyAssignedValue } from './module-level-statements.js';
import { type Binding, lookup, type ParsedModule, parseModule, type Scope } from './module-parse.js';
import { isPathSpecifier, type ModuleReader, type ModuleText, type PackageId } from './module-reader.js';
import { pageFrames } from './registration-site.js';

/** Code of the project that a free name resolves to: a declaration in some module. */
export interface CodeTarget {
  kind: 'code';
  module: ParsedModule;
  /** The declared name (a bundle may have renamed it: `helper2`). */
  name: string;
  /** What is hashed: the function or class, a variable's initialiser, an exported expression. */
  node: AstNode;
  /** Where the declaration's own free names resolve. */
  scope: Scope;
  /** The declaring node, for identity (one declaration, one dependency). */
  declaration: AstNode;
}

/** What a free name is where the code was written. */
export type Target =
  | { kind: 'global'; name: string }
  /** One of geodata's exports, by its export name. */
  | { kind: 'library'; name: string }
  | CodeTarget
  /** An export of a package (or a Node builtin) outside the project; `*` for the package as a whole. */
  | { kind: 'package'; id: PackageId; member: string }
  /** A module of the project as a whole: a namespace used as a value, a dynamic import. */
  | { kind: 'module'; module: ParsedModule }
  | { kind: 'unresolved'; reason: string };

const GEODATA = 'geodata';

/**
 * Resolves names in modules: a free name of a class to the declaration it means in the class's
 * module (following imports into other modules of the project), to one of geodata's exports
 * (imported from `geodata`, or from the library's own files), to a package, or to a global
 * (only when nothing in the module declares it). Modules are read through a `ModuleReader` and
 * parsed once per version; the URLs that could not be read are kept in `missing` (a browser
 * fetches them and tries again).
 */
export class NameResolver {
  /** Modules that were needed but could not be read. */
  readonly missing = new Set<string>();

  constructor(readonly reader: ModuleReader) {}

  // One version of each module per resolver (an analyser's life): read and checked once.
  private readonly modules = new Map<string, ParsedModule | undefined>();

  load(url: string): ParsedModule | undefined {
    if (this.modules.has(url)) return this.modules.get(url);
    const text = this.reader.read(url);
    if (!text) this.missing.add(url);
    const module = text && parseModule(/\.json$/i.test(text.url) ? jsonModule(text) : text);
    this.modules.set(url, module);
    return module;
  }

  /** What `name`, free in code at `scope` of `module`, means. */
  resolve(module: ParsedModule, scope: Scope, name: string): Target {
    const binding = lookup(scope, name);
    if (binding) return this.fromBinding(module, binding);
    // vite's SSR transform reads `import { a as b }` back as `a` (see toolchain-artefacts).
    const imported = uniqueImport(module, (b) => b.kind === 'import' && b.imported === name);
    if (imported) return this.fromBinding(module, imported);
    if (isGlobalName(name)) return { kind: 'global', name };
    return { kind: 'unresolved', reason: 'is declared neither in its module nor as a global' };
  }

  /** Whether the free name `object` is a module namespace (`import * as ns`, a compiler's `require`). */
  isNamespace(module: ParsedModule, scope: Scope, object: string): boolean {
    return this.namespaceOf(module, scope, object) !== undefined;
  }

  /** What `object.property` means, `object` being a namespace. */
  resolveMember(module: ParsedModule, scope: Scope, object: string, property: string): Target {
    const namespace = this.namespaceOf(module, scope, object);
    return namespace === undefined ? this.resolve(module, scope, object) : this.followImport(namespace.module, namespace.specifier, property);
  }

  /** The module `object` is the namespace of, as a specifier and the module that wrote it. */
  private namespaceOf(module: ParsedModule, scope: Scope, object: string): { module: ParsedModule; specifier: string } | undefined {
    const binding = lookup(scope, object);
    if (binding) return this.bindingNamespace(module, binding, new Set());
    // esbuild compiling a module to CommonJS (tsx on a package without "type": "module") writes
    // `import_helpers.scale` for `import { scale } from './helpers.js'`.
    const specifier = uniqueImport(module, (b) => (b.kind === 'import' || b.kind === 'namespace') && esbuildImportName(b.specifier!) === object)?.specifier;
    return specifier === undefined ? undefined : { module, specifier };
  }

  /**
   * A namespace imported by name from a module that re-exports it (`export * as ns from`, or
   * `import * as ns` and `export { ns }`) is the namespace too: `ns.helper` is that module's
   * `helper`, not an unhashed value.
   */
  private bindingNamespace(module: ParsedModule, binding: Binding, seen: Set<string>): { module: ParsedModule; specifier: string } | undefined {
    if (binding.kind === 'namespace') return { module, specifier: binding.specifier! };
    return binding.kind === 'import' ? this.importedNamespace(module, binding.specifier!, binding.imported!, seen) : undefined;
  }

  private importedNamespace(module: ParsedModule, specifier: string, imported: string, seen: Set<string>): { module: ParsedModule; specifier: string } | undefined {
    if (!this.isModuleSpecifier(module, specifier) || this.isLibrarySpecifier(module, specifier)) return undefined;
    const url = this.reader.resolveImport(specifier, module.url);
    const target = url === undefined ? undefined : this.load(url);
    if (!target) return undefined;
    const key = `${target.url}\u0000${imported}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const entry = target.exports.get(imported);
    if (entry && 'local' in entry) {
      const binding = lookup(target.scope, entry.local);
      return binding ? this.bindingNamespace(target, binding, seen) : undefined;
    }
    if (entry && 'node' in entry) return undefined;
    if (entry) return entry.imported === '*' ? { module: target, specifier: entry.specifier } : this.importedNamespace(target, entry.specifier, entry.imported, seen);
    for (const star of target.starExports) {
      const found = this.importedNamespace(target, star, imported, seen);
      if (found) return found;
    }
    return undefined;
  }

  private fromBinding(module: ParsedModule, binding: Binding): Target {
    switch (binding.kind) {
      case 'import':
        return this.followImport(module, binding.specifier!, binding.imported!);
      case 'namespace':
        return this.resolveModule(module, binding.specifier!);
      case 'parameter':
        return { kind: 'unresolved', reason: 'is a parameter of an enclosing function, whose value is not in the code' };
      default:
        return this.codeTarget(module, binding);
    }
  }

  private codeTarget(module: ParsedModule, binding: Binding): Target {
    if (binding.kind === 'variable' && binding.declarationKind !== 'const' && !module.regions.length) {
      // Its value when the code runs may not be its initial one (a bundle writes `var` for every
      // `const`, so there the initial value is taken).
      return { kind: 'unresolved', reason: `is a variable (${binding.declarationKind}) that may be reassigned, so its value is not in the code` };
    }
    // Asked before the value: esbuild declares a module it loads lazily (`__esm`, as geodata's
    // modules are in a page's bundle) as `var Raster;` and assigns it inside the module's init.
    const library = this.libraryInBundle(module, binding.node.start as number, binding.name);
    if (library) return library;
    let node = binding.kind === 'variable' ? variableValue(binding.node) : binding.node;
    // A bundle's lazily loaded module: `var X;` here, `X = value` in its initialiser.
    if (!node && module.regions.length && binding.scope === module.scope && binding.node.type === 'VariableDeclarator') node = lazilyAssignedValue(module.program, binding.name);
    if (!node) return { kind: 'unresolved', reason: 'is a variable declared without a value' };
    return { kind: 'code', module, name: binding.name, node, scope: binding.scope, declaration: binding.node };
  }

  /** What module `module`'s import of `imported` from `specifier` means. */
  followImport(module: ParsedModule, specifier: string, imported: string, seen = new Set<string>()): Target {
    if (this.isLibrarySpecifier(module, specifier)) return { kind: 'library', name: imported };
    if (!this.isModuleSpecifier(module, specifier)) return { kind: 'package', id: this.reader.packageOf(specifier, module.url), member: imported };
    const url = this.reader.resolveImport(specifier, module.url);
    if (url === undefined) return { kind: 'unresolved', reason: `comes from ${specifier}, which cannot be found from ${module.url}` };
    const target = this.load(url);
    if (!target) return { kind: 'unresolved', reason: `comes from ${url}, which cannot be read` };
    return this.resolveExport(target, imported, seen);
  }

  /** The module `specifier` names from `module`, as a whole: geodata, a package, or a module of the project. */
  resolveModule(module: ParsedModule, specifier: string): Target {
    if (this.isLibrarySpecifier(module, specifier)) return { kind: 'library', name: '*' };
    if (!this.isModuleSpecifier(module, specifier)) return { kind: 'package', id: this.reader.packageOf(specifier, module.url), member: '*' };
    const url = this.reader.resolveImport(specifier, module.url) ?? this.underAncestor(specifier, module.url);
    if (url === undefined) return { kind: 'unresolved', reason: `is ${specifier}, which cannot be found from ${module.url}` };
    const target = this.load(url);
    if (!target) return { kind: 'unresolved', reason: `is ${url}, which cannot be read` };
    return { kind: 'module', module: target };
  }

  /**
   * vite (vitest) writes a dynamic import of a file under its root from the root
   * (`import('/src/helpers.ts')`): the file under the nearest folder above `from` that has it.
   */
  private underAncestor(specifier: string, from: string): string | undefined {
    if (!specifier.startsWith('/') || specifier.startsWith('//')) return undefined;
    for (let folder = from.replace(/\/[^/]*$/, ''); folder.includes('/'); folder = folder.replace(/\/[^/]*$/, '')) {
      const url = this.reader.resolveImport(`${folder}${specifier}`, from);
      if (url !== undefined) return url;
    }
    return undefined;
  }

  /**
   * Every name `module` exports, its own and those its `export *` lines pass on (not their
   * `default`, and not a name the module exports itself), sorted, each with what it means. A
   * star export of a package or of geodata stands as one entry, `*` from that package.
   */
  exportsOf(module: ParsedModule): Array<[name: string, target: Target]> {
    const found = new Map<string, Target>();
    const visit = (current: ParsedModule, seen: Set<string>, viaStar: boolean) => {
      if (seen.has(current.url)) return;
      seen.add(current.url);
      for (const name of current.exports.keys()) {
        if ((viaStar && name === 'default') || found.has(name)) continue;
        found.set(name, this.resolveExport(current, name, new Set()));
      }
      for (const star of current.starExports) {
        const whole = this.resolveModule(current, star);
        if (whole.kind === 'module') visit(whole.module, seen, true);
        else if (!found.has(`* from ${star}`)) found.set(`* from ${star}`, whole);
      }
    };
    visit(module, new Set(), false);
    return [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private resolveExport(module: ParsedModule, name: string, seen: Set<string>): Target {
    const key = `${module.url}\u0000${name}`;
    if (seen.has(key)) return { kind: 'unresolved', reason: `is re-exported in a cycle by ${module.url}` };
    seen.add(key);
    const entry = module.exports.get(name);
    if (entry && 'local' in entry) return this.resolve(module, module.scope, entry.local);
    if (entry && 'node' in entry) return { kind: 'code', module, name, node: entry.node, scope: module.scope, declaration: entry.node };
    if (entry) {
      if (entry.imported === '*') return this.resolveModule(module, entry.specifier);
      return this.followImport(module, entry.specifier, entry.imported, seen);
    }
    for (const star of module.starExports) {
      const found = this.followImport(module, star, name, seen);
      if (found.kind !== 'unresolved') return found;
    }
    return { kind: 'unresolved', reason: `is not exported by ${module.url}` };
  }

  /**
   * Whether `specifier` names a module file rather than a package: a path or URL, or a bare
   * specifier the reader maps to a file of the project (a subpath import `#helpers`, a tsconfig
   * `paths` alias, a package linked from outside node_modules such as an npm workspace).
   */
  private isModuleSpecifier(module: ParsedModule, specifier: string): boolean {
    return isPathSpecifier(specifier) || (!this.isLibraryPackage(module, specifier) && this.reader.resolveImport(specifier, module.url) !== undefined);
  }

  private isLibraryPackage(module: ParsedModule, specifier: string): boolean {
    return !isPathSpecifier(specifier) && !specifier.startsWith('#') && this.reader.packageOf(specifier, module.url).name === GEODATA;
  }

  private isLibrarySpecifier(module: ParsedModule, specifier: string): boolean {
    if (this.isLibraryPackage(module, specifier)) return true;
    if (!this.isModuleSpecifier(module, specifier)) return this.reader.packageOf(specifier, module.url).name === GEODATA;
    const url = this.reader.resolveImport(specifier, module.url);
    return url !== undefined && isLibraryFile(url);
  }

  /**
   * In a bundle, the library's code sits beside the user's: a declaration in one of the library's
   * files (known from the bundle's file comments) is the library's export of that name, under
   * whatever name the bundler gave it (`process2`).
   */
  private libraryInBundle(module: ParsedModule, offset: number, name: string): Target | undefined {
    if (module.regions.length === 0) return undefined;
    const region = module.regions.find((r) => r.start <= offset && offset < r.end);
    if (!region || !isLibraryRegion(module, region.path)) return undefined;
    const exported = isLibraryExport(name) ? name : undoLibraryRename(name);
    // A bundler leaves out the file comment of a module whose first statement it removed
    // (Rolldown inlines `export const FACTOR = 2` into its uses): that module's code then sits in
    // the region of the file before it, geodata's maybe. A name that is none of geodata's
    // exports, even renamed, is no library code a class can name: it is the project's.
    if (!isLibraryExport(exported)) return undefined;
    return { kind: 'library', name: exported };
  }
}

const jsonModules = new WeakMap<ModuleText, ModuleText>();

/**
 * A JSON file imported as a module (`import settings from './settings.json' with { type: 'json' }`)
 * read as the module it is to JavaScript: its value as the default export, hashed by its text.
 */
function jsonModule(source: ModuleText): ModuleText {
  let found = jsonModules.get(source);
  if (!found) jsonModules.set(source, (found = { url: source.url, version: source.version, text: `export default ${jsonAsJavaScript(source.text)}\n;` }));
  return found;
}

/**
 * The value written as bundlers inline a JSON import (`{ zFactor: 2 }`, keys unquoted where they
 * can be), so it hashes the same from the file as from a bundle. The text as it is when it does not parse.
 */
function jsonAsJavaScript(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const write = (item: unknown): string => {
    if (Array.isArray(item)) return `[${item.map(write).join(', ')}]`;
    if (item === null || typeof item !== 'object') return JSON.stringify(item);
    const entries = Object.entries(item).map(([key, inner]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${write(inner)}`);
    return `{ ${entries.join(', ')} }`;
  };
  return `(${write(value)})`;
}

/** A variable's value node: its initialiser, or (destructuring) the declarator itself. */
function variableValue(declarator: AstNode): AstNode | undefined {
  if (declarator.type !== 'VariableDeclarator') return declarator;
  if (declarator.id.type !== 'Identifier') return declarator.init ? declarator : undefined;
  return (declarator.init as AstNode | null) ?? undefined;
}

function uniqueImport(module: ParsedModule, test: (binding: Binding) => boolean): Binding | undefined {
  const found = [...module.scope.bindings.values()].filter(test);
  return found.length === 1 ? found[0] : undefined;
}

/** The name esbuild gives a module's namespace when it compiles imports to `require`. */
function esbuildImportName(specifier: string): string {
  const base = specifier.replace(/\/+$/, '').split('/').pop()!.replace(/\.[^.]*$/, '');
  return `import_${base.replace(/[^\w$]/g, '_')}`;
}

// Where the library's own files are: beside this module, whose path ends in
// `src/fingerprint/name-resolution.{ts,js}` (in `src/` under tsx, `dist/src/` when built), or in
// a chunk of `dist/bundle/` (what Node runs from the built package).
const OWN_PATH = /^(.*\/)(?:(?:dist\/)?src\/fingerprint|dist\/bundle)\/[^/]+$/;
let libraryRoot: string | null | undefined;

function ownRoot(): string | null {
  if (libraryRoot === undefined) {
    let own: string | undefined;
    try {
      own = decodeURIComponent(new URL(import.meta.url).pathname);
    } catch {
      own = undefined;
    }
    libraryRoot = (own !== undefined && OWN_PATH.exec(own)?.[1]) || null;
  }
  return libraryRoot;
}

/**
 * Whether `url` is one of the library's own files: under an installed `geodata` package, or
 * under the `src/`, `wasm/` or `dist/` folder of the checkout this code runs from.
 *
 * @example
 * isLibraryFile('/app/node_modules/geodata/dist/src/pipeline/process.js'); // true
 */
export function isLibraryFile(url: string): boolean {
  const path = url.startsWith('file:') ? decodeURIComponent(new URL(url).pathname) : url;
  if (/\/node_modules\/geodata\//.test(path)) return true;
  const root = ownRoot();
  return root !== null && path.startsWith(root) && /^(?:src|wasm|dist)\//.test(path.slice(root.length));
}

/**
 * Whether a bundle's file comment names one of the library's files: a path into an installed
 * `geodata`, or beside the file comment of this very code when the bundle holds it.
 */
function isLibraryRegion(module: ParsedModule, path: string): boolean {
  if (/(?:^|\/)node_modules\/geodata\//.test(path)) return true;
  const prefix = ownRegionPrefix(module);
  return prefix !== undefined && path.startsWith(prefix) && /^(?:src|wasm)\//.test(path.slice(prefix.length));
}

const ownPrefixes = new WeakMap<ParsedModule, string | null>();

/** The path before `src/fingerprint/…` in the file comment of this code, when `module` is the bundle that holds it. */
function ownRegionPrefix(module: ParsedModule): string | undefined {
  if (!ownPrefixes.has(module)) {
    const here = ownPosition();
    let prefix: string | null = null;
    if (here && here.url.replace(/[?#].*$/, '') === module.url.replace(/[?#].*$/, '')) {
      const offset = (module.lineStarts[here.line - 1] ?? 0) + here.column - 1;
      const region = module.regions.find((r) => r.start <= offset && offset < r.end);
      const match = region && /^(.*?)(?:dist\/)?src\/fingerprint\/[^/]+$/.exec(region.path);
      prefix = match ? match[1]! : null;
    }
    ownPrefixes.set(module, prefix);
  }
  return ownPrefixes.get(module) ?? undefined;
}

/**
 * Where this function's code is: the first frame of a fresh stack. On a page, the frame of its
 * caller (this module too) and that frame's position only: the text of a stack would have V8
 * collect the positions of every frame's function (see `RegistrationSite`).
 */
function ownPosition(): { url: string; line: number; column: number } | undefined {
  const first = pageFrames(ownPosition)?.[0];
  const script = first?.getScriptNameOrSourceURL();
  if (first && script) {
    const line = first.getLineNumber();
    const column = first.getColumnNumber();
    return line === null || column === null ? undefined : { url: script, line, column };
  }
  const frame = new Error().stack?.split('\n').find((line) => /:\d+:\d+\)?$/.test(line.trim()));
  const match = frame && /\(?((?:[a-z][a-z0-9+.-]*:\/\/\/?|\/)[^)\s]*?):(\d+):(\d+)\)?$/i.exec(frame.trim());
  if (!match) return undefined;
  let url = match[1]!;
  if (url.startsWith('file://')) url = decodeURIComponent(new URL(url).pathname);
  return { url, line: Number(match[2]), column: Number(match[3]) };
}
