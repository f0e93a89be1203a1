import { FingerprintError } from '../errors.js';
import type { InputDigest, InputHasher, InputRef } from './input-hasher.js';
import { WebInputHasher } from './input-hasher-web.js';
import { nestedInstances, parameterValues } from './parameters.js';
import { type ClassRegistry, defaultRegistry } from './registry.js';

/**
 * Input digests hashed ahead of time, so an instance can be described synchronously (the
 * pipeline needs a cache key inside `getProcessedPath(spec)`). Kept per input hasher, so digests
 * from one cache root's hasher never answer for another's. Strings and URLs are keyed by their
 * text, Blobs and byte arrays by identity.
 */
class PreparedDigests {
  private readonly byText = new Map<string, InputDigest>();
  private readonly byObject = new WeakMap<object, InputDigest>();

  get(ref: InputRef): InputDigest | undefined {
    return typeof ref === 'string' || ref instanceof URL ? this.byText.get(String(ref)) : this.byObject.get(ref);
  }

  set(ref: InputRef, digest: InputDigest): void {
    if (typeof ref === 'string' || ref instanceof URL) this.byText.set(String(ref), digest);
    else this.byObject.set(ref, digest);
  }
}

/** Digests of required inputs, and of optional ones (absent is a digest there, an error here). */
const prepared = new WeakMap<InputHasher, { required: PreparedDigests; optional: PreparedDigests }>();

/** The hasher used when none is given: stateless, so one is enough. */
export const defaultInputHasher: InputHasher = new WebInputHasher();

function preparedFor(hasher: InputHasher, optional: boolean): PreparedDigests {
  let digests = prepared.get(hasher);
  if (!digests) prepared.set(hasher, (digests = { required: new PreparedDigests(), optional: new PreparedDigests() }));
  return optional ? digests.optional : digests.required;
}

/**
 * Hashes the inputs (and optional inputs) of an instance's processor and of the processors of
 * the `Data` instances among its parameters (transitively), so `describeSync` can run. Always
 * hashes again (a `NodeInputHasher` makes that cheap): call it before describing, whenever inputs
 * may have changed.
 *
 * @example
 * await prepareInputs(slope, { inputHasher });
 * const record = describeSync(slope, spec, { inputHasher });
 */
export async function prepareInputs(
  instance: object,
  options: { registry?: ClassRegistry; inputHasher?: InputHasher } = {},
): Promise<void> {
  const registry = options.registry ?? defaultRegistry;
  const hasher = options.inputHasher ?? defaultInputHasher;
  const seen = new Set<object>();
  const refs: InputRef[] = [];
  const optionalRefs: InputRef[] = [];
  const visit = (current: object): void => {
    if (seen.has(current)) return;
    seen.add(current);
    refs.push(...inputsOf(current, 'inputs'));
    optionalRefs.push(...inputsOf(current, 'optionalInputs'));
    nestedInstances(parameterValues(current), registry).forEach(visit);
  };
  visit(instance);
  const required = preparedFor(hasher, false);
  const optional = preparedFor(hasher, true);
  await Promise.all([
    ...refs.map(async (ref) => required.set(ref, await hasher.hash(ref))),
    ...optionalRefs.map(async (ref) => optional.set(ref, await hasher.hash(ref, { optional: true }))),
  ]);
}

/** The digest `prepareInputs` computed for `ref` (an optional input or not) with `hasher`; an error naming the class if none. */
export function preparedDigest(hasher: InputHasher, ref: InputRef, className: string, optional = false): InputDigest {
  const digest = preparedFor(hasher, optional).get(ref);
  if (!digest) {
    const shown = typeof ref === 'string' || ref instanceof URL ? String(ref) : `a ${ref.constructor.name}`;
    throw new FingerprintError(
      `Cannot fingerprint ${className} synchronously: its input ${shown} has not been hashed yet. ` +
        'Call `await process(instance, spec)` (or load) before getProcessedPath(); in the fingerprint API, ' +
        'await prepareInputs(instance, options) with the same input hasher first, or use describe().',
    );
  }
  return digest;
}

// A broken processor is reported by describeSync, with the class name; here it has no inputs.
function inputsOf(instance: object, method: 'inputs' | 'optionalInputs'): InputRef[] {
  try {
    const processor = (instance as { processor?: Record<string, unknown> }).processor;
    const list = processor?.[method];
    const refs = typeof list === 'function' ? (list as () => unknown).call(processor) : [];
    return Array.isArray(refs) ? (refs as InputRef[]) : [];
  } catch {
    return [];
  }
}
