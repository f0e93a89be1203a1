// Where a class was registered, with the line and column read only when they decide something:
// on a page, V8 collects a frame's position by parsing the frame's script again (the whole bundle
// for a frame in its top-level code), so registering and fingerprinting must not ask for it.
import { describe, expect, it } from 'vitest';
import { FingerprintError } from '../../src/errors.js';
import { ClassRegistry } from '../../src/fingerprint/index.js';
import { FetchModuleReader } from '../../src/fingerprint/module-reader.js';
import { prepareModules } from '../../src/fingerprint/prepared-modules.js';
import { RegistrationSite, siteOfFrames, siteOfText, type StackFrame } from '../../src/fingerprint/registration-site.js';
import { writtenSource } from '../../src/fingerprint/written-source.js';

/** Evaluates class source text, giving a new class object of exactly that text. */
function evaluate(source: string): new () => object {
  return new Function(`return (${source});`)() as new () => object;
}

/** A site at `url:line:column` that counts how often its position is read. */
function countedSite(url: string, line: number, column: number): { site: RegistrationSite; reads: () => number } {
  let reads = 0;
  const site = RegistrationSite.lazy(url, () => {
    reads += 1;
    return `${line}:${column}`;
  });
  return { site, reads: () => reads };
}

/** A V8 CallSite stand-in that counts the reads of its position. */
function frame(url: string | null, line: number, column: number, names: { fn?: string; type?: string; method?: string; eval?: boolean } = {}) {
  const counter = { positions: 0 };
  const callSite: StackFrame = {
    getTypeName: () => names.type ?? null,
    getFunctionName: () => names.fn ?? null,
    getMethodName: () => names.method ?? null,
    getScriptNameOrSourceURL: () => url,
    getLineNumber: () => (counter.positions++, line),
    getColumnNumber: () => (counter.positions++, column),
    isEval: () => names.eval ?? false,
  };
  return Object.assign(callSite, { counter });
}

describe('siteOfFrames (a page in V8)', () => {
  it("takes the first frame below register() and the decorator helpers, as a place without its query, and reads its position only when asked", () => {
    const url = 'http://127.0.0.1:8000/entry.js';
    const frames = [
      frame(url, 9000, 10, { fn: 'register' }),
      frame(url, 40, 3, { fn: '__decorateElement' }),
      frame(url, 41, 3, { fn: '__runInitializers' }),
      frame(null, 0, 0, { fn: 'forEach', type: 'Array' }),
      frame(`${url}?t=17`, 120, 1),
      frame(url, 5, 1),
    ];
    const site = siteOfFrames(frames);
    if (!(site instanceof RegistrationSite)) throw new Error(`expected a site, got ${String(site)}`);
    expect([site.url, site.positionRead, frames.map((f) => f.counter.positions)]).toEqual([url, false, [0, 0, 0, 0, 0, 0]]);
    // The module that ran, which the fingerprint reads (a dev server's reloaded version).
    expect(site.script).toBe(`${url}?t=17`);
    expect(site.text).toBe(`${url}:120:1`);
    expect(site.text).toBe(`${url}:120:1`);
    expect([site.positionRead, frames[4]!.counter.positions]).toEqual([true, 2]);
  });

  it("leaves a script in a file or an eval'd frame to the stack's text (Node maps that text to TypeScript)", () => {
    expect(siteOfFrames([frame('/home/me/pipeline.ts', 3, 1)])).toBe('text');
    expect(siteOfFrames([frame('file:///home/me/pipeline.js', 3, 1)])).toBe('text');
    expect(siteOfFrames([frame('http://127.0.0.1/app.js', 3, 1, { eval: true })])).toBe('text');
    expect(siteOfFrames([frame('http://127.0.0.1/app.js', 3, 1, { fn: 'register' })])).toBeUndefined();
  });
});

