import { FingerprintError, describeValue } from '../errors.js';
import { canonicalSource } from './canonical-source.js';
import type { Code } from './source-hash.js';
import { declaredClassName } from './class-name.js';
import { RegistrationSite, registrationSite } from './registration-site.js';

/**
 * Classes by name. A class body names other classes (`new ElevationLoader()`); the registry is
 * how such a name becomes a dependency whose code is hashed.
 *
 * @example
 * const registry = new ClassRegistry();
 * register(ElevationLoader, undefined, registry);
 * registry.get('ElevationLoader'); // ElevationLoader
 */
export class ClassRegistry {
  private readonly byName = new Map<string, Code>();
  private readonly nameByClass = new WeakMap<Code, string>();
  private readonly sites = new Map<string, RegistrationSite | undefined>();
  private readonly siteByClass = new WeakMap<Code, RegistrationSite>();
  /**
   * Every class registered under a name now, each with where it was registered (see `variants`);
   * one per place. A list, not a map by `url:line:column`: on a page, a site's line and column
   * are read only when two registrations of one name must be told apart.
   */
  private readonly bySite = new Map<string, Array<{ site: RegistrationSite | undefined; cls: Code }>>();
  private changes = 0;

  /** Increases with every change, so analyses that depend on the registry know when to redo. */
  get version(): number {
    return this.changes;
  }

  /** The class registered under `name`. */
  get(name: string): Code | undefined {
    return this.byName.get(name);
  }

  /** The name `cls` is registered under (also for an older copy replaced by an identical re-run). */
  nameOf(cls: unknown): string | undefined {
    return typeof cls === 'function' ? this.nameByClass.get(cls) : undefined;
  }

  /**
   * Where `cls` was registered (`url:line:column`, the stack frame that called `register`): how
   * the fingerprint finds the module the class was written in. Undefined without a stack.
   */
  siteOf(cls: Code): string | undefined {
    return this.siteByClass.get(cls)?.text;
  }

  /**
   * Where `cls` was registered, with the line and column read only when asked: its URL (`url`)
   * costs nothing, its `text` may cost a parse of a page's script (see `RegistrationSite`).
   */
  registrationSiteOf(cls: Code): RegistrationSite | undefined {
    return this.siteByClass.get(cls);
  }

