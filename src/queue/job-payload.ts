import type { Tracked } from '../data/tracked.js';
import { Aspect, ColorRelief, Hillshade, Roughness, Slope, TerrainDataset, Tpi, Tri } from '../datasets/terrain-datasets.js';
import { Mosaic } from '../datasets/mosaic.js';
import { defaultRegistry, register } from '../fingerprint/index.js';
import type { Identity } from '../pipeline/identity.js';
import { SpatialSpec, type SpatialSpecJSON } from '../spec/spatial-spec.js';
import { QueueError } from './queue-error.js';

/** Bump when the job layout changes: a worker refuses jobs of another format. */
export const JOB_FORMAT = 1;

/** A value as it travels in a job: JSON, with instances, specs and plain objects tagged. */
export type EncodedValue =
  | null
  | boolean
  | number
  | string
  | EncodedValue[]
  | { $instance: string; params: Record<string, EncodedValue> }
  | { $spec: SpatialSpecJSON }
  | { $object: Record<string, EncodedValue> }
  | { $undefined: true };

/** What a job carries: the entry's identity as the client computed it, and how to rebuild the instance. */
export interface JobPayload {
  format: number;
  className: string;
  stateHash: string;
  depTreeHash: string;
  instance: Extract<EncodedValue, { $instance: string }>;
  spec: SpatialSpecJSON;
  /** The digests of the instance's own inputs where the job was asked for: a worker names one that differs on its side. */
  inputs?: Array<{ id: string; size: number; sha256: string }>;
}

/** The job for one entry. Parameters must be JSON values, specs or registered instances (nested too). */
export function encodeJob(instance: Tracked, spec: SpatialSpec, identity: Identity): JobPayload {
  return {
    format: JOB_FORMAT,
    className: identity.className,
    stateHash: identity.stateHash,
    depTreeHash: identity.depTreeHash,
    instance: encodeInstance(instance, identity.className),
    spec: spec.toJSON(),
    inputs: identity.record.inputs.map(({ id, size, sha256 }) => ({ id, size, sha256 })),
  };
}

function encodeInstance(instance: object, path: string): Extract<EncodedValue, { $instance: string }> {
  const className = defaultRegistry.nameOf(instance.constructor);
  if (className === undefined) throw new QueueError(`${path} is a ${instance.constructor.name}, which is not registered: register it (@register) so a worker can rebuild it`);
  // An own `processor` is set by the constructor or a field initialiser, neither of which runs
  // where a worker rebuilds the instance: its rebuilt copy would have no processor.
  if (Object.hasOwn(instance, 'processor')) {
    throw new QueueError(
      `${path} (${className}) sets its processor as an instance property, which a job cannot carry: a worker rebuilds ${className} from its parameters without running its constructor or field initialisers; declare it as a getter instead (get processor() { return new Reprojector(this.path); })`,
    );
  }
  const params: Record<string, EncodedValue> = {};
  for (const [key, value] of Object.entries(instance)) {
    if (key.startsWith('_') || key === 'processor') continue;
    params[key] = encodeValue(value, `${path}.${key}`);
  }
  return { $instance: className, params };
}

function encodeValue(value: unknown, path: string): EncodedValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return { $undefined: true };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new QueueError(`${path} is ${value}, which a job cannot carry: use a finite number or null`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => encodeValue(item, `${path}[${i}]`));
  if (value instanceof SpatialSpec) return { $spec: value.toJSON() };
  if (typeof value === 'object' && defaultRegistry.nameOf(value.constructor) !== undefined) return encodeInstance(value, path);
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const object: Record<string, EncodedValue> = {};
    for (const [key, item] of Object.entries(value)) object[key] = encodeValue(item, `${path}.${key}`);
    return { $object: object };
  }
  const kind = typeof value === 'object' ? `a ${(value as object).constructor?.name ?? 'object'}` : `a ${typeof value}`;
  throw new QueueError(`${path} is ${kind}, which a job cannot carry to a worker: parameters sent to workers must be JSON values, SpatialSpecs or registered Data instances`);
}

/**
 * The instance a job describes, rebuilt from the worker's own registered classes: an object of
 * the class with the parameters set as own properties (the constructor does not run, as when
 * geodata reads an entry by hash). Throws a QueueError naming a class the worker lacks.
 */
export function decodeInstance(encoded: Extract<EncodedValue, { $instance: string }>): Tracked {
  return decodeValue(encoded, encoded.$instance) as Tracked;
}

function decodeValue(value: EncodedValue, path: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item, i) => decodeValue(item, `${path}[${i}]`));
  if ('$undefined' in value) return undefined;
  if ('$spec' in value) return SpatialSpec.fromJSON(value.$spec);
  if ('$object' in value) return Object.fromEntries(Object.entries(value.$object).map(([k, v]) => [k, decodeValue(v, `${path}.${k}`)]));
  const cls = defaultRegistry.get(value.$instance) ?? registerLibraryClass(value.$instance);
  if (!cls) {
    throw new QueueError(`the job needs class ${value.$instance} (${path}), which this worker's pipeline modules do not register: start the worker with the same pipeline module as the client`);
  }
  const instance = Object.create(cls.prototype as object) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value.params)) instance[key] = decodeValue(item, `${path}.${key}`);
  return instance;
}

/** Library Data classes register when first constructed; a worker rebuilding one from a job registers it here. */
const LIBRARY_CLASSES: Record<string, Function> = { Aspect, ColorRelief, Hillshade, Roughness, Slope, TerrainDataset, Tpi, Tri, Mosaic };

function registerLibraryClass(name: string): Function | undefined {
  const cls = LIBRARY_CLASSES[name];
  if (!cls) return undefined;
  // A base class first: the inheritance walk of fingerprints expects it registered.
  if (cls.prototype instanceof TerrainDataset && defaultRegistry.nameOf(TerrainDataset) === undefined) register(TerrainDataset);
  if (defaultRegistry.nameOf(cls) === undefined) register(cls);
  return cls;
}
