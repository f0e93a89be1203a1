import { getConfig } from '../config.js';
import type { Tracked } from '../data/tracked.js';
import { snakeCase } from '../data/naming.js';
import { defaultRegistry, describeSync, prepareInputs, type FingerprintOptions, type InstanceRecord, type JsonValue } from '../fingerprint/index.js';
import { defaultModuleReader } from '../fingerprint/module-reader.js';
import { prepareModules } from '../fingerprint/prepared-modules.js';
import { PipelineError } from '../errors.js';
import { getPlatform } from '../platform.js';
import { META_FILE, PARAMETERS_FILE, SPEC_FILE } from './layout.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';

/** Everything that identifies one cache entry, with the record it was computed from. */
export interface Identity {
  className: string;
  objectType: 'data' | 'figure';
  sourceHash: string;
  depTreeHash: string;
  instanceHash: string;
  stateHash: string;
  paramsHash: string;
  specHash: string;
  parameters: JsonValue;
  record: InstanceRecord;
}

/** The fingerprint options the pipeline uses: configured strictness, the platform's input hasher. */
export function fingerprintOptions(): FingerprintOptions {
  return {
    strict: getConfig().strictFingerprints,
    inputHasher: inputHasher(),
  };
}

/**
 * The input hasher of the configured store: a filesystem store keeps the digests it remembers
 * between runs beside its code registry (`.source/input-digests.json`); other stores in memory.
 */
export function inputHasher() {
  const { store, layout } = getConfig();
  return getPlatform().inputHasher(store.localPath?.(`${layout.source}/input-digests.json`));
}

/** Hashes the inputs an instance (and its Data parameters) read, so `identify` can run synchronously. */
export async function prepareIdentity(instance: Tracked): Promise<void> {
  const options = fingerprintOptions();
  await prepareInputs(instance, options);
  // Fingerprints read the modules classes are written in: a browser fetches them here.
  await prepareModules(defaultRegistry, defaultModuleReader());
}

/**
 * The identity of `instance` at `spec`, synchronously (inputs must have been prepared: `process`
 * and `load` do it; `getProcessedPath` after `await process(...)` finds them prepared).
 */
export function identify(instance: Tracked, spec: SpatialSpec): Identity {
  const record = describeSync(instance, spec, fingerprintOptions());
  const objectType = (instance.constructor as { objectType?: 'data' | 'figure' }).objectType ?? 'data';
  return {
    className: record.className,
    objectType,
    sourceHash: record.sourceHash,
    depTreeHash: record.depTreeHash,
    instanceHash: record.instanceHash,
    stateHash: record.stateHash!,
    paramsHash: record.paramsHash,
    specHash: record.specHash!,
    parameters: record.parameters,
    record,
  };
}

/** `snake_case_class_name.ext`; a name that would overwrite an entry's own files is refused. */
export function outputFileName(instance: Tracked): string {
  const ext = String(instance.ext).replace(/^\./, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ext)) {
    throw new PipelineError(`${instance.constructor.name}.ext is ${JSON.stringify(instance.ext)}: give an extension such as "tif", "png" or "json"`);
  }
  const name = `${snakeCase(instance.constructor.name)}.${ext}`;
  if ([META_FILE, PARAMETERS_FILE, SPEC_FILE].includes(name)) {
    throw new PipelineError(`${instance.constructor.name} would write its output to ${name}, which is one of the entry's own files: rename the class or change its ext`);
  }
  return name;
}

/** The Data instances among the parameters of `instance` (not nested further). */
function dataParameters(instance: Tracked): Tracked[] {
  const found: Tracked[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || !value || typeof value !== 'object') return;
    if (typeof (value as Tracked).getProcessedPath === 'function' && value !== instance) {
      found.push(value as Tracked);
      return;
    }
    if (Array.isArray(value)) value.forEach((v) => visit(v, depth + 1));
    else if (Object.getPrototypeOf(value) === Object.prototype) Object.values(value).forEach((v) => visit(v, depth + 1));
  };
  for (const [key, value] of Object.entries(instance)) if (!key.startsWith('_')) visit(value, 0);
  return found;
}

/** State hashes of the Data parameters of `instance` at the same spec: its upstream entries. */
export function upstreamOf(instance: Tracked, spec: SpatialSpec): string[] {
  return [...new Set(dataParameters(instance).map((nested) => identify(nested, spec).stateHash))];
}

/**
 * What the instance hash covers beyond the class's own dependency tree, so the cache manager can
 * tell an entry stale without the instance: every processor's code (the instance's and its Data
 * parameters', registered or not) and the dependency tree of every Data parameter's class.
 */
export interface KeyDependencies {
  processors: Array<{ class_name: string; source_hash: string; dep_tree_hash?: string }>;
  /** Class name of each Data parameter (at any depth) → its dep_tree_hash. */
  classes: Record<string, string>;
}

export function keyDependencies(identity: Identity, instance: Tracked, spec: SpatialSpec): KeyDependencies {
  const processors = new Map<string, KeyDependencies['processors'][number]>();
  const classes: Record<string, string> = {};
  const visit = (record: InstanceRecord, of: Tracked, depth: number): void => {
    const p = record.processor;
    if (p) processors.set(`${p.className}\0${p.sourceHash}`, { class_name: p.className, source_hash: p.sourceHash, ...(p.depTreeHash ? { dep_tree_hash: p.depTreeHash } : {}) });
    if (depth > 16) return;
    for (const nested of dataParameters(of)) {
      const nestedIdentity = identify(nested, spec);
      classes[nestedIdentity.className] = nestedIdentity.depTreeHash;
      visit(nestedIdentity.record, nested, depth + 1);
    }
  };
  visit(identity.record, instance, 0);
  return { processors: [...processors.values()].sort((a, b) => (a.class_name < b.class_name ? -1 : 1)), classes };
}