  /**
   * Every class registered under `name` now: the one `get` returns, and the identical classes
   * (same canonical source) that other modules registered under the same name, which are each
   * resolved in their own module and so may have other dependencies (two modules each with a
   * `class Scale` and their own `helper`). An entry made with any of them is made with live code.
   */
  variants(name: string): Code[] {
    const current = this.byName.get(name);
    if (!current) return [];
    const others = (this.bySite.get(name) ?? []).map((variant) => variant.cls).filter((cls) => cls !== current);
    return [current, ...others];
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /**
   * Adds `cls` under `cls.name`. The same class again is a no-op; a new class object with the
   * same name replaces the old one when it has the same source hash or comes from the same place
   * in the code (`site`: an edited notebook cell or a module re-run in watch mode); a different
   * class with the same name from elsewhere is an error that names both places.
   *
   * `site` is where the call came from (`url:line:column`; by default read from the stack). On a
   * page its line and column are read only when a class of the same name is registered already.
   */
  add(cls: Code, where?: string | RegistrationSite): void {
    const site = where === undefined ? registrationSite(ClassRegistry.prototype.add) : typeof where === 'string' ? RegistrationSite.of(where) : where;
    if (typeof cls !== 'function') {
      throw new FingerprintError(`register() expects a class, got ${describeValue(cls)}.`);
    }
    const name = declaredClassName(cls);
    if (!name) {
      throw new FingerprintError(
        'register() got an anonymous class: give it a name (`class ElevationLoader extends Data {…}`); ' +
          'the name is how other classes refer to it. A class named in your source lost its name to ' +
          "the bundler (Rollup's tree-shaking removes it from tsc's TC39 decorator output): bundle " +
          'with esbuild or Vite, which keep it.',
      );
    }
    const existing = this.byName.get(name);
    if (existing === cls) return;
    const previousSite = this.sites.get(name);
    // Only a second class of this name needs the places compared (and so, on a page, read).
    const sameSite = existing !== undefined && site !== undefined && RegistrationSite.same(site, previousSite);
    if (existing && !sameSite && canonicalSource(existing).hash !== canonicalSource(cls).hash) {
      const at = (s: RegistrationSite | undefined) => (s ? ` (registered at ${s.text})` : '');
      throw new FingerprintError(
        `Two different classes are registered as "${name}": the first is ${excerpt(existing)}${at(previousSite)}, ` +
          `the second is ${excerpt(cls)}${at(site)}. Rename one of them; to replace an edited class in a notebook ` +
          `or watch mode, call registry.unregister("${name}") before registering the new version.`,
      );
    }
    // A new class from the same place (or a replaced one from another) leaves only the classes of other places.
    let variants = this.bySite.get(name);
    if (!variants || (existing && canonicalSource(existing).hash !== canonicalSource(cls).hash)) this.bySite.set(name, (variants = []));
    const place = variants.length === 0 ? -1 : variants.findIndex((variant) => RegistrationSite.same(variant.site, site));
    // In place, as a map keyed by the place kept its order.
    if (place >= 0) variants[place] = { site, cls };
    else variants.push({ site, cls });
    this.byName.set(name, cls);
    this.sites.set(name, site);
    // Per class, so that two classes of one name (an identical one from another module) are each
    // resolved in their own module.
    if (site !== undefined) this.siteByClass.set(cls, site);
    this.nameByClass.set(cls, name);
    this.changes++;
  }

  /**
   * The registrations now, for `restore`: one process can then run several pipelines' commands
   * one after another (the CLI's tests, a notebook switching projects) as separate processes
   * would, each seeing only its own classes. Node imports a module once, so a pipeline imported
   * again registers nothing: restore its snapshot rather than importing it anew.
   */
  snapshot(): RegistrySnapshot {
    return {
      classes: [...this.byName].map(([name, cls]) => ({ name, cls, site: this.sites.get(name) })),
      variants: [...this.bySite].map(([name, variants]) => [name, variants.map(({ site, cls }) => [site, cls] as const)]),
    };
  }

  /** Puts back the registrations `snapshot` took, and only those (analyses made since are redone). */
  restore(snapshot: RegistrySnapshot): void {
    for (const name of [...this.byName.keys()]) this.unregister(name);
    for (const { name, cls, site } of snapshot.classes) {
      this.byName.set(name, cls);
      this.sites.set(name, site);
      this.nameByClass.set(cls, name);
      if (site !== undefined) this.siteByClass.set(cls, site);
    }
    for (const [name, variants] of snapshot.variants) {
      this.bySite.set(name, variants.map(([site, cls]) => ({ site, cls })));
      for (const [site, cls] of variants) {
        this.nameByClass.set(cls, name);
        if (site !== undefined) this.siteByClass.set(cls, site);
      }
    }
    this.changes++;
  }

  /** Removes a class, given by name or by itself. Returns whether it was registered. */
  unregister(nameOrClass: string | Code): boolean {
    const name = typeof nameOrClass === 'string' ? nameOrClass : this.nameOf(nameOrClass);
    const cls = name === undefined ? undefined : this.byName.get(name);
    if (name === undefined || cls === undefined) return false;
    this.byName.delete(name);
    this.bySite.delete(name);
    this.sites.delete(name);
    this.nameByClass.delete(cls);
    this.changes++;
    return true;
  }
}

/** The registry `register` and `fingerprint` use unless given another. */
export const defaultRegistry = new ClassRegistry();

/**
 * Registers a class so its name resolves to it when other classes mention it. Works as a
 * TC39 class decorator, as a legacy (`experimentalDecorators`) decorator, and as a plain call
 * from JavaScript. Returns the class.
 *
 * @example
 * @register
 * class ElevationLoader extends Data {}
 *
 * register(SlopeLoader);                          // plain call, default registry
 * register(SlopeLoader, undefined, myRegistry);   // another registry
 */
export function register<T extends Code>(
  cls: T,
  context?: ClassDecoratorContext | ClassRegistry,
  registry: ClassRegistry = defaultRegistry,
): T {
  if (context instanceof ClassRegistry) {
    registry = context;
  } else if (context !== undefined && (context as { kind?: unknown }).kind !== 'class') {
    throw new FingerprintError(
      `@register decorates classes, not a ${String((context as { kind?: unknown }).kind)} ` +
        `("${String((context as { name?: unknown }).name)}"): put it on the class declaration.`,
    );
  }
  registry.add(cls);
  return cls;
}

export { isFrameworkBase, isLibraryClass, markFrameworkBase, markLibraryClass } from './code-marks.js';

function excerpt(cls: Code): string {
  // The source has no file name: its opening words are the best hint of where it was written.
  const text = Function.prototype.toString.call(cls).replace(/\s+/g, ' ').trim();
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return `${JSON.stringify(shown)} (source ${canonicalSource(cls).hash.slice(0, 12)})`;
}

/** A registry's registrations at one moment (`ClassRegistry.snapshot`), opaque to callers. */
export interface RegistrySnapshot {
  readonly classes: ReadonlyArray<{ name: string; cls: Code; site: RegistrationSite | undefined }>;
  readonly variants: ReadonlyArray<readonly [string, ReadonlyArray<readonly [RegistrationSite | undefined, Code]>]>;
}
