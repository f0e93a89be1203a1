import { getConfig, withConfig } from '../config.js';
import type { Tracked } from '../data/tracked.js';
import { InvalidInputError } from '../errors.js';
import { defaultRegistry, type JsonValue } from '../fingerprint/index.js';
import { checkEntry, type EntryMeta } from '../pipeline/entry.js';
import { fingerprint } from '../pipeline/fingerprint-instance.js';
import { entryPrefix, META_FILE } from '../pipeline/layout.js';
import { resolveEntryPrefix } from '../pipeline/load-from-hash.js';
import { process as produce } from '../pipeline/process.js';
import { SpatialSpec } from '../spec/spatial-spec.js';
import { memoryStore } from '../store/memory.js';
import { importedOf } from './entries.js';
import { parseJsonObject } from './json-object.js';
import { scanCache, type CacheProgress } from './scan.js';

/** What {@link verifyEntries} found for one entry. */
export interface VerifyItem {
  stateHash: string;
  className: string;
  /**
   * `same`: recomputed here, the bytes equal the entry's; `differs`: they do not (the entry is
   * not what this code makes); `failed`: it could not be recomputed (`detail` says why).
   */
  result: 'same' | 'differs' | 'failed';
  /** Whether a differing entry was replaced by the one computed here. */
  replaced: boolean;
  detail: string;
}

/** Options of {@link verifyEntries}. */
export interface VerifyOptions {
  /** Replace an entry whose recomputed bytes differ with the recomputed one. */
  replace?: boolean;
  onProgress?: (progress: CacheProgress) => void;
}

/**
 * Recomputes entries and compares bytes: `selection` is hash prefixes, or `'imported'` for every
 * entry imported from an archive. Each entry's instance is rebuilt from its class (registered in
 * this process) and its parameters.json, and must fingerprint to the entry's own state hash;
 * it is then computed in a scratch memory store (with everything upstream of it) and its output
 * compared with the entry's. An equal imported entry gets `imported.verified_at`; a differing
 * one is replaced when asked. Nothing of the scratch computation stays.
 * @example (await verifyEntries('imported')).filter((item) => item.result === 'differs')
 */
export async function verifyEntries(selection: 'imported' | string | readonly string[], options: VerifyOptions = {}): Promise<VerifyItem[]> {
  const store = getConfig().store;
  const scanned = await scanCache({ checkInputs: false });
  const byInstance = new Map<string, { className: string; parameters: JsonValue }>();
  const metas = new Map<string, EntryMeta>();
  for (const entry of scanned) {
    if (!entry.meta) continue;
    metas.set(entry.stateHash, entry.meta);
    const parameters = parseJsonObject(await store.get(`${entry.key}parameters.json`));
    if (parameters) byInstance.set(entry.meta.instance_hash, { className: entry.meta.class_name, parameters: parameters as JsonValue });
  }
  let hashes: string[];
  if (selection === 'imported') {
    hashes = [...metas.values()].filter((meta) => importedOf(meta)).map((meta) => meta.state_hash).sort();
  } else {
    const prefixes = typeof selection === 'string' ? [selection] : [...selection];
    if (prefixes.length === 0) throw new InvalidInputError('verifyEntries needs hash prefixes, or "imported" for every imported entry');
    hashes = [];
    for (const prefix of prefixes) hashes.push((await resolveEntryPrefix(prefix)).stateHash);
  }
  const items: VerifyItem[] = [];
  for (const [index, stateHash] of hashes.entries()) {
    items.push(await verifyOne(stateHash, byInstance, options, metas.get(stateHash)?.class_name));
    options.onProgress?.({ phase: 'verifying', done: index + 1, total: hashes.length });
  }
  return items;
}

