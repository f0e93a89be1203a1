/**
 * Fingerprints: what identifies a cache entry. A class's code (canonical AST, the same under
 * every toolchain), its dependencies, its parameters, its processor and input contents, and the
 * spec. Web standards only; the Node input hasher is in `./input-hasher-node.js`.
 */
export { FINGERPRINT_FORMAT_VERSION } from './record.js';
export type {
  ChainLink,
  DependencyKind,
  EdgeKind,
  Fingerprint,
  InstanceRecord,
  ProcessorRecord,
  RecordedChange,
  StaleReason,
  TreeRecord,
  UnhashedReference,
} from './record.js';
export { ClassRegistry, defaultRegistry, type RegistrySnapshot, isFrameworkBase, isLibraryClass, markFrameworkBase, markLibraryClass, register } from './registry.js';
export { canonicalSourceText, freeIdentifiers, sourceHash, type Code } from './source-hash.js';
export { dependencyTree } from './dependencies.js';
export { canonicalJson, canonicalJsonHash, toCanonicalValue, type CanonicalValueOptions, type JsonValue } from './canonical-json.js';
export { canonicalParameters, parameterValues } from './parameters.js';
export { describe, describeSync, fingerprint, type FingerprintOptions } from './fingerprint.js';
export { prepareInputs } from './prepared-inputs.js';
export { compareRecords } from './compare-records.js';
export type { InputDigest, InputHasher, InputRef } from './input-hasher.js';
export { WebInputHasher } from './input-hasher-web.js';
export { sha256Hex } from '../sha256.js';
