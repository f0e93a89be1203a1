import { getConfig } from '../config.js';
import type { TreeRecord } from '../fingerprint/index.js';
import type { SourceRecord } from '../pipeline/code-registry.js';
import type { StoreAdapter } from '../store/adapter.js';
import { mapConcurrently, READ_CONCURRENCY } from './concurrency.js';
import { parseJsonObject } from './json-object.js';

/** One folder of `.source/code/` or `.source/snapshots/`, as read from the store. */
interface StoredFolder {
  /** The folder's name: a source hash or a dependency tree hash. */
  hash: string;
  /** The store prefix of the folder (`.source/code/<hash>/`). */
  key: string;
  files: string[];
  bytes: number;
  /** The newest modification time of its files (ms since the epoch). */
  mtimeMs: number;
}

/** A stored code version: `.source/code/<source_hash>/source.js, source.json`. */
export interface StoredCode extends StoredFolder {
  /** Its source.json; undefined when missing or unreadable. */
  record: SourceRecord | undefined;
}

/** A stored dependency tree: `.source/snapshots/<dep_tree_hash>/tree.json`. */
export interface StoredSnapshot extends StoredFolder {
  /** Its tree.json; undefined when missing or unreadable. */
  tree: TreeRecord | undefined;
}

/** `.source/code` */
export function codeFolder(): string {
  return `${getConfig().layout.source}/code`;
}

/** `.source/snapshots` */
export function snapshotFolder(): string {
  return `${getConfig().layout.source}/snapshots`;
}

/** Every code version in the store, sorted by hash. */
export async function readCodeVersions(store: StoreAdapter): Promise<StoredCode[]> {
  const folders = await readFolders(store, codeFolder());
  return mapConcurrently(folders, READ_CONCURRENCY, async (folder) => ({ ...folder, record: await readJson<SourceRecord>(store, `${folder.key}source.json`, isSourceRecord) }));
}

/** Every dependency tree snapshot in the store, sorted by hash. */
export async function readSnapshots(store: StoreAdapter): Promise<StoredSnapshot[]> {
  const folders = await readFolders(store, snapshotFolder());
  return mapConcurrently(folders, READ_CONCURRENCY, async (folder) => ({ ...folder, tree: await readJson<TreeRecord>(store, `${folder.key}tree.json`, isTree) }));
}

/** A dependency tree hash as a snapshot folder is named (64 hexadecimal digits). */
export const TREE_HASH = /^[0-9a-f]{64}$/;

/**
 * One snapshot's tree, or undefined when it is missing or unreadable, or when `depTreeHash` is
 * not a hash at all: it comes from a meta.json, which may hold anything, and only a hash names a
 * snapshot folder (anything else could name a path the store refuses, or another folder).
 */
export async function readSnapshotTree(store: StoreAdapter, depTreeHash: unknown): Promise<TreeRecord | undefined> {
  if (typeof depTreeHash !== 'string' || !TREE_HASH.test(depTreeHash)) return undefined;
  return readJson<TreeRecord>(store, `${snapshotFolder()}/${depTreeHash}/tree.json`, isTree);
}

/**
 * {@link readSnapshotTree} remembering each tree it read: the entries of one class mostly share
 * a tree, and a pass over many entries reads each tree once.
 * @example const treeOf = snapshotTrees(store); const tree = await treeOf(meta.dep_tree_hash);
 */
export function snapshotTrees(store: StoreAdapter): (depTreeHash: unknown) => Promise<TreeRecord | undefined> {
  const trees = new Map<string, Promise<TreeRecord | undefined>>();
  return (depTreeHash) => {
    const key = String(depTreeHash);
    let found = trees.get(key);
    if (!found) trees.set(key, (found = readSnapshotTree(store, depTreeHash)));
    return found;
  };
}

/**
 * Reads a JSON object (meta.json, parameters.json, source.json...); undefined when absent,
 * unparseable, not an object, or not of the shape `check` expects.
 */
export async function readJson<T>(store: StoreAdapter, key: string, check: (value: unknown) => boolean = () => true): Promise<T | undefined> {
  const value = parseJsonObject(await store.get(key));
  return value !== undefined && check(value) ? (value as T) : undefined;
}

/** Groups the keys under `folder/` by their first segment, with sizes and modification times. */
async function readFolders(store: StoreAdapter, folder: string): Promise<StoredFolder[]> {
  const byHash = new Map<string, string[]>();
  for (const key of await store.keys(`${folder}/`)) {
    const rest = key.slice(folder.length + 1);
    const slash = rest.indexOf('/');
    if (slash <= 0) continue; // a file directly in the folder is not a version
    const hash = rest.slice(0, slash);
    let files = byHash.get(hash);
    if (!files) byHash.set(hash, (files = []));
    files.push(key);
  }
  const sorted = [...byHash].sort(([a], [b]) => (a < b ? -1 : 1));
  return mapConcurrently(sorted, READ_CONCURRENCY, async ([hash, files]) => {
    let bytes = 0;
    let mtimeMs = 0;
    for (const file of files) {
      const stat = await store.stat(file);
      bytes += stat?.size ?? 0;
      mtimeMs = Math.max(mtimeMs, stat?.mtimeMs ?? 0);
    }
    return { hash, key: `${folder}/${hash}/`, files, bytes, mtimeMs };
  });
}

function isSourceRecord(value: unknown): boolean {
  const record = value as Partial<SourceRecord> | null;
  return typeof record === 'object' && record !== null && typeof record.class_name === 'string' && typeof record.latest_registered === 'string';
}

function isTree(value: unknown): boolean {
  const tree = value as Partial<TreeRecord> | null;
  return typeof tree === 'object' && tree !== null && typeof tree.root === 'string' && typeof tree.nodes === 'object' && tree.nodes !== null;
}