async function verifyOne(
  stateHash: string,
  byInstance: Map<string, { className: string; parameters: JsonValue }>,
  options: VerifyOptions,
  scannedClass: unknown,
): Promise<VerifyItem> {
  const store = getConfig().store;
  const data = await checkEntry('data', stateHash, { bytes: true });
  const check = data.state === 'absent' ? await checkEntry('figure', stateHash, { bytes: true }) : data;
  const failed = (className: string, detail: string): VerifyItem => ({ stateHash, className, result: 'failed', replaced: false, detail });
  if (check.state !== 'valid') {
    // A damaged entry is a miss: loading it computes it again (verify compares only entries that can be read).
    const next = check.state === 'absent' ? '' : ': loading it computes it again, and clean-cache removes it';
    return failed(typeof scannedClass === 'string' ? scannedClass : '-', `the entry cannot be read (${check.state === 'absent' ? 'it is absent' : check.problem})${next}`);
  }
  const { meta } = check;
  const parameters = byInstance.get(meta.instance_hash)?.parameters;
  let instance: Tracked;
  try {
    instance = rebuild(meta.class_name, parameters ?? {}, byInstance) as Tracked;
  } catch (error) {
    return failed(meta.class_name, (error as Error).message);
  }
  const spec = check.spec ?? SpatialSpec.fromJSON(new TextDecoder().decode((await store.get(`${entryPrefix(meta.object_type, stateHash)}spec.json`))!));
  const rebuilt = await fingerprint(instance, spec).catch((error: Error) => ({ stateHash: `(${error.message})` }));
  if (rebuilt.stateHash !== stateHash) {
    return failed(
      meta.class_name,
      `the code loaded now does not make this entry (rebuilt from its parameters.json, ${meta.class_name} has state hash ${String(rebuilt.stateHash).slice(0, 12)}): load the pipeline modules that made it, or verify it from code`,
    );
  }
  // A scratch store: the entry (and what it depends on) computed from scratch, in memory.
  const scratch = memoryStore();
  let computed: { sha256: string; files: Array<readonly [string, Uint8Array]> };
  try {
    computed = await withConfig({ store: scratch }, async () => {
      const entry = await produce(instance, spec);
      const prefix = entryPrefix(meta.object_type, entry.stateHash);
      const keys = await scratch.keys(prefix);
      const files = await Promise.all(keys.map(async (key) => [key, (await scratch.get(key))!] as const));
      return { sha256: entry.meta.output.sha256, files };
    });
  } catch (error) {
    return failed(meta.class_name, `recomputing it failed: ${(error as Error).message}`);
  }
  const prefix = entryPrefix(meta.object_type, stateHash);
  if (computed.sha256 === meta.output.sha256) {
    if (importedOf(meta)) {
      // Under the entry's lock, and only if the entry is still the one verified: a computation or
      // an import may have replaced it since it was read, and its meta.json must not be overwritten.
      const release = await store.lock(`entry-${stateHash}`);
      try {
        const current = parseJsonObject(await store.get(prefix + META_FILE)) as EntryMeta | undefined;
        const imported = current ? importedOf(current) : undefined;
        if (current && imported && current.output?.sha256 === meta.output.sha256) {
          await store.set(prefix + META_FILE, json({ ...current, imported: { ...imported, verified_at: new Date().toISOString() } }));
        }
      } finally {
        await release();
      }
    }
    return { stateHash, className: meta.class_name, result: 'same', replaced: false, detail: `recomputed here: the same ${meta.output.size} bytes (sha256 ${meta.output.sha256.slice(0, 12)})` };
  }
  const detail = `recomputed here, the output differs: sha256 ${computed.sha256.slice(0, 12)} here, ${meta.output.sha256.slice(0, 12)} in the entry`;
  if (!options.replace) return { stateHash, className: meta.class_name, result: 'differs', replaced: false, detail };
  const release = await store.lock(`entry-${stateHash}`);
  try {
    await store.removePrefix(prefix);
    const metaLast = [...computed.files.filter(([key]) => !key.endsWith(`/${META_FILE}`)), ...computed.files.filter(([key]) => key.endsWith(`/${META_FILE}`))];
    await store.setMany(metaLast);
  } finally {
    await release();
  }
  return { stateHash, className: meta.class_name, result: 'differs', replaced: true, detail: `${detail}; replaced by the one computed here` };
}

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

/**
 * An instance of `className` whose own properties are `parameters` (nested Data rebuilt from the
 * entries that have their instance hash). Its constructor does not run: the caller checks that
 * it fingerprints to the hash expected, which says the rebuild is the same instance.
 */
function rebuild(className: string, parameters: JsonValue, byInstance: Map<string, { className: string; parameters: JsonValue }>): object {
  const cls = defaultRegistry.get(className) as (new (...args: never[]) => object) | undefined;
  if (!cls) throw new Error(`class ${className} is not registered in this process: name the pipeline modules that define it`);
  const instance = Object.create(cls.prototype as object) as Record<string, unknown>;
  if (parameters && typeof parameters === 'object' && !Array.isArray(parameters)) {
    for (const [key, value] of Object.entries(parameters)) instance[key.startsWith('$$') ? key.slice(1) : key] = revive(value, byInstance);
  }
  return instance;
}

function revive(value: JsonValue, byInstance: Map<string, { className: string; parameters: JsonValue }>): unknown {
  if (Array.isArray(value)) return value.map((item) => revive(item, byInstance));
  if (value && typeof value === 'object') {
    const nested = value as Record<string, JsonValue>;
    if (typeof nested.$data === 'string' && typeof nested.instanceHash === 'string' && Object.keys(nested).length === 2) {
      const found = byInstance.get(nested.instanceHash);
      if (!found) throw new Error(`its parameter of class ${nested.$data} (instance ${nested.instanceHash.slice(0, 12)}) has no entry in this cache to rebuild it from`);
      return rebuild(found.className, found.parameters, byInstance);
    }
    return Object.fromEntries(Object.entries(nested).map(([key, item]) => [key, revive(item, byInstance)]));
  }
  return value;
}
