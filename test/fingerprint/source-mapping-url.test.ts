import { describe, expect, it } from 'vitest';
import { sourceMappingUrl } from '../../src/fingerprint/source-map.js';

/** The definition: the last match of the comment's regular expression over the whole text. */
function byRegex(text: string): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(/[#@]\s*sourceMappingURL=(\S+)\s*(?:\*\/\s*)?$/gm)) found = match[1];
  return found;
}

describe('sourceMappingUrl', () => {
  it('takes the last comment, line or block, with # or @', () => {
    expect(sourceMappingUrl('a\n//# sourceMappingURL=a.map\nb\n//@ sourceMappingURL=b.map\n')).toBe('b.map');
    expect(sourceMappingUrl('x\n/*# sourceMappingURL=c.map */\n')).toBe('c.map');
    expect(sourceMappingUrl('const s = "sourceMappingURL=nope";\n')).toBeUndefined();
    expect(sourceMappingUrl('//# sourceMappingURL=a.map trailing\n')).toBeUndefined();
  });

  it('gives what the regular expression over the whole text gives, on texts made of its tricky pieces', () => {
    const pieces = ['#', '@', ' ', '\n', '\r\n', '\t', 'sourceMappingURL=', 'a.map', '*/', 'x', '#sourceMappingURL=b', '\u2028', '//', '='];
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    let compared = 0;
    for (let i = 0; i < 20000; i++) {
      const length = 1 + Math.floor(random() * 12);
      let text = '';
      for (let j = 0; j < length; j++) text += pieces[Math.floor(random() * pieces.length)]!;
      expect(sourceMappingUrl(text), JSON.stringify(text)).toBe(byRegex(text));
      if (byRegex(text) !== undefined) compared += 1;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
