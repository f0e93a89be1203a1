import { describe, expect, it } from 'vitest';
import { FileError, GdalError, InvalidInputError } from '../../src/errors.js';
import { deserializeError, serializeError } from '../../wasm/worker-protocol.js';

/** An error as the page sees it after it crossed the worker boundary (structured clone included). */
const acrossTheBoundary = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

describe('errors crossing the worker boundary', () => {
  it('come back as TypeError, RangeError, SyntaxError and URIError, so instanceof works in the page', () => {
    for (const Class of [TypeError, RangeError, SyntaxError, URIError, ReferenceError, EvalError]) {
      const back = acrossTheBoundary(new Class('bad value: 42'));
      expect(back).toBeInstanceOf(Class);
      expect([back.name, back.message]).toEqual([Class.name, 'bad value: 42']);
    }
  });

  it('keep geodata classes with their fields, and causes of a native class', () => {
    const back = acrossTheBoundary(new FileError('cannot read /in/a.tif', '/in/a.tif', { cause: new RangeError('offset out of bounds') }));
    expect(back).toBeInstanceOf(FileError);
    expect((back as FileError).path).toBe('/in/a.tif');
    expect(back.cause).toBeInstanceOf(RangeError);
    expect(acrossTheBoundary(new GdalError('warp failed', { operation: 'warp' }))).toBeInstanceOf(GdalError);
    expect(acrossTheBoundary(new InvalidInputError('no'))).toBeInstanceOf(InvalidInputError);
  });

  it('give an error of an unknown class a plain Error with that name, not a class looked up on Object.prototype', () => {
    for (const name of ['AggregateErrorOfMine', 'toString', 'constructor']) {
      const back = deserializeError({ name, message: 'odd' });
      expect(back.constructor).toBe(Error);
      expect([back.name, back.message]).toEqual([name, 'odd']);
    }
  });
});
