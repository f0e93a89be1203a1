/**
 * Refusing option keys a function does not know: a typo such as `resampleing` or `colourmap`
 * would otherwise be ignored silently and the default used.
 */
import { InvalidInputError, describeValue } from './errors.js';

/** Throws when `options` has keys `who` does not know, naming them and the known ones. */
export function checkOptionKeys(options: unknown, known: readonly string[], who: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (!options || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidInputError(`${who} options must be an object, got ${describeValue(options)}`);
  }
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length) {
    throw new InvalidInputError(`${who} got unknown option(s) ${unknown.join(', ')}; it takes ${known.join(', ')}`);
  }
  return options as Record<string, unknown>;
}