describe('siteOfText (Node, and engines that give only text)', () => {
  it('keeps the spaces of a path Node maps a TypeScript frame to (tsx in a folder such as "My Maps")', () => {
    const stack = ['Error', '    at ClassRegistry.add (/app/node_modules/geodata/dist/bundle/registry.js:10:5)', '    at <anonymous> (/home/me/My Maps/pipeline.ts:12:1)', '    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)'].join('\n');
    expect(siteOfText(stack)?.text).toBe('/home/me/My Maps/pipeline.ts:12:1');
  });

  it('reads file URLs, frames without a label and eval frames as before', () => {
    expect(siteOfText('Error\n    at file:///home/me/My%20Maps/pipeline.js:3:7')?.text).toBe('file:///home/me/My%20Maps/pipeline.js:3:7');
    expect(siteOfText('Error\n    at Step (file:///home/me/pipeline.js:3:7)')?.text).toBe('file:///home/me/pipeline.js:3:7');
    expect(siteOfText('Error\n    at eval (eval at run (file:///home/me/app.js:1:2), <anonymous>:1:5)')?.text).toBe('<anonymous>:1:5');
  });
});

describe('ClassRegistry with sites whose position is read on demand', () => {
  const url = 'http://127.0.0.1:8000/entry.js';

  it('registers classes of distinct names without reading any position', () => {
    const registry = new ClassRegistry();
    const sites = Array.from({ length: 50 }, (_, i) => countedSite(url, 100 + i, 1));
    sites.forEach(({ site }, i) => registry.add(evaluate(`class Distinct${i} { run() { return ${i}; } }`), site));
    expect(registry.names()).toHaveLength(50);
    expect(sites.map(({ reads }) => reads())).toEqual(Array(50).fill(0));
    expect(registry.siteOf(registry.get('Distinct7')!)).toBe(`${url}:107:1`);
  });

  it('reads the positions of a second class of the same name: identical twins from two places are both kept, the same place replaces', () => {
    const registry = new ClassRegistry();
    const source = 'class Twin { run() { return 1; } }';
    const first = countedSite(url, 10, 1);
    const second = countedSite(url, 20, 1);
    const [One, Two, Again] = [evaluate(source), evaluate(source), evaluate(source)];
    registry.add(One, first.site);
    expect(first.reads()).toBe(0);
    registry.add(Two, second.site);
    expect([first.reads(), second.reads(), registry.variants('Twin')]).toEqual([1, 1, [Two, One]]);
    registry.add(Again, countedSite(url, 20, 1).site);
    expect(registry.variants('Twin')).toEqual([Again, One]);
  });

  it('names both places, line and column, when a different class of the same name comes from elsewhere', () => {
    const registry = new ClassRegistry();
    registry.add(evaluate('class Clash { run() { return 1; } }'), countedSite(url, 10, 1).site);
    const second = countedSite(url, 30, 5);
    expect(() => registry.add(evaluate('class Clash { run() { return 2; } }'), second.site)).toThrow(FingerprintError);
    expect(() => registry.add(evaluate('class Clash { run() { return 2; } }'), second.site)).toThrow(
      /"Clash".*registered at http:\/\/127\.0\.0\.1:8000\/entry\.js:10:1.*registered at http:\/\/127\.0\.0\.1:8000\/entry\.js:30:5/s,
    );
  });
});

describe('locating a registered class in a JavaScript module', () => {
  const url = 'http://127.0.0.1:8000/app.js';
  const twin = 'class Twin { run() { return 1; } }';
  const unique = 'class Unique { run() { return 2; } }';
  const module = [`export const first = ${twin};`, '', `export ${unique}`, '', `export const second = ${twin};`, ''].join('\n');
  const reader = () => new FetchModuleReader({ fetchText: async (asked) => (asked === url ? module : undefined) });

  it("finds a class by its exact text without reading its site's position when the module has one class of that text", async () => {
    const registry = new ClassRegistry();
    const { site, reads } = countedSite(url, 3, 1);
    const Unique = evaluate(unique);
    registry.add(Unique, site);
    const modules = reader();
    await prepareModules(registry, modules);
    expect(writtenSource(Unique, registry, modules)).toMatchObject({ file: url, line: 3, text: `export ${unique}\n` });
    expect(reads()).toBe(0);
  });

  it('tells two classes of the same text in one module apart by the position of their registration', async () => {
    for (const [line, declared] of [[1, 'first'], [5, 'second']] as const) {
      const registry = new ClassRegistry();
      const { site, reads } = countedSite(url, line, 1);
      const Twin = evaluate(twin);
      registry.add(Twin, site);
      const modules = reader();
      await prepareModules(registry, modules);
      expect(writtenSource(Twin, registry, modules)).toMatchObject({ file: url, line, text: `export const ${declared} = ${twin}\n` });
      expect(reads()).toBe(1);
    }
  });
});
