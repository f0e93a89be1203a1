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
