import { canonicalText } from './canonical-text.js';
import { FingerprintError } from '../errors.js';
import type { Processor } from '../processors/processor.js';
import { toCanonicalValue } from './canonical-json.js';
import { canonicalSource } from './canonical-source.js';
import { analyseClass } from './dependencies.js';
import { sha256Hex } from '../sha256.js';
import { ABSENT_SHA256, type InputDigest, type InputHasher } from './input-hasher.js';
import { defaultModuleReader, type ModuleReader } from './module-reader.js';
import { prepareModules } from './prepared-modules.js';
import { canonicalParameters, nestedInstances, parameterValues } from './parameters.js';
import { defaultInputHasher, preparedDigest, prepareInputs } from './prepared-inputs.js';
import {
  FINGERPRINT_FORMAT_VERSION,
  type Fingerprint,
  type InstanceRecord,
  type ProcessorRecord,
  type UnhashedReference,
} from './record.js';
import { type ClassRegistry, defaultRegistry } from './registry.js';
import { instanceMixup } from '../instance-mixup.js';

/** Options of `fingerprint`, `describe` and `describeSync` (`prepareInputs` uses `registry` and `inputHasher`). */
export interface FingerprintOptions {
  /** Where class names resolve; `defaultRegistry` unless given. */
  registry?: ClassRegistry;
  /** Make an unhashed reference a `FingerprintError` instead of a note in the record. */
  strict?: boolean;
  /** Free names that are fine unhashed, beyond globals and geodata's own exports. */
  knownNames?: Iterable<string>;
  /** Hashes processor inputs; a `WebInputHasher` (Blobs and bytes only) unless given. */
  inputHasher?: InputHasher;
  /**
   * Reads the modules classes are written in, to resolve their free names there; the platform's
   * unless given (a `NodeModuleReader` in Node, a `FetchModuleReader` in browsers, installed by
   * the package entry). Without any, names resolve through `uses`, the registry and their spelling.
   */
  moduleReader?: ModuleReader;
}

/**
 * The hashes of an instance: `sourceHash` (its class's own code), `depTreeHash` (that code and
 * everything it depends on), `instanceHash` (plus parameters, processor and input contents) and,
 * given a spec, `stateHash` (plus the spec: the cache key).
 *
 * @example
 * const { stateHash } = await fingerprint(new SlopeLoader(), spec, { inputHasher: new NodeInputHasher() });
 */
export async function fingerprint(instance: object, spec?: unknown, options: FingerprintOptions = {}): Promise<Fingerprint> {
  const record = await describe(instance, spec, options);
  const hashes: Fingerprint = {
    sourceHash: record.sourceHash,
    depTreeHash: record.depTreeHash,
    instanceHash: record.instanceHash,
  };
  if (record.stateHash !== undefined) hashes.stateHash = record.stateHash;
  return hashes;
}

/**
 * Everything that went into an instance's hashes, as a JSON-able record to store next to a cache
 * entry and to compare later with `compareRecords`. Hashes the inputs, then `describeSync`.
 *
 * @example
 * const record = await describe(new SlopeLoader(), spec);
 * record.tree.nodes; // { SlopeLoader: …, ElevationLoader: … }
 */
export async function describe(instance: object, spec?: unknown, options: FingerprintOptions = {}): Promise<InstanceRecord> {
  await prepareInputs(instance, options);
  await prepareModules(options.registry ?? defaultRegistry, moduleReaderOf(options));
  return describeSync(instance, spec, options);
}

/**
 * `describe` without waiting: input contents come from an earlier `prepareInputs` with the same
 * input hasher (a `FingerprintError` says so when one is missing). Code, parameters and spec are
 * hashed synchronously anyway.
 *
 * @example
 * await prepareInputs(slope, options);
 * describeSync(slope, spec, options).stateHash;
 */
export function describeSync(instance: object, spec?: unknown, options: FingerprintOptions = {}): InstanceRecord {
  // A new Describer each call: its records are this call's own to complete.
  const record = new Describer(options).describe(instance, 'the instance');
  if (spec === undefined) return record;
  const specValue = toCanonicalValue(gridOf(spec), 'spec', { owner: record.className }) ?? null;
  const specHash = sha256Hex(canonicalText(specValue) as string);
  const stateHash = sha256Hex(
    canonicalText({ format_version: FINGERPRINT_FORMAT_VERSION, instanceHash: record.instanceHash, specHash }) as string,
  );
  return Object.assign(record, { stateHash, specHash, spec: specValue });
}

