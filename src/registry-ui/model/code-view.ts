import { codeVersions, type CodeVersion } from '../../cache/code-versions.js';
import { isLive, type LiveClasses } from '../../cache/live-classes.js';
import { sourceText } from '../../pipeline/code-registry.js';
import { codePrefix } from '../../pipeline/layout.js';
import type { StoreAdapter } from '../../store/adapter.js';
import type { BrowseIndex } from './browse-index.js';

/**
 * The code history the browser shows: the stored versions of a class (`.source/code`), the
 * source of one version as it was when an entry was produced, and the live source (diffs between
 * any two of them: see `diffSources`).
 */

/** The versions of one class, plus its live code when it is loaded. */
export interface ClassCode {
  className: string;
  versions: CodeVersion[];
  /** The source hash of the code loaded now; null when the class is not loaded. */
  liveHash: string | null;
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

/** The store key of a version's source.js. */
export function sourceKey(sourceHash: string): string {
  return `${codePrefix(sourceHash)}source.js`;
}

/** The stored source.js of a version; undefined when the hash is not stored (or its store refuses it). */
export async function storedSource(store: StoreAdapter, sourceHash: string): Promise<string | undefined> {
  if (!SOURCE_HASH.test(sourceHash)) return undefined;
  const bytes = await store.get(sourceKey(sourceHash));
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
