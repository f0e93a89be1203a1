import {
  describe as describeWith,
  fingerprint as fingerprintWith,
  type Fingerprint,
  type FingerprintOptions,
  type InstanceRecord,
} from '../fingerprint/index.js';
import { SpatialSpec, type SpatialSpecJSON } from '../spec/spatial-spec.js';
import { fingerprintOptions } from './identity.js';

/** A spec, its JSON form (`spec.json`) or that JSON as text: all name the same cache entry. */
export type SpecLike = SpatialSpec | SpatialSpecJSON | string;

/**
 * The hashes `load` and `process` use for `instance`: `sourceHash`, `depTreeHash`,
 * `instanceHash` and, given a spec, `stateHash`, the name of the cache entry. Uses the configured
 * `strictFingerprints` and the platform's input hasher (file paths in Node); `options` override.
 *
 * @example
 * const { stateHash } = await fingerprint(new SlopeLoader(), spec);
 * // data_processed/${stateHash}/ holds its output once loaded
 */
export function fingerprint(instance: object, spec?: SpecLike, options: FingerprintOptions = {}): Promise<Fingerprint> {
  return fingerprintWith(instance, asSpec(spec), { ...fingerprintOptions(), ...options });
}

/**
 * Everything that went into `fingerprint(instance, spec)`: class sources, the dependency tree,
 * parameters, processor and input digests, as stored in the entry's `meta.json`.
 *
 * @example
 * (await fingerprintRecord(new SlopeLoader())).tree.nodes; // { SlopeLoader: …, ElevationLoader: … }
 */
export function describe(instance: object, spec?: SpecLike, options: FingerprintOptions = {}): Promise<InstanceRecord> {
  return describeWith(instance, asSpec(spec), { ...fingerprintOptions(), ...options });
}

function asSpec(spec: SpecLike | undefined): SpatialSpec | undefined {
  if (spec === undefined || spec instanceof SpatialSpec) return spec;
  return SpatialSpec.fromJSON(spec);
}
