// Registering classes on a page must not make V8 parse the page's bundle again: a stack's text
// needs every frame's line and column, which V8 collects for a frame in the bundle's top-level
// code by parsing the whole script (316 ms for an 8 MB bundle at page load). The site's line and
// column are read only where they decide something.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';

const PAGE = { entry: fileURLToPath(new URL('./fixtures/registration-sites-entry.ts', import.meta.url)) };

interface Where {
  located: Array<{ line: number; text: string } | { unavailable: string }>;
  readAfterLocating: boolean[];
  sites: Array<{ site: string; code: string }>;
}

describe.skipIf(!HAS_CHROMIUM)(`registration sites in headless Chromium${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  it("registers and locates classes of a page's bundle without reading a position, and the sites are the register() calls", async () => {
    const { steps, twins, clash } = await withBrowserPage(PAGE, async (page) => {
      await page.waitForFunction(() => typeof (window as unknown as { registrationSites?: unknown }).registrationSites === 'object');
      const hook = <T>(name: string) => page.evaluate((n) => (window as unknown as { registrationSites: Record<string, () => unknown> }).registrationSites[n]!(), name) as Promise<T>;
      return { steps: await hook<Where & { readAtLoad: boolean[] }>('steps'), twins: await hook<Where>('twins'), clash: await hook<string>('clash') };
    });
    const names = ['StepA', 'StepB', 'StepC', 'StepD', 'StepE', 'StepF', 'StepG', 'StepH', 'Decorated'];
    expect(steps.readAtLoad).toEqual(names.map(() => false));
    expect(steps.readAfterLocating).toEqual(names.map(() => false));
    // Each found in the bundle by its own text (its return value tells which).
    expect(steps.located.map((w) => ('text' in w ? /return "(\w+)"/.exec(w.text)?.[1] : w.unavailable))).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'decorated']);
    // Read now (siteOf): each is the line that registers it, not the registry's own code.
    for (const [i, { site, code }] of steps.sites.entries()) {
      expect(site).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/entry\.js:\d+:\d+$/);
      expect(code).toMatch(i < 8 ? /for \(const step of steps\) register\(step\)/ : /Decorated|__decorateElement|__runInitializers/);
    }

    // Identical twins: both positions were read (a second class of the name), each found at its own line.
    expect(twins.readAfterLocating).toEqual([true, true]);
    const [one, two] = twins.located as Array<{ line: number; text: string }>;
    expect(one!.text).toMatch(/^var TwinOne = register\(.*\(\) => class Twin \{[^]*return "twin"/);
    expect(two!.text).toMatch(/^var TwinTwo = register\(.*\(\) => class Twin \{[^]*return "twin"/);
    expect(two!.line).toBeGreaterThan(one!.line);
    expect(twins.sites.map(({ code }) => code)).toEqual([expect.stringMatching(/^var TwinOne = register\(/), expect.stringMatching(/^var TwinTwo = register\(/)]);

    // Two different classes of one name: the error names both places, which differ.
    const places = [...clash.matchAll(/registered at (http:\S+entry\.js:\d+:\d+)/g)].map((m) => m[1]);
    expect(places).toHaveLength(2);
    expect(places[0]).not.toBe(places[1]);
  });
});
