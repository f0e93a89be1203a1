import { getConfig } from '../config.js';
import { defaultRegistry } from '../fingerprint/index.js';
import { sha256Hex } from '../sha256.js';
import { type WrittenSource, type WrittenSourceMissing, writtenSource } from '../fingerprint/written-source.js';
import type { TreeRecord } from '../fingerprint/index.js';
import { renderGraphSvg } from '../graph/graph-svg.js';
import { parseJsonObject } from '../cache/json-object.js';
import type { StoreAdapter } from '../store/adapter.js';
import { yieldToEventLoop } from '../yield-to-event-loop.js';
import type { ActiveOutput } from './active.js';
import { codePrefix, snapshotPrefix } from './layout.js';

/** `.source/code/<source_hash>/source.json` */
export interface SourceRecord {
  format_version: 1;
  class_name: string;
  object_type: 'data' | 'figure' | 'helper' | 'value';
  source_hash: string;
  first_registered: string;
  latest_registered: string;
  /**
   * The class as its author wrote it (`file`: written.ts or written.js beside source.js), where it
   * came from and how it was found; or why it could not be had. Absent for helpers and values,
   * and in records written before it existed.
   */
  written?: WrittenRecord;
}

/** `written` in source.json: see {@link writtenSource}. */
export type WrittenRecord =
  | { file: string; from: string; line: number; language: 'typescript' | 'javascript'; via: WrittenSource['via']; note?: string }
  | { unavailable: string };

const encoder = new TextEncoder();
/** What this process wrote to each store: each version is recorded once per run, not per entry. */
const recordedByStore = new WeakMap<object, Set<string>>();

/**
 * Keeps the code behind the entries about to be committed: every version of every class (and
 * helper) in `.source/code/`, and every dependency tree in `.source/snapshots/`. Entries point to
 * these by hash, so the code that produced a result can always be shown.
 */
export async function recordCode(outputs: ActiveOutput[]): Promise<void> {
  const store = getConfig().store;
  let recorded = recordedByStore.get(store);
  if (!recorded) recordedByStore.set(store, (recorded = new Set()));
  const now = new Date().toISOString();
  for (const output of outputs) {
    const tree = output.identity.record.tree;
    const snapshotKey = `${snapshotPrefix(output.identity.depTreeHash)}tree.json`;
    if (!recorded.has(snapshotKey)) {
      await yieldToEventLoop();
      await recordTreeSnapshot(store, output.identity.depTreeHash, tree);
    }
    recorded.add(snapshotKey);
    for (const [name, node] of Object.entries(tree.nodes)) {
      const memoKey = `${node.sourceHash}\0${name}`;
      if (recorded.has(memoKey)) continue;
      const objectType = node.kind === 'class' ? (classObjectType(name) ?? output.identity.objectType) : node.kind;
      // A turn of the event loop before each piece of code is read and stored: with a store that
      // answers at once (memory, a page's cache), a run's classes would otherwise be recorded in
      // one task of the page (tens of milliseconds each for its source and drawing).
      await yieldToEventLoop();
      await recordCodeVersion(store, { name, sourceHash: node.sourceHash, objectType, text: sourceText(name, tree), written: writtenSourceOf(name, node.kind), now });
      recorded.add(memoKey);
    }
  }
}

/** One version of a class's, helper's or constant's code, as {@link recordCodeVersion} stores it. */
export interface CodeVersionRecord {
  name: string;
  sourceHash: string;
  objectType: SourceRecord['object_type'];
  /** The source text; undefined when it cannot be had (the version is still recorded). */
  text: string | undefined;
  /** A class's source as written (see {@link writtenSourceOf}); undefined for helpers and values. */
  written?: WrittenSource | WrittenSourceMissing;
  /** When it is recorded (ISO 8601): its `latest_registered`, and `first_registered` if new. */
  now: string;
}

/**
 * Records one code version in `.source/code/<source_hash>/`: source.js (the text first stored
 * is kept) and source.json (`first_registered` kept, `latest_registered` now). Resolves to
 * `added` when no readable source.json was there, else `updated`.
 * @example await recordCodeVersion(store, { name: 'SlopeLoader', sourceHash, objectType: 'data', text, now });
 */
export async function recordCodeVersion(store: StoreAdapter, version: CodeVersionRecord): Promise<'added' | 'updated'> {
  const prefix = codePrefix(version.sourceHash);
  const previous = parseJsonObject(await store.get(`${prefix}source.json`));
  const record: SourceRecord = {
    format_version: 1,
    class_name: version.name,
    object_type: version.objectType,
    source_hash: version.sourceHash,
    // A damaged source.json is rewritten whole.
    first_registered: typeof previous?.first_registered === 'string' ? previous.first_registered : version.now,
    latest_registered: version.now,
  };
  const files: Array<[string, Uint8Array]> = [];
  if (version.text !== undefined && !(await store.has(`${prefix}source.js`))) files.push([`${prefix}source.js`, encoder.encode(version.text)]);
  // As with source.js, the written text first stored is kept (a comment edited since keeps the hash).
  const kept = previous?.written as WrittenRecord | undefined;
  if (kept && 'file' in kept && (await store.has(`${prefix}${kept.file}`))) record.written = kept;
  else if (version.written && 'text' in version.written) {
    const file = version.written.language === 'typescript' ? 'written.ts' : 'written.js';
    const { text, file: from, line, language, via } = version.written;
    record.written = { file, from, line, language, via, ...(via === 'compiled' ? { note: COMPILED_NOTE } : {}) };
    files.push([`${prefix}${file}`, encoder.encode(text)]);
  } else if (version.written) record.written = kept ?? { unavailable: version.written.unavailable };
  files.push([`${prefix}source.json`, encoder.encode(`${JSON.stringify(record, null, 2)}\n`)]);
  await store.setMany(files);
  return previous ? 'updated' : 'added';
}

