/**
 * The offline demo's page opened from disk (file://), as people do with a built folder: the
 * browser loads none of its modules there, so the page itself must say what to do.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchChromium, NO_CHROMIUM_REASON } from '../helpers/browser.js';

const PAGE = fileURLToPath(new URL('../../examples/browser/index.html', import.meta.url));

describe.skipIf(!HAS_CHROMIUM)(`the offline demo opened from file://${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  it('says on the page that it must be served, and how, instead of showing "Loading…" for ever', async () => {
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(pathToFileURL(PAGE).href);
      const shown = await page.evaluate(() => ({
        status: document.querySelector('#status')!.textContent,
        error: document.querySelector('#status')!.classList.contains('error'),
        runDisabled: document.querySelector<HTMLButtonElement>('#run')!.disabled,
      }));
      expect(shown).toEqual({
        status:
          'This page must be opened through a web server: from file:// the browser loads neither its modules nor its workers. Run `npm run demo` (or serve this folder with any static server) and open http://127.0.0.1:8080/.',
        error: true,
        runDisabled: true,
      });
    } finally {
      await browser.close();
    }
  });
});
