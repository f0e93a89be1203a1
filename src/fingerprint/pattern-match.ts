/** A key that matched a specifier, and the text its `*` stands for ('' for an exact key). */
export interface PatternMatch {
  key: string;
  matched: string;
}

/**
 * The key of `keys` that `specifier` matches, chosen as Node chooses among a package's
 * `imports`/`exports` and TypeScript among tsconfig `paths`: a key without `*` equal to the
 * specifier first, else the key with one `*` whose text before the `*` is longest. Keys with
 * more than one `*` are invalid to both and never match.
 *
 * @example bestPatternMatch(['#lib/*', '#lib/util/*'], '#lib/util/grid.js'); // { key: '#lib/util/*', matched: 'grid.js' }
 */
export function bestPatternMatch(keys: Iterable<string>, specifier: string): PatternMatch | undefined {
  let best: { key: string; prefix: string; suffix: string } | undefined;
  for (const key of keys) {
    const star = key.indexOf('*');
    if (star < 0) {
      if (key === specifier) return { key, matched: '' };
      continue;
    }
    if (star !== key.lastIndexOf('*')) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (specifier.length < key.length - 1 || !specifier.startsWith(prefix) || !specifier.endsWith(suffix)) continue;
    if (!best || prefix.length > best.prefix.length) best = { key, prefix, suffix };
  }
  if (!best) return undefined;
  return { key: best.key, matched: specifier.slice(best.prefix.length, specifier.length - best.suffix.length) };
}
