import { cleanCache as cleanCacheDefault, noClassLoaded, type CleanCacheOptions, type CleanReport } from '../../cache/clean-cache.js';
import { cleanSourceRegistry, type CleanSourceOptions, type CleanSourceReport } from '../../cache/clean-source.js';
import { exportEntries as exportEntriesDefault } from '../../cache/export-import.js';
import { InvalidInputError, PipelineError } from '../../errors.js';
import type { StoreAdapter } from '../../store/adapter.js';
import type { BrowseIndex } from './browse-index.js';

/**
 * The browser's actions, the only things it changes: cleaning the cache and the source registry
 * (always a dry run first; the real run happens only if it would remove exactly what the
 * preview showed), deleting one entry, and exporting entries. Each runs the library's own
 * function and then refreshes the index.
 */

/** Which cleaner a preview is for, and its options. */
export type CleanRequest = { kind: 'cache'; removeUnknown?: boolean; includeInputChanges?: boolean } | { kind: 'source' };

/** A dry run's report and the id that confirms it. */
export interface CleanPreview {
  previewId: string;
  request: CleanRequest;
  report: CleanReport | CleanSourceReport;
}

/** What confirming a preview did. */
export type CleanOutcome =
  | { done: true; report: CleanReport | CleanSourceReport }
  /** The cache changed since the preview: nothing was removed; here is the new preview. */
  | { done: false; preview: CleanPreview };

/** The platform's versions of the library functions (Node's cleanCache also removes staging folders). */
export interface ActionFunctions {
  cleanCache?: (options: CleanCacheOptions) => Promise<CleanReport>;
  cleanSourceRegistry?: (options: CleanSourceOptions) => Promise<CleanSourceReport>;
  exportEntries?: (selection: readonly string[]) => Promise<Uint8Array>;
}

const PREVIEW_LIFETIME_MS = 15 * 60_000;
const MAX_PREVIEWS = 16;

/** Runs the browser's actions against the configured store. */
export class BrowseActions {
  readonly #previews = new Map<string, { preview: CleanPreview; at: number }>();
  readonly #cleanCache: NonNullable<ActionFunctions['cleanCache']>;
  readonly #cleanSource: NonNullable<ActionFunctions['cleanSourceRegistry']>;
  readonly #exportEntries: NonNullable<ActionFunctions['exportEntries']>;

  constructor(
    private readonly index: BrowseIndex,
    functions: ActionFunctions = {},
  ) {
    this.#cleanCache = functions.cleanCache ?? cleanCacheDefault;
    this.#cleanSource = functions.cleanSourceRegistry ?? cleanSourceRegistry;
    // Through the guarded store: it refuses files that lead outside the cache.
    this.#exportEntries = functions.exportEntries ?? ((selection) => exportEntriesDefault(selection, { store: index.guardedStore }));
  }

  /** A dry run: what the cleaner would remove now, with an id to confirm it by. */
  async previewClean(request: CleanRequest): Promise<CleanPreview> {
    refuseBlindRemoval(request);
    return this.#remember(request, await this.#dryRun(request));
  }

  /**
   * Runs the cleaner of a preview for real, if a new dry run lists exactly the same items to
   * remove; otherwise removes nothing and returns the new preview to review.
   */
  async confirmClean(previewId: string): Promise<CleanOutcome> {
    const kept = this.#previews.get(previewId);
    if (!kept) throw new InvalidInputError(`clean preview ${JSON.stringify(previewId)} is unknown or expired (previews last ${PREVIEW_LIFETIME_MS / 60_000} minutes); preview again`);
    this.#previews.delete(previewId);
    const { request, report } = kept.preview;
    refuseBlindRemoval(request);
    const again = await this.#dryRun(request);
    if (removedKeys(again) !== removedKeys(report)) return { done: false, preview: this.#remember(request, again) };
    const store = this.index.guardedStore;
    const done = request.kind === 'cache' ? await this.#cleanCache(cacheOptions(request, false, store)) : await this.#cleanSource({ dryRun: false, store });
    await this.index.refresh();
    return { done: true, report: done };
  }

  /** Removes one entry (under its lock, so a computation of it is never broken). */
  async deleteEntry(hash: string): Promise<{ key: string; files: number }> {
    const indexed = this.index.entry(hash);
    if (!indexed || indexed.entry.stateHash !== hash) throw new InvalidInputError(`no entry ${hash.slice(0, 12)} in the cache; reload the page`);
    const store = this.index.store;
    let release: () => Promise<void>;
    try {
      release = await store.lock(`entry-${hash}`, { timeoutMs: 10_000 });
    } catch (error) {
      throw new PipelineError(`entry ${hash.slice(0, 12)} is being computed right now; try again when it is done`, { cause: error });
    }
    let files: number;
    try {
      files = await store.removePrefix(indexed.entry.key);
    } finally {
      await release();
    }
    await this.index.refresh();
    return { key: indexed.entry.key, files };
  }

  /** A `.tar.gz` of the entries (see `exportEntries`). */
  exportEntries(hashes: readonly string[]): Promise<Uint8Array> {
    if (hashes.length === 0) throw new InvalidInputError('select at least one entry to export');
    return this.#exportEntries(hashes);
  }

  /** Keeps a preview to be confirmed (and forgets expired ones, and the oldest beyond a few). */
  #remember(request: CleanRequest, report: CleanReport | CleanSourceReport): CleanPreview {
    const preview: CleanPreview = { previewId: randomId(), request, report };
    const now = Date.now();
    for (const [id, kept] of this.#previews) if (now - kept.at > PREVIEW_LIFETIME_MS) this.#previews.delete(id);
    this.#previews.set(preview.previewId, { preview, at: now });
    while (this.#previews.size > MAX_PREVIEWS) this.#previews.delete(this.#previews.keys().next().value!);
    return preview;
  }

  #dryRun(request: CleanRequest): Promise<CleanReport | CleanSourceReport> {
    // Through the guarded store: a report names classes read from meta.json and source.json.
    const store = this.index.guardedStore;
    return request.kind === 'cache' ? this.#cleanCache(cacheOptions(request, true, store)) : this.#cleanSource({ dryRun: true, store });
  }
}

/** Removing unknown entries with no class loaded would remove every entry: refused, previews included. */
function refuseBlindRemoval(request: CleanRequest): void {
  if (request.kind === 'cache' && request.removeUnknown && noClassLoaded()) {
    throw new InvalidInputError(
      'removing unknown entries is refused while no class is loaded: every entry would be unknown, and removed; start geodata browse with the pipeline modules (geodata browse pipeline.ts)',
    );
  }
}

function cacheOptions(request: Extract<CleanRequest, { kind: 'cache' }>, dryRun: boolean, store: StoreAdapter): CleanCacheOptions {
  return { dryRun, store, removeUnknown: request.removeUnknown === true, includeInputChanges: request.includeInputChanges === true };
}

function removedKeys(report: CleanReport | CleanSourceReport): string {
  return report.removed.map((item) => item.key).join('\n');
}

function randomId(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}
