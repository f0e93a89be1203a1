/**
 * The library's own export names (`process`, `Reprojector`, `slope`...), told to the fingerprint
 * by the pipeline (which knows them) so that this subsystem depends on neither.
 */
const sources: Array<(name: string) => boolean> = [];

/** Adds a way to tell the library's names (called once, at module load). */
export function addLibraryNames(source: (name: string) => boolean): void {
  sources.push(source);
}

export function isLibraryName(name: string): boolean {
  return sources.some((source) => source(name));
}

/**
 * Undoes a bundler's renaming of one of the library's names to avoid a collision: esbuild writes
 * `process2` for geodata's `process` when another module of the bundle uses the global `process`;
 * Rolldown writes `WHO$1`. Only names the library exports are mapped back (never a user's own
 * `helper2`), and only when the renamed name is not one of them itself.
 * @example undoBundlerRename('process2') // 'process'
 */
export function undoBundlerRename(name: string): string {
  const match = /^(.+?)(?:\$\d+|\d+)$/.exec(name);
  if (!match || isLibraryName(name)) return name;
  return isLibraryName(match[1]!) ? match[1]! : name;
}

/**
 * Undoes any bundler rename of a free name in the library's own code: every trailing `$1` and
 * digit group goes (`WHO$1`, `WHO2` → `WHO`). Stripping all of them, not only the bundler's, keeps
 * the result the same whatever a bundler appended (`proj4` and a renamed `proj42` both give
 * `proj`); two library names differing only in such a suffix then hash alike, which costs
 * nothing, since library code changes with the library version.
 * @example undoLibraryRename('OPTION_KEYS$1') // 'OPTION_KEYS'
 */
export function undoLibraryRename(name: string): string {
  return name.replace(/(?:\$\d+|\d+)+$/, '') || name;
}
