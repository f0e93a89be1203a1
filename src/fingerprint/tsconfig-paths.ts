import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bestPatternMatch } from './pattern-match.js';

/** A tsconfig's `paths`, with the folder its targets are relative to. */
interface PathAliases {
  base: string;
  paths: Record<string, string[]>;
}

/** Parsed tsconfig files by path, each with the modification time it was read at. */
const parsed = new Map<string, { version: string; aliases: PathAliases | undefined }>();

/**
 * The files a bare specifier may name through the `paths` of the nearest tsconfig.json above
 * `dir` (following relative `extends`), in the order TypeScript and tsx try them: absolute paths
 * without extension handling; undefined when no `paths` pattern matches.
 *
 * @example
 * tsconfigPathTargets('@lib/helpers', '/app/src'); // ['/app/lib/helpers'] with "@lib/*": ["lib/*"]
 */
export function tsconfigPathTargets(specifier: string, dir: string): string[] | undefined {
  const file = nearestTsconfig(dir);
  const aliases = file === undefined ? undefined : aliasesOf(file);
  if (!aliases) return undefined;
  const match = bestPatternMatch(Object.keys(aliases.paths), specifier);
  if (!match) return undefined;
  return aliases.paths[match.key]!.map((target) => resolve(aliases.base, target.replace('*', match.matched)));
}

function nearestTsconfig(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const file = join(current, 'tsconfig.json');
    if (existsSync(file)) return file;
    if (dirname(current) === current) return undefined;
  }
}

/** The `paths` a tsconfig file has, its own or inherited through relative `extends`. */
function aliasesOf(file: string, seen = new Set<string>()): PathAliases | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  let version: string;
  try {
    const stat = statSync(file);
    version = `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return undefined;
  }
  const known = parsed.get(file);
  if (known?.version === version) return known.aliases;
  let config: { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } };
  try {
    config = JSON.parse(withoutCommentsAndTrailingCommas(readFileSync(file, 'utf8'))) as typeof config;
  } catch {
    return undefined;
  }
  const options = config.compilerOptions ?? {};
  const here = dirname(file);
  let aliases: PathAliases | undefined;
  if (typeof options.paths === 'object' && options.paths !== null) {
    const base = typeof options.baseUrl === 'string' ? resolve(here, options.baseUrl) : here;
    aliases = { base, paths: options.paths as Record<string, string[]> };
  } else {
    // The last `extends` with paths wins, as TypeScript merges them in order.
    const parents = (Array.isArray(config.extends) ? config.extends : [config.extends]).filter(
      (parent): parent is string => typeof parent === 'string' && parent.startsWith('.'),
    );
    for (const parent of parents) {
      const path = resolve(here, parent);
      aliases = aliasesOf(existsSync(path) ? path : `${path}.json`, seen) ?? aliases;
    }
  }
  parsed.set(file, { version, aliases });
  return aliases;
}

/**
 * tsconfig.json is JSON with comments and trailing commas: both are removed, outside strings
 * (`"@lib/*"` holds a `/*`).
 */
function withoutCommentsAndTrailingCommas(text: string): string {
  const withoutComments = outsideStrings(text, (rest) => {
    if (rest.startsWith('//')) return { skip: rest.search(/\n|$/), write: '' };
    if (rest.startsWith('/*')) return { skip: rest.includes('*/') ? rest.indexOf('*/') + 2 : rest.length, write: ' ' };
    return undefined;
  });
  return outsideStrings(withoutComments, (rest) => (/^,\s*[}\]]/.test(rest) ? { skip: 1, write: '' } : undefined));
}

/** `text` with what `replace` says at each position outside a string: how many characters to skip, and what to write instead. */
function outsideStrings(text: string, replace: (rest: string) => { skip: number; write: string } | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const replaced = text[i] === '/' || text[i] === ',' ? replace(text.slice(i)) : undefined;
    if (replaced) {
      out += replaced.write;
      i += Math.max(replaced.skip, 1);
    } else out += text[i++];
  }
  return out;
}
