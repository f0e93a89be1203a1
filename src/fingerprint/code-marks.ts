import { undoLibraryRename } from './known-names.js';
import type { Code } from './source-hash.js';
import { declaredClassName } from './class-name.js';

// A symbol from the global registry, so a second copy of this module (two bundles on one page)
// still recognises the bases the first copy marked.
const FRAMEWORK_BASE = Symbol.for('geodata.fingerprint.frameworkBase');

/**
 * Marks a library base class (`Data`, `Figure`): the inheritance walk stops there and its code is
 * not a dependency (it changes with the library version, not with the user's code). Returns the
 * class. Only the class itself is marked, not its subclasses.
 *
 * @example
 * export class Data { … }
 * markFrameworkBase(Data);
 */
export function markFrameworkBase<T extends Code>(cls: T): T {
  Object.defineProperty(cls, FRAMEWORK_BASE, { value: true, enumerable: false });
  return cls;
}

const LIBRARY_CLASS = Symbol.for('geodata.fingerprint.libraryClass');

// Filled as the library's modules load (each marks its own classes), read by name: how the cache
// manager finds `Reprojector` or `Slope` without importing the public surface (`api.ts`), which
// would tie the inner modules into an import cycle with it.
const knownLibraryClasses = new Map<string, Code>();

/**
 * Marks a ready-made class of the library (`Slope`, `Hillshade`): a user's class body that names
 * it refers to library code (like `Reprojector`), not to a dependency of its own, whether or not
 * the class has been registered yet. Its instances are fingerprinted by its code as usual.
 */
export function markLibraryClass<T extends Code>(cls: T): T {
  Object.defineProperty(cls, LIBRARY_CLASS, { value: true, enumerable: false });
  const name = declaredClassName(cls);
  knownLibraryClasses.set(name, cls);
  // A bundler may have renamed it to avoid a collision (`Slope2`, `Slope$1`).
  knownLibraryClasses.set(undoLibraryRename(name), cls);
  return cls;
}

/**
 * The library class marked with `markLibraryClass` under `name`, once its
 * module has loaded (importing `geodata` loads them all).
 *
 * @example
 * libraryClass('Reprojector'); // the Reprojector class
 * libraryClass('SlopeLoader'); // undefined: a user's class
 */
export function libraryClass(name: string): Code | undefined {
  return knownLibraryClasses.get(name);
}

/** Whether `cls` itself was marked with `markLibraryClass`. */
export function isLibraryClass(cls: Code): boolean {
  return Object.prototype.hasOwnProperty.call(cls, LIBRARY_CLASS);
}

/** Whether `cls` itself (not a parent of it) was marked with `markFrameworkBase`. */
export function isFrameworkBase(cls: Code): boolean {
  return Object.prototype.hasOwnProperty.call(cls, FRAMEWORK_BASE);
}

/**
 * Whether `code` is the library's own (marked with `markLibraryClass` or `markFrameworkBase`).
 * Its canonical source then undoes every bundler rename of its free names (`WHO$1`, `WHO2`; see
 * `undoLibraryRename`): its module-level names collide with each other and with an application's
 * in a bundle, and it must hash the same bundled or not.
 */
export function isLibraryCode(code: Code): boolean {
  return isLibraryClass(code) || isFrameworkBase(code);
}
