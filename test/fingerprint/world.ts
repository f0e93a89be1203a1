import { ClassRegistry, markFrameworkBase, register } from '../../src/fingerprint/index.js';

/** Stands in for the library's `Data` base class in fingerprint tests. */
export class Data {}
markFrameworkBase(Data);

/**
 * Evaluates source text (real code, so edits to it are real code edits) with `Data` and the given
 * names in scope. The text ends with `return { … }`; every class it returns is registered in a
 * new registry, in the order given by `order` (default: as returned).
 *
 * @example
 * const { classes, registry } = buildWorld('class A extends Data {} return { A };');
 */
export function buildWorld(
  source: string,
  scope: Record<string, unknown> = {},
  order?: string[],
): { classes: Record<string, any>; registry: ClassRegistry } {
  const names = ['Data', ...Object.keys(scope)];
  const values = [Data, ...Object.values(scope)];
  const classes = new Function(...names, source)(...values) as Record<string, any>;
  const registry = new ClassRegistry();
  for (const name of order ?? Object.keys(classes)) {
    const value = classes[name];
    if (typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value)) && !value.unregistered) {
      register(value, undefined, registry);
    }
  }
  return { classes, registry };
}
