import { getConfig } from '../config.js';
import type { Tracked } from '../data/tracked.js';
import { snakeCase } from '../data/naming.js';
import { describeSync, prepareInputs, type FingerprintOptions, type InstanceRecord, type JsonValue } from '../fingerprint/index.js';
import { getPlatform } from '../platform.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { addLibraryNames } from '../fingerprint/known-names.js';
import { libraryNames } from '../library-names.js';

let librarySet: ReadonlySet<string> | undefined;
// Bundlers may rename geodata's exports in a class body (`process2`); the fingerprint maps them back.
addLibraryNames((name) => (librarySet ??= new Set(libraryNames())).has(name));

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
    knownNames: libraryNames(),
    inputHasher: getPlatform().inputHasher(getConfig().root),
  };
}

/** Hashes the inputs an instance (and its Data parameters) read, so `identify` can run synchronously. */
export async function prepareIdentity(instance: Tracked): Promise<void> {
  await prepareInputs(instance, fingerprintOptions());
}

/**
 * The identity of `instance` at `spec`, synchronously (inputs must have been prepared: `process`
 * and `load` do it; `getProcessedPath` after `await process(...)` finds them prepared).
 */
export function identify(instance: Tracked, spec: SpatialSpec): Identity {
  const record = describeSync(instance, JSON.parse(spec.toCanonicalJSON()), fingerprintOptions());
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

/** `snake_case_class_name.ext` */
export function outputFileName(instance: Tracked): string {
  const ext = instance.ext.replace(/^\./, '');
  return `${snakeCase(instance.constructor.name)}.${ext}`;
}

/** State hashes of the Data parameters of `instance` at the same spec: its upstream entries. */
export function upstreamOf(instance: Tracked, spec: SpatialSpec): string[] {
  const hashes: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || !value || typeof value !== 'object') return;
    if (typeof (value as Tracked).getProcessedPath === 'function' && value !== instance) {
      hashes.push(identify(value as Tracked, spec).stateHash);
      return;
    }
    if (Array.isArray(value)) value.forEach((v) => visit(v, depth + 1));
    else if (Object.getPrototypeOf(value) === Object.prototype) Object.values(value).forEach((v) => visit(v, depth + 1));
  };
  for (const [key, value] of Object.entries(instance)) if (!key.startsWith('_')) visit(value, 0);
  return [...new Set(hashes)];
}
