// scopeAt: the innermost scope at an offset, found by halves among ordered scopes and one by one
// where an arrow function in a `switch` head makes a scope that overlaps its sibling.
import { describe, expect, it } from 'vitest';
import { parseModule, scopeAt } from '../../src/fingerprint/module-parse.js';

function parsed(text: string) {
  const module = parseModule({ url: '/virtual/module.mjs', text, version: '1' });
  if (!module) throw new Error('the test module does not parse');
  const at = (marker: string) => scopeAt(module, text.indexOf(marker));
  return { module, at };
}

describe('scopeAt', () => {
  it('finds the innermost scope among many ordered ones, and the module outside them', () => {
    const methods = Array.from({ length: 50 }, (_, i) => `  m${i}(a${i}) { return a${i} + ${i}; }`).join('\n');
    const { module, at } = parsed(`const top = 1;\nexport class Many {\n${methods}\n}\nfunction after(z) { { let inner = z; return inner; } }\n`);
    expect(module.scope.children.length).toBe(51);
    expect([...at('return a37').bindings.keys()]).toEqual(['a37']);
    expect([...at('return a0').bindings.keys()]).toEqual(['a0']);
    expect([...at('return inner').bindings.keys()]).toEqual(['inner']);
    expect(at('top = 1')).toBe(module.scope);
    expect(at('export class Many')).toBe(module.scope);
  });

  it('takes the first scope that contains the offset where scopes overlap', () => {
    const { module, at } = parsed(`switch (((key) => key)(1)) {\n  case 1: { let chosen = 1; break; }\n}\n`);
    // The arrow's scope comes first, then the switch's, which contains it.
    const [arrow, cases] = module.scope.children;
    expect([...arrow!.bindings.keys()]).toEqual(['key']);
    expect(cases!.start).toBeLessThan(arrow!.start);
    expect(at('key)(1)')).toBe(arrow);
    expect([...at('chosen = 1').bindings.keys()]).toEqual(['chosen']);
    expect(at('case 1')).toBe(cases);
  });
});
