import { FingerprintError } from '../errors.js';
import { type JsonValue, childPath, toCanonicalValue } from './canonical-json.js';
import type { ClassRegistry } from './registry.js';

/**
 * The parameters of a `Data` instance: its own enumerable properties whose names do not start
 * with `_`. Getters and statics live elsewhere and are not parameters; `processor` is not one
 * either (it is fingerprinted as the processor).
 *
 * @example
 * class Slope extends Data { constructor(public zFactor = 1, private _cache?: Raster) { super(); } }
 * parameterValues(new Slope(2)); // { zFactor: 2 }
 */
export function parameterValues(instance: object): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(instance)) {
    if (key.startsWith('_') || key === 'processor') continue;
    values[key] = (instance as Record<string, unknown>)[key];
  }
  return values;
}

/** Whether `value` is an instance of a registered class (a nested `Data`). */
export function isRegisteredInstance(value: unknown, registry: ClassRegistry): value is object {
  return typeof value === 'object' && value !== null && registry.nameOf(value.constructor) !== undefined;
}

/**
 * The registered-class instances reachable from `value` through arrays and plain objects, in
 * the order they are met, each once. Their instance hashes are needed before the parameters
 * can be made canonical.
 */
export function nestedInstances(value: unknown, registry: ClassRegistry): object[] {
  const found: object[] = [];
  const seen = new Set<object>();
  const walk = (item: unknown): void => {
    if (typeof item !== 'object' || item === null || seen.has(item)) return;
    seen.add(item);
    if (Array.isArray(item)) {
      item.forEach(walk);
    } else if (isRegisteredInstance(item, registry)) {
      found.push(item);
    } else if (Object.getPrototypeOf(item) === Object.prototype || Object.getPrototypeOf(item) === null) {
      Object.values(item).forEach(walk);
    }
  };
  walk(value);
  return found;
}

/**
 * The canonical JSON value of an instance's parameters. Nested registered instances become
 * `{ "$data": className, "instanceHash": … }`, using `instanceHashes` (computed beforehand from
 * `nestedInstances`). Other rules are those of `toCanonicalValue`; errors name the path
 * (`params.options.callback`) and the class.
 *
 * @example
 * canonicalParameters(new Slope(new Elevation()), registry, hashes);
 * // { dem: { $data: 'Elevation', instanceHash: '…' } }
 */
export function canonicalParameters(
  instance: object,
  owner: string,
  registry: ClassRegistry,
  instanceHashes: ReadonlyMap<object, string>,
): JsonValue {
  const special = (value: object): JsonValue | undefined => {
    if (!isRegisteredInstance(value, registry)) return undefined;
    const instanceHash = instanceHashes.get(value);
    if (instanceHash === undefined) throw new FingerprintError(`Internal error: no instance hash was computed for a nested parameter of ${owner}.`);
    return { $data: registry.nameOf(value.constructor) as string, instanceHash };
  };
  const values = parameterValues(instance);
  const result: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(values)) {
    const converted = toCanonicalValue(values[key], childPath('params', key), { owner, special });
    if (converted !== undefined) result[key.startsWith('$') ? `$${key}` : key] = converted;
  }
  return result;
}