/**
 * Records a dependency tree in `.source/snapshots/<dep_tree_hash>/`: tree.json and, for people
 * browsing the folder, graph.svg. Writes whichever is missing (or, for tree.json, unreadable),
 * tree.json last; resolves to `added` when tree.json was written, `updated` when only the
 * drawing was, undefined when both were there.
 * @example await recordTreeSnapshot(store, identity.depTreeHash, identity.record.tree);
 */
export async function recordTreeSnapshot(store: StoreAdapter, depTreeHash: string, tree: TreeRecord): Promise<'added' | 'updated' | undefined> {
  const prefix = snapshotPrefix(depTreeHash);
  const files: Array<[string, Uint8Array]> = [];
  if (!(await store.has(`${prefix}graph.svg`))) files.push([`${prefix}graph.svg`, encoder.encode(treeSvg(tree))]);
  const treeMissing = parseJsonObject(await store.get(`${prefix}tree.json`)) === undefined;
  if (treeMissing) files.push([`${prefix}tree.json`, encoder.encode(`${JSON.stringify(tree, null, 2)}\n`)]);
  if (files.length === 0) return undefined;
  await store.setMany(files);
  return treeMissing ? 'added' : 'updated';
}

/** The dependency tree drawn as an SVG, kept beside tree.json for people browsing the folder. */
export function treeSvg(tree: TreeRecord): string {
  return renderGraphSvg(
    {
      nodes: Object.entries(tree.nodes)
        // The root first: the layout puts the first node at the top.
        .sort(([a], [b]) => Number(b === tree.root) - Number(a === tree.root))
        .map(([name, node]) => ({ id: name, label: name, kind: node.kind, sublabel: node.sourceHash.slice(0, 12) })),
      edges: tree.edges.map((edge) => ({ from: edge.from, to: edge.to, kind: edge.kind })),
    },
    { title: `dependencies of ${tree.root}` },
  );
}

const COMPILED_NOTE = 'compiled JavaScript without a source map (a bundle or tsc output built without one): the class as the toolchain wrote it, its comments and types gone; build with source maps to keep the source as written';

/**
 * The source as written of a tree node that is a registered class (`kind` `class`), read from
 * the module it was registered from; undefined for helpers and values.
 */
export function writtenSourceOf(name: string, kind: 'class' | 'helper' | 'value'): WrittenSource | WrittenSourceMissing | undefined {
  if (kind !== 'class') return undefined;
  const cls = defaultRegistry.get(name);
  if (typeof cls !== 'function') return { unavailable: `no class named ${name} is registered in this process` };
  try {
    return writtenSource(cls);
  } catch (error) {
    return { unavailable: `reading its module failed: ${(error as Error).message}` };
  }
}

function classObjectType(name: string): 'data' | 'figure' | undefined {
  const cls = defaultRegistry.get(name) as { objectType?: 'data' | 'figure' } | undefined;
  return cls?.objectType;
}

/**
 * The source text of a tree node: a registered class, a helper/value reached through `uses`, or
 * an export of a package outside the project (what identifies it: package, version, export).
 */
export function sourceText(name: string, tree?: TreeRecord): string | undefined {
  const packageExport = tree ? packageExportText(name, tree) : undefined;
  if (packageExport !== undefined) return packageExport;
  const value = resolveNode(name);
  if (value === undefined) return undefined;
  if (typeof value === 'function') return Function.prototype.toString.call(value);
  try {
    return `${JSON.stringify(value, null, 2)}\n`;
  } catch {
    return tree ? undefined : String(value);
  }
}

function resolveNode(name: string): unknown {
  const parts = name.split('.uses.');
  let value: unknown = defaultRegistry.get(parts[0]!);
  for (const key of parts.slice(1)) {
    if (value === undefined || value === null) return undefined;
    value = (value as { uses?: Record<string, unknown> }).uses?.[key];
  }
  return value;
}

/**
 * A package export's node (`proj4@2.22.0:default`, `node:fs:readFile`, `#2` when the name was
 * taken): its code is outside the project and not hashed; its package, version and export name
 * are, and that is what the registry shows for it. Recognised by its source hash, which is the
 * hash of exactly those three (see `dependencies.ts`), so no other node can be mistaken for one.
 */
export function packageExportText(name: string, tree: TreeRecord): string | undefined {
  const node = tree.nodes[name];
  if (node?.kind !== 'value') return undefined;
  const bare = name.replace(/#\d+$/, '');
  for (let colon = bare.indexOf(':'); colon > 0; colon = bare.indexOf(':', colon + 1)) {
    const packageAndVersion = bare.slice(0, colon);
    const member = bare.slice(colon + 1);
    const at = packageAndVersion.lastIndexOf('@');
    const [packageName, version] = at > 0 ? [packageAndVersion.slice(0, at), packageAndVersion.slice(at + 1)] : [packageAndVersion, ''];
    if (node.sourceHash !== sha256Hex(`geodata-package/1\n${packageName}\n${version}\n${member}`)) continue;
    const what = member === 'default' ? 'The default export' : member === '*' ? 'The whole module' : `The export ${member}`;
    return (
      `// ${what} of the package ${packageName}, ${version ? `version ${version}` : 'of unknown version'}.\n` +
      '// Code outside the project: the package name, its version and the export name are fingerprinted, not its code.\n' +
      `import ${member === 'default' ? localName(packageName) : member === '*' ? `* as ${localName(packageName)}` : `{ ${member} }`} from ${JSON.stringify(packageName)};\n`
    );
  }
  return undefined;
}

function localName(packageName: string): string {
  return packageName.replace(/^node:/, '').replace(/\W+(\w)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase()) || 'module';
}
