import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';

describe.skipIf(!HAS_CHROMIUM)(`the IndexedDB store in real Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  it('stores, lists, removes and locks with the browser IndexedDB and Web Locks', async () => {
    const result = await withBrowserPage({ entry: 'test/store/fixtures/indexeddb-browser-entry.ts' }, (page) =>
      page.evaluate(() => (window as unknown as { run: () => Promise<unknown> }).run()),
    );
    expect(result).toEqual({
      keys: ['data_processed/aa/out.tif', 'data_processed/bb/meta.json', 'data_processed/bb/out.tif'],
      size: 11,
      removed: 2,
      afterRemove: ['data_processed/aa/out.tif'],
      read: 'pixels',
      order: ['first', 'first released', 'second'],
      webLocks: true,
    });
  });
});
