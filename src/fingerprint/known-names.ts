/**
 * Names the fingerprint knows stand for code it can identify: registered classes and the library's
 * own exports. Sources are added by the modules that know them (the registry, the pipeline), so
 * this module depends on neither.
 */
const sources: Array<(name: string) => boolean> = [];

/** Adds a way to tell known names (called once per source, at module load). */
export function addKnownNames(source: (name: string) => boolean): void {
  sources.push(source);
}

export function isKnownName(name: string): boolean {
  return sources.some((source) => source(name));
}

/**
 * Undoes a bundler's renaming of a module-level name to avoid a collision: esbuild writes
 * `process2` for geodata's `process` when another module of the bundle uses the global
 * `process`; Rolldown writes `WHO$1`. Only when the renamed name is not known itself and the
 * original is, so a user's own `helper2` stays `helper2`.
 * @example undoBundlerRename('process2') // 'process' (with the library's names known)
 */
export function undoBundlerRename(name: string): string {
  const match = /^(.+?)(?:\$\d+|\d+)$/.exec(name);
  if (!match || isKnownName(name)) return name;
  return isKnownName(match[1]!) ? match[1]! : name;
}
