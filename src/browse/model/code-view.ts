import { createTwoFilesPatch, structuredPatch } from 'diff';
import { codeVersions, type CodeVersion } from '../../cache/code-versions.js';
import { isLive, type LiveClasses } from '../../cache/live-classes.js';
import { sourceText } from '../../pipeline/code-registry.js';
import { codePrefix } from '../../pipeline/layout.js';
import type { StoreAdapter } from '../../store/adapter.js';
import type { BrowseIndex } from './browse-index.js';

/**
 * The code history the browser shows: the stored versions of a class (`.source/code`), the
 * source of one version as it was when an entry was produced, the live source, and diffs
 * between any two of them.
 */

/** The versions of one class, plus its live code when it is loaded. */
export interface ClassCode {
  className: string;
  versions: CodeVersion[];
  /** The source hash of the code loaded now; null when the class is not loaded. */
  liveHash: string | null;
}

/** One line of a diff, for colouring. */
export interface DiffLine {
  kind: 'hunk' | 'add' | 'remove' | 'context';
  text: string;
}

/** A unified diff between two sources, as text and as lines. */
export interface CodeDiff {
  from: string;
  to: string;
  patch: string;
  lines: DiffLine[];
  /** Whether the two sources are the same text. */
  same: boolean;
}

/** A source hash as the folder of `.source/code` names it. */
export const SOURCE_HASH = /^[0-9a-f]{64}$/;

/**
 * Every stored version of `className` (oldest first) and the hash of its live code. Computed
 * once per index generation.
 */
export async function classCode(index: BrowseIndex, live: LiveClasses, className: string): Promise<ClassCode> {
  const versions = await index.memo(`code:${className}`, () => codeVersions({ className, store: index.store }));
  return { className, versions, liveHash: liveHashOf(live, className) };
}

/** Names of every class and helper with stored code, sorted. */
export async function codeNames(index: BrowseIndex): Promise<string[]> {
  const versions = await index.memo('code:*', () => codeVersions({ store: index.store }));
  return [...new Set(versions.map((v) => v.className).filter((name): name is string => name !== null))].sort();
}

/** The stored source.js of a version; undefined when the hash is not stored. */
export async function storedSource(store: StoreAdapter, sourceHash: string): Promise<string | undefined> {
  if (!SOURCE_HASH.test(sourceHash)) return undefined;
  const bytes = await store.get(`${codePrefix(sourceHash)}source.js`);
  return bytes ? new TextDecoder().decode(bytes) : undefined;
}

/** The source of the code loaded now under `name` (a class, or a helper such as `A.uses.f`). */
export function liveSource(live: LiveClasses, name: string): string | undefined {
  return liveHashOf(live, name) === null ? undefined : sourceText(name);
}

/** The source hash of the live code under `name`, or null when none is loaded. */
export function liveHashOf(live: LiveClasses, name: string): string | null {
  const own = live.get(name.split('.uses.')[0]!);
  if (!isLive(own)) return null;
  return own.tree.nodes[name]?.sourceHash ?? (name === own.name ? own.sourceHash : null);
}

/**
 * A unified diff from one source to another (3 lines of context).
 * @example diffSources({ label: 'Constant@1a2b', text: a }, { label: 'Constant@live', text: b }).lines
 */
export function diffSources(from: { label: string; text: string }, to: { label: string; text: string }): CodeDiff {
  const before = withNewline(from.text);
  const after = withNewline(to.text);
  const patch = createTwoFilesPatch(from.label, to.label, before, after, undefined, undefined, { context: 3 });
  const structured = structuredPatch(from.label, to.label, before, after, undefined, undefined, { context: 3 });
  const lines: DiffLine[] = [];
  for (const hunk of structured.hunks) {
    lines.push({ kind: 'hunk', text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@` });
    for (const line of hunk.lines) {
      const kind = line.startsWith('+') ? 'add' : line.startsWith('-') ? 'remove' : 'context';
      if (line.startsWith('\\')) continue; // "\ No newline at end of file"
      lines.push({ kind, text: line.slice(1) });
    }
  }
  return { from: from.label, to: to.label, patch, lines, same: before === after };
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