/**
 * What of a spec the state hash covers. A `SpatialSpec` (anything with `toCanonicalJSON`) counts by
 * its canonical grid only (crs, transform, shape), so the hash is the cache key whether the caller
 * passes the spec or its JSON, and derived values (bounds, resolution) cannot make it differ.
 */
function gridOf(spec: unknown): unknown {
  const canonical = (spec as { toCanonicalJSON?: unknown } | null)?.toCanonicalJSON;
  return typeof canonical === 'function' ? JSON.parse(canonical.call(spec) as string) : spec;
}

class Describer {
  private readonly registry: ClassRegistry;
  private readonly knownNames: ReadonlySet<string>;
  private readonly inputHasher: InputHasher;
  private readonly records = new Map<object, InstanceRecord>();
  private readonly inProgress = new Set<object>();

  constructor(private readonly options: FingerprintOptions) {
    this.registry = options.registry ?? defaultRegistry;
    this.knownNames = new Set(options.knownNames ?? []);
    this.inputHasher = options.inputHasher ?? defaultInputHasher;
  }

  describe(instance: object, path: string): InstanceRecord {
    if (this.inProgress.has(instance)) {
      throw new FingerprintError(
        `Cannot fingerprint ${instance.constructor.name}: ${path} contains the instance itself ` +
          '(Data parameters form a cycle). Break the cycle; a pipeline step cannot depend on itself.',
      );
    }
    let record = this.records.get(instance);
    if (!record) {
      this.inProgress.add(instance);
      try {
        record = this.build(instance);
      } finally {
        this.inProgress.delete(instance);
      }
      this.records.set(instance, record);
    }
    return record;
  }

  private build(instance: object): InstanceRecord {
    const cls = instance.constructor as (new (...args: never[]) => object) | undefined;
    const className = cls ? this.registry.nameOf(cls) : undefined;
    if (!cls || className === undefined) {
      // A path or the class itself, rather than an unregistered class's instance.
      const mixup = typeof instance !== 'object' ? instanceMixup(instance) : undefined;
      if (mixup) throw new FingerprintError(`Cannot fingerprint ${mixup}`);
      const shown = cls?.name || 'an anonymous class';
      throw new FingerprintError(
        `Cannot fingerprint an instance of ${shown}: the class is not registered. ` +
          `Decorate it with @register or call register(${cls?.name || 'TheClass'}).`,
      );
    }
    const analysis = analyseClass(cls, this.registry, moduleReaderOf(this.options));
    const unhashed = analysis.unresolved.filter((ref) => !this.knownNames.has(ref.identifier));
    if (this.options.strict) this.enforceStrict(unhashed);
    const hashes = new Map<object, string>();
    for (const nested of nestedInstances(parameterValues(instance), this.registry)) {
      const nestedRecord = this.describe(nested, `a parameter of ${className}`);
      hashes.set(nested, nestedRecord.instanceHash);
      unhashed.push(...nestedRecord.unhashed);
    }
    const parameters = canonicalParameters(instance, className, this.registry, hashes);
    const paramsHash = sha256Hex(canonicalText(parameters) as string);
    const processor = this.processorOf(instance, className);
    const { inputs, hashed } = processor ? this.inputDigests(processor.instance, className) : { inputs: [], hashed: [] };
    const instanceHash = sha256Hex(
      canonicalText({
        format_version: FINGERPRINT_FORMAT_VERSION,
        className,
        depTreeHash: analysis.depTreeHash,
        paramsHash,
        processor: processor?.record ?? null,
        inputs: hashed,
      }) as string,
    );
    const record: InstanceRecord = {
      format_version: FINGERPRINT_FORMAT_VERSION,
      className,
      sourceHash: analysis.sourceHash,
      depTreeHash: analysis.depTreeHash,
      instanceHash,
      paramsHash,
      parameters,
      inputs,
      // Read when needed (stored with an entry, compared by explain): the record of every Data
      // parameter down a chain is made too, and building each one's tree would cost O(N²).
      get tree() {
        return analysis.tree;
      },
      unhashed: dedupe(unhashed),
    };
    if (processor) record.processor = processor.record;
    return record;
  }

