import { getConfig } from '../config.js';
import type { TreeRecord } from '../fingerprint/index.js';
import type { SourceRecord } from '../pipeline/code-registry.js';
import type { StoreAdapter } from '../store/adapter.js';

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
  return Promise.all(folders.map(async (folder) => ({ ...folder, record: await readJson<SourceRecord>(store, `${folder.key}source.json`, isSourceRecord) })));
}

/** Every dependency tree snapshot in the store, sorted by hash. */
export async function readSnapshots(store: StoreAdapter): Promise<StoredSnapshot[]> {
  const folders = await readFolders(store, snapshotFolder());
  return Promise.all(folders.map(async (folder) => ({ ...folder, tree: await readJson<TreeRecord>(store, `${folder.key}tree.json`, isTree) })));
}

/** One snapshot's tree, or undefined when it is missing or unreadable. */
export function readSnapshotTree(store: StoreAdapter, depTreeHash: string): Promise<TreeRecord | undefined> {
  return readJson<TreeRecord>(store, `${snapshotFolder()}/${depTreeHash}/tree.json`, isTree);
}

/** Reads and parses a JSON key; undefined when absent, unparseable, or not of the expected shape. */
export async function readJson<T>(store: StoreAdapter, key: string, check: (value: unknown) => boolean = () => true): Promise<T | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return check(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
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
  const folders: StoredFolder[] = [];
  for (const [hash, files] of [...byHash].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let bytes = 0;
    let mtimeMs = 0;
    for (const file of files) {
      const stat = await store.stat(file);
      bytes += stat?.size ?? 0;
      mtimeMs = Math.max(mtimeMs, stat?.mtimeMs ?? 0);
    }
    folders.push({ hash, key: `${folder}/${hash}/`, files, bytes, mtimeMs });
  }
  return folders;
}

function isSourceRecord(value: unknown): boolean {
  const record = value as Partial<SourceRecord> | null;
  return typeof record === 'object' && record !== null && typeof record.class_name === 'string' && typeof record.latest_registered === 'string';
}

function isTree(value: unknown): boolean {
  const tree = value as Partial<TreeRecord> | null;
  return typeof tree === 'object' && tree !== null && typeof tree.root === 'string' && typeof tree.nodes === 'object' && tree.nodes !== null;
}
