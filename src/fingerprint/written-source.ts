import type { AstNode } from './ast.js';
import { analyserFor } from './dependencies.js';
import { defaultModuleReader, type ModuleReader } from './module-reader.js';
import { type ParsedModule, parseModule } from './module-parse.js';
import { defaultRegistry, type ClassRegistry } from './registry.js';
import type { Code } from './source-hash.js';
import { inlineSourceMap, originalPosition, sourceMappingUrl } from './source-map.js';

/**
 * A class's code as its author wrote it: TypeScript with its types, comments, decorators and
 * formatting, found in the module it was registered from (directly under tsx and vitest, through
 * the module's source map for compiled JavaScript and bundles).
 */
export interface WrittenSource {
  text: string;
  /** The file or URL it was read from. */
  file: string;
  /** Its first line there (1-based). */
  line: number;
  language: 'typescript' | 'javascript';
  /**
   * `module`: read in the module that runs (TypeScript under tsx/vitest, or plain JavaScript);
   * `source-map`: the compiled module's source map led to the original; `compiled`: compiled
   * JavaScript without a source map, so this is the class as the toolchain wrote it (comments
   * and types gone), not as its author did.
   */
  via: 'module' | 'source-map' | 'compiled';
}

/** Why a class's written source could not be had. */
export interface WrittenSourceMissing {
  unavailable: string;
}

const CLASS_NODES = new Set(['ClassDeclaration', 'ClassExpression']);

/**
 * The source of a registered class as written, from its registration site; or why not (no module
 * reader, a class made by `eval`, a notebook cell without a URL, a module that changed on disk).
 * @example
 * const written = writtenSource(SlopeLoader);
 * if ('text' in written) console.log(`${written.file}:${written.line}\n${written.text}`);
 */
export function writtenSource(cls: Code, registry: ClassRegistry = defaultRegistry, reader: ModuleReader | undefined = defaultModuleReader()): WrittenSource | WrittenSourceMissing {
  if (!reader) return { unavailable: 'no module reader is installed (geodata was not imported through its Node or browser entry)' };
  const location = analyserFor(registry, reader).locate(cls);
  if (!location) {
    return { unavailable: 'the module the class was registered from could not be read, or the class is not in it (made by eval or new Function, or a script without a URL)' };
  }
  const { module, node } = location;
  const { text, line } = classText(module, node);
  if (module.typescript) return { text, file: module.url, line, language: 'typescript', via: 'module' };
  return fromSourceMap(module, node, reader) ?? { text, file: module.url, line, language: 'javascript', via: mapRefOf(module) ? 'compiled' : plainOrCompiled(module) };
}

/** A module without a source map is taken as written unless it carries a compiler's or bundler's marks. */
function plainOrCompiled(module: ParsedModule): 'module' | 'compiled' {
  return module.regions.length > 0 || /__decorate|__name\(|__publicField|_classPrivateFieldGet|"use strict";\s*Object\.defineProperty\(exports/.test(module.text) ? 'compiled' : 'module';
}

function fromSourceMap(module: ParsedModule, node: AstNode, reader: ModuleReader): WrittenSource | undefined {
  const mapRef = mapRefOf(module);
  if (!mapRef) return undefined;
  let mapText = inlineSourceMap(mapRef);
  let mapUrl = module.url;
  if (mapText === undefined) {
    const resolved = reader.resolveImport(mapRef, module.url) ?? resolveUrl(mapRef, module.url);
    if (!resolved) return undefined;
    mapText = reader.read(resolved)?.text;
    mapUrl = resolved;
  }
  if (mapText === undefined) return undefined;
  // The class keyword, not a decorator or `export` before it: that is what maps to the class.
  const start = node.start as number;
  const line = lineOf(module, start) - 1;
  const position = originalPosition(mapText, mapUrl, line, start - module.lineStarts[line]!);
  if (!position) return undefined;
  const file = position.source.startsWith('file:') ? decodeURI(new URL(position.source).pathname) : position.source;
  const content = position.content ?? reader.read(position.source)?.text;
  if (content === undefined) return undefined;
  const original = parseModule({ url: file, text: content, version: `map:${mapUrl}` });
  if (!original) return undefined;
  const offset = (original.lineStarts[position.line] ?? 0) + position.column;
  // The class whose text contains the mapped position most tightly (a class nested in a function too).
  let best: AstNode | undefined;
  for (const candidate of original.classes) {
    if (!CLASS_NODES.has(candidate.type)) continue;
    const from = startOf(original, candidate);
    if (from <= offset && offset < (candidate.end as number) && (!best || from >= startOf(original, best))) best = candidate;
  }
  if (!best) return undefined;
  return { ...classText(original, best), file, language: original.typescript ? 'typescript' : 'javascript', via: 'source-map' };
}

/**
 * The class's text from the start of its first line, with the comment and decorator lines right
 * above it (a doc comment, `@register`), dedented.
 */
function classText(module: ParsedModule, node: AstNode): { text: string; line: number } {
  // Only the class's own lines are cut out of the module (never the whole text split into lines:
  // a page's bundle is megabytes, and this runs for every class a run records).
  let first = lineOf(module, startOf(module, node)) - 1;
  while (first > 0 && /^\s*(?:@|\/\/|\/\*|\*)/.test(module.text.slice(module.lineStarts[first - 1], module.lineStarts[first]! - 1))) first--;
  const own = module.text.slice(module.lineStarts[first], node.end as number).split('\n');
  const indent = Math.min(...own.filter((l) => l.trim() !== '').map((l) => /^\s*/.exec(l)![0].length));
  return { text: `${own.map((l) => l.slice(Math.min(indent, /^\s*/.exec(l)![0].length))).join('\n')}\n`, line: first + 1 };
}

const mapRefs = new WeakMap<ParsedModule, { ref: string | undefined }>();

/** The module's `sourceMappingURL`, looked for once per module (a scan of the whole text). */
function mapRefOf(module: ParsedModule): string | undefined {
  let found = mapRefs.get(module);
  if (!found) mapRefs.set(module, (found = { ref: sourceMappingUrl(module.text) }));
  return found.ref;
}

/** Where a class begins, its decorators included (acorn-typescript starts the node at `class`). */
function startOf(module: ParsedModule, node: AstNode): number {
  const decorators = node.decorators as AstNode[] | undefined;
  return Math.min(node.start as number, ...(decorators ?? []).map((d) => d.start as number));
}

/** The 1-based line of an offset. */
function lineOf(module: ParsedModule, offset: number): number {
  let low = 0;
  let high = module.lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (module.lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

function resolveUrl(specifier: string, from: string): string | undefined {
  try {
    return new URL(specifier, from.startsWith('/') ? `file://${from}` : from).href;
  } catch {
    return undefined;
  }
}