  private enforceStrict(unhashed: UnhashedReference[]): void {
    const [first, ...others] = dedupe(unhashed);
    if (!this.options.strict || !first) return;
    const where = first.className.includes('.uses.') ? `the helper ${first.className}` : first.className;
    const also = others.length ? ` Also unhashed: ${others.map((ref) => `${ref.className} → ${ref.identifier}`).join(', ')}.` : '';
    if (first.identifier.startsWith('#')) {
      throw new FingerprintError(
        `${where} has the private field ${first.identifier}: what it holds is invisible to the fingerprint, ` +
          `so a different value would give the same cache entry. Make it a public property (a parameter).${also}`,
      );
    }
    const fix = first.className.includes('.uses.')
      ? `give the helper its own uses (helper.uses = { ${first.identifier} })`
      : `add it to \`static uses = { ${first.identifier} }\`, or to \`static external = ['${first.identifier}']\` to leave a Node builtin or package function out of the fingerprint on purpose`;
    throw new FingerprintError(
      `${where} refers to "${first.identifier}", which ${first.reason ?? 'is not local, not a JavaScript global, not a registered class and not declared in uses'}, ` +
        `so its code is not part of the fingerprint. ` +
        `To fix: ${fix}, or register it if it is a class.${also}`,
    );
  }

  private processorOf(instance: object, className: string): { instance: Processor; record: ProcessorRecord } | undefined {
    let processor: unknown;
    try {
      processor = (instance as { processor?: unknown }).processor;
    } catch (error) {
      throw new FingerprintError(`Cannot fingerprint ${className}: its processor getter threw (${(error as Error).message}).`, {
        cause: error,
      });
    }
    if (processor === undefined || processor === null) return undefined;
    const candidate = processor as Partial<Processor>;
    if (typeof candidate.settings !== 'function' || typeof candidate.inputs !== 'function') {
      throw new FingerprintError(
        `Cannot fingerprint ${className}: its processor is not a Processor (it needs settings() and inputs() methods).`,
      );
    }
    const processorClass = (processor as object).constructor as new (...args: never[]) => object;
    const record: ProcessorRecord = {
      className: processorClass.name,
      sourceHash: canonicalSource(processorClass).hash,
      settings: toCanonicalValue(candidate.settings(), 'processor.settings', { owner: className }) ?? null,
    };
    // A registered processor class (a user's own) brings its helpers along; a library one is
    // identified by its own code.
    if (this.registry.nameOf(processorClass) !== undefined) {
      record.depTreeHash = analyseClass(processorClass, this.registry, moduleReaderOf(this.options)).depTreeHash;
    }
    return { instance: processor as Processor, record };
  }

  /**
   * The digests to record (inputs, then optional inputs, each followed by the files it references,
   * such as a VRT's sources) and what of them the instance hash covers: size and SHA-256, and for
   * an optional input its place in `optionalInputs()`. A file that does not exist is neither
   * recorded nor hashed: without its sidecars, a file path hashes as its bytes given as a Blob do,
   * and a sidecar that appears changes the hash.
   */
  private inputDigests(processor: Processor, className: string): { inputs: InputDigest[]; hashed: Array<Record<string, number | string>> } {
    const refs = processor.inputs();
    const optional = typeof processor.optionalInputs === 'function' ? processor.optionalInputs() : [];
    for (const [list, method] of [[refs, 'inputs'], [optional, 'optionalInputs']] as const) {
      if (!Array.isArray(list)) throw new FingerprintError(`Cannot fingerprint ${className}: its processor's ${method}() must return an array.`);
    }
    const inputs: InputDigest[] = [];
    const hashed: Array<Record<string, number | string>> = [];
    const add = ({ id, size, sha256, references }: InputDigest, slot: number | undefined): void => {
      if (sha256 === ABSENT_SHA256) return;
      inputs.push({ id, size, sha256 });
      hashed.push(slot === undefined ? { size, sha256 } : { optional: slot, size, sha256 });
      for (const reference of references ?? []) add(reference, slot);
    };
    for (const ref of refs) add(preparedDigest(this.inputHasher, ref, className), undefined);
    optional.forEach((ref, slot) => add(preparedDigest(this.inputHasher, ref, className, true), slot));
    return { inputs, hashed };
  }
}

function moduleReaderOf(options: FingerprintOptions): ModuleReader | undefined {
  return 'moduleReader' in options ? options.moduleReader : defaultModuleReader();
}

function dedupe(references: UnhashedReference[]): UnhashedReference[] {
  const byKey = new Map(references.map((ref) => [`${ref.className}\u0000${ref.identifier}`, ref]));
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, ref]) => ref);
}
