/**
 * Undoes any bundler rename of a free name in the library's own code: every trailing `$1` and
 * digit group goes (`WHO$1`, `WHO2` → `WHO`). Stripping all of them, not only the bundler's, keeps
 * the result the same whatever a bundler appended (`proj4` and a renamed `proj42` both give
 * `proj`); two library names differing only in such a suffix then hash alike, which costs
 * nothing, since library code changes with the library version.
 *
 * A user's code never goes through this: a user's `upscale2` is not a renamed `upscale`. There,
 * free names are resolved in the code's module instead (see `name-resolution.ts`).
 * @example undoLibraryRename('OPTION_KEYS$1') // 'OPTION_KEYS'
 */
export function undoLibraryRename(name: string): string {
  return name.replace(/(?:\$\d+|\d+)+$/, '') || name;
}
