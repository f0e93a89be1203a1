import { explainScanned, type EntryExplanation, type EntrySummary } from '../../cache/entries.js';
import type { EntryState } from '../../cache/reasons.js';
import type { JsonValue } from '../../fingerprint/index.js';
import type { EntryMeta } from '../../pipeline/entry.js';
import type { BrowseIndex, IndexedEntry } from './browse-index.js';
import type { GridFacts } from './grid-facts.js';
import { RASTER_EXTENSIONS } from './preview.js';

/**
 * Everything the entry page shows about one entry, gathered from the index: its parameters with
 * links for nested Data, its spec, files, explanation, and the entries related to it (parameter
 * entries, co-outputs, the same parameters at other specs or made by other code).
 */

/** A link to another entry, with enough to label it. */
export interface EntryLink {
  stateHash: string;
  className: string | null;
  /** `absent` when the entry is not in the cache. */
  state: EntryState | 'absent';
  finishedAt: string | null;
  crs: string | null;
  resolution: [number, number] | null;
  sourceHash: string | null;
}

/** A file of an entry. */
export interface EntryFile {
  key: string;
  name: string;
  bytes: number;
  /** Where the browser serves it. */
  url: string;
}

/** What the page can show as the output's preview. */
export type EntryPreview =
  | { kind: 'raster'; url: string }
  | { kind: 'image'; url: string }
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'none'; note: string };

/** The entry page's data. */
export interface EntryView {
  summary: EntrySummary;
  meta: EntryMeta | null;
  spec: JsonValue | null;
  grid: GridFacts | null;
  files: EntryFile[];
  explanation: EntryExplanation;
  /** Entries of nested Data parameters, by their instance hash (same spec first). */
  parameterLinks: Record<string, EntryLink[]>;
  upstream: EntryLink[];
  downstream: EntryLink[];
  /** Entries its computation loaded or processed (recorded in meta.json). */
  loaded: EntryLink[];
  /** Entries whose computations loaded this one. */
  loadedBy: EntryLink[];
  coOutputs: EntryLink[];
  /** The same class and parameters at other specs. */
  otherSpecs: EntryLink[];
  /** The same class, parameters and spec, computed by other code. */
  otherCode: EntryLink[];
  preview: EntryPreview;
  /** The URL of the footprint map, when the spec is a full grid. */
  footprintUrl: string | null;
  graphUrl: string;
}

/** Text outputs shown inline, and how much of them. */
const TEXT_EXTENSIONS = ['txt', 'json', 'geojson', 'csv', 'md', 'log', 'yaml', 'yml'];
const IMAGE_EXTENSIONS = ['png', 'gif', 'webp', 'svg'];
const TEXT_PREVIEW_BYTES = 4096;

/** The entry page's data for one indexed entry, read through the index's (guarded) store. */
export async function entryView(indexed: IndexedEntry, index: BrowseIndex): Promise<EntryView> {
  const store = index.store;
  const { entry, summary } = indexed;
  const meta = entry.meta ?? null;
  const all = index.entries();
  const link = (hash: string) => linkTo(hash, index);
  const files: EntryFile[] = [];
  for (const key of entry.files) files.push({ key, name: key.slice(entry.key.length), bytes: (await store.stat(key))?.size ?? 0, url: fileUrl(key) });

  const parameterLinks: Record<string, EntryLink[]> = {};
  for (const instanceHash of nestedInstanceHashes(summary.parameters)) {
    const found = all.filter((e) => e.entry.meta?.instance_hash === instanceHash);
    const specHash = meta?.spec_hash;
    found.sort((a, b) => Number(b.entry.meta?.spec_hash === specHash) - Number(a.entry.meta?.spec_hash === specHash));
    parameterLinks[instanceHash] = found.map((e) => link(e.entry.stateHash));
  }
  const same = (e: IndexedEntry) => e !== indexed && e.entry.className === entry.className && !!meta && e.entry.meta?.params_hash === meta.params_hash;
  return {
    summary,
    meta,
    spec: indexed.spec,
    grid: indexed.grid,
    files,
    explanation: explainScanned(entry),
    parameterLinks,
    upstream: hashes(meta?.upstream).map(link),
    downstream: all.filter((e) => hashes(e.entry.meta?.upstream).includes(entry.stateHash)).map((e) => link(e.entry.stateHash)),
    loaded: recordedEntries(meta).map(link),
    loadedBy: all.filter((e) => recordedEntries(e.entry.meta).includes(entry.stateHash)).map((e) => link(e.entry.stateHash)),
    coOutputs: hashes(meta?.co_outputs).filter((hash) => hash !== entry.stateHash).map(link),
    otherSpecs: all.filter((e) => same(e) && e.entry.meta?.spec_hash !== meta?.spec_hash).map((e) => link(e.entry.stateHash)),
    otherCode: all.filter((e) => same(e) && e.entry.meta?.spec_hash === meta?.spec_hash).map((e) => link(e.entry.stateHash)),
    preview: await previewOf(indexed, index),
    footprintUrl: indexed.grid?.shape ? `/api/entries/${entry.stateHash}/footprint.svg` : null,
    graphUrl: `/api/entries/${entry.stateHash}/graph.svg`,
  };
}

