import { describe, expect, it } from 'vitest';
import { LIBRARY_EXPORT_NAMES, isLibraryExport } from '../../src/library-names.js';

describe('library names', () => {
  it('are exactly the exports of the Node and browser entries, so the static list cannot drift from them', async () => {
    const node = await import('../../src/node.js');
    const browser = await import('../../src/browser.js');
    const exported = [...new Set([...Object.keys(node), ...Object.keys(browser)])].sort();
    expect([...LIBRARY_EXPORT_NAMES]).toEqual(exported);
  });

  it('tell an export from a name that only looks like one', () => {
    expect(isLibraryExport('process')).toBe(true);
    expect(isLibraryExport('Reprojector')).toBe(true);
    expect(isLibraryExport('upscale2')).toBe(false);
    expect(isLibraryExport('toString')).toBe(false);
  });
});
