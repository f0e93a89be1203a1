import { describe, expect, it } from 'vitest';
import { bestPatternMatch } from '../../src/fingerprint/pattern-match.js';

describe('bestPatternMatch', () => {
  it('prefers a key without * equal to the specifier over any pattern', () => {
    expect(bestPatternMatch(['#lib/*', '#lib/grid.js'], '#lib/grid.js')).toEqual({ key: '#lib/grid.js', matched: '' });
  });

  it('takes the pattern whose text before the * is longest, whatever the order of the keys', () => {
    expect(bestPatternMatch(['#lib/util/*', '#lib/*'], '#lib/util/grid.js')).toEqual({ key: '#lib/util/*', matched: 'grid.js' });
    expect(bestPatternMatch(['#lib/*', '#lib/util/*'], '#lib/util/grid.js')).toEqual({ key: '#lib/util/*', matched: 'grid.js' });
  });

  it('matches the text after the * too', () => {
    expect(bestPatternMatch(['@app/*.js'], '@app/steps/slope.js')).toEqual({ key: '@app/*.js', matched: 'steps/slope' });
    expect(bestPatternMatch(['@app/*.js'], '@app/steps/slope.ts')).toBeUndefined();
  });

  it('never lets prefix and suffix overlap in a short specifier', () => {
    expect(bestPatternMatch(['#ab*ba'], '#aba')).toBeUndefined();
    expect(bestPatternMatch(['#ab*ba'], '#abba')).toEqual({ key: '#ab*ba', matched: '' });
  });

  it('ignores keys with more than one *, as Node and TypeScript do', () => {
    expect(bestPatternMatch(['#lib/*/*'], '#lib/a/b')).toBeUndefined();
  });
});