/** State hashes of the entries a computation recorded it used (none in entries of older formats). */
function recordedEntries(meta: EntryMeta | null | undefined): string[] {
  const used = meta?.recorded?.entries;
  return Array.isArray(used) ? used.map((entry) => entry?.state_hash).filter((hash): hash is string => typeof hash === 'string') : [];
}

/** Where the browser serves a store key. */
export function fileUrl(key: string): string {
  return `/files/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** A link to the entry with this hash, `absent` when the index does not have it. */
export function linkTo(hash: string, index: BrowseIndex): EntryLink {
  const found = index.entry(hash);
  const meta = found?.entry.meta;
  return {
    stateHash: hash,
    className: found?.entry.className ?? null,
    state: found?.entry.state ?? 'absent',
    finishedAt: found?.summary.finishedAt ?? null,
    crs: found?.grid?.crs ?? null,
    resolution: found?.grid?.resolution ?? null,
    sourceHash: typeof meta?.source_hash === 'string' ? meta.source_hash : null,
  };
}

async function previewOf(indexed: IndexedEntry, index: BrowseIndex): Promise<EntryPreview> {
  const { entry } = indexed;
  const output = indexed.summary.outputFile;
  if (!output || !entry.files.includes(entry.key + output)) return { kind: 'none', note: 'the entry has no output file' };
  if (entry.state === 'damaged' || entry.state === 'incomplete') return { kind: 'none', note: `the entry is ${entry.state}` };
  const key = entry.key + output;
  const extension = output.slice(output.lastIndexOf('.') + 1).toLowerCase();
  if (RASTER_EXTENSIONS.includes(extension)) return { kind: 'raster', url: `/api/entries/${entry.stateHash}/preview.png` };
  if (IMAGE_EXTENSIONS.includes(extension)) return { kind: 'image', url: fileUrl(key) };
  if (TEXT_EXTENSIONS.includes(extension)) {
    const bytes = await index.store.get(key);
    if (!bytes) return { kind: 'none', note: (await index.refuses(key)) ? 'the output file points outside the cache' : 'the output file is missing' };
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, TEXT_PREVIEW_BYTES));
    return { kind: 'text', text, truncated: bytes.length > TEXT_PREVIEW_BYTES };
  }
  return { kind: 'none', note: `no preview for .${extension} files: download it` };
}

/** The instance hashes of nested Data parameters (`{ "$data": name, "instanceHash": … }`). */
export function nestedInstanceHashes(value: JsonValue | null | undefined, into: string[] = []): string[] {
  if (value === null || typeof value !== 'object') return into;
  if (Array.isArray(value)) {
    for (const item of value) nestedInstanceHashes(item, into);
    return into;
  }
  if (typeof value.$data === 'string' && typeof value.instanceHash === 'string') {
    if (!into.includes(value.instanceHash)) into.push(value.instanceHash);
    return into;
  }
  for (const child of Object.values(value)) nestedInstanceHashes(child, into);
  return into;
}

function hashes(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((hash): hash is string => typeof hash === 'string') : [];
}
