import { describe, expect, it } from 'vitest';
import { libraryNames } from '../../src/library-names.js';

describe('library names', () => {
  it('covers every export of the Node and browser entries, so calls to them are never reported as unhashed', async () => {
    const node = await import('../../src/node.js');
    const browser = await import('../../src/browser.js');
    const known = new Set(libraryNames());
    const missing = [...Object.keys(node), ...Object.keys(browser)].filter((name) => !known.has(name));
    expect(missing).toEqual([]);
  });
});
