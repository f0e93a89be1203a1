/**
 * What was passed where a Data or Figure instance belongs, when it is something else: the class
 * itself (`load(SlopeLoader)`), a path (`load('dem.tif')`) or another object. Shared by `load`,
 * `produce`, `explain` and `fingerprint`, so each names the mix-up and the fix the same way.
 */
import { describeValue } from './errors.js';

/**
 * Undefined for something that looks like a pipeline instance (it has `getProcessedPath`), else
 * a phrase naming what it is and what to pass instead.
 * @example instanceMixup(SlopeLoader) // 'the class SlopeLoader itself; pass an instance: new SlopeLoader(...)'
 */
export function instanceMixup(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && typeof (value as { getProcessedPath?: unknown }).getProcessedPath === 'function') return undefined;
  if (typeof value === 'function') {
    const prototype = (value as { prototype?: { getProcessedPath?: unknown } }).prototype;
    if (typeof prototype?.getProcessedPath === 'function') return `the class ${value.name} itself; pass an instance: new ${value.name}(...)`;
  }
  const plain = typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
  const shown =
    plain ? 'a plain object'
    : value === undefined || value === null ? String(value)
    : typeof value === 'object' ? describeValue(value)
    : `${describeValue(value)} (a ${typeof value})`;
  const hint = typeof value === 'string' ? '; a file is read through a class whose processor names it, e.g. new Reprojector(path)' : '';
  return `${shown}, not an instance of a Data or Figure subclass${hint}`;
}
