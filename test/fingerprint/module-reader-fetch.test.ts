// The browser's module reader, run in Node against a local HTTP server: it fetches the scripts a
// page was served (what `register` saw in the stack) so that fingerprinting, which is synchronous,
// can resolve a class's free names in them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassRegistry, describe as describeInstance } from '../../src/fingerprint/index.js';
import { FetchModuleReader } from '../../src/fingerprint/module-reader.js';
import { type HttpServer, startHttpServer } from '../helpers/http-server.js';

const classText = `class Scaled {
  run(values) { return scale(values, FACTOR); }
}`;
const pipeline = `import { scale } from './helpers.mjs';
const FACTOR = 3;
export ${classText}
`;
const helpers = (factor: string) => `export function scale(values, by) { return values.map((v) => v * by * ${factor}); }\n`;

// What the served files are now: a test changes them between readers.
const served: Record<string, string> = {};
let server: HttpServer;

beforeAll(async () => {
  server = await startHttpServer((path) => {
    const body = served[path];
    return body === undefined ? undefined : { body, type: 'text/javascript' };
  });
});

afterAll(async () => {
  await server.close();
});

/** The class as the served page defines it (same text), registered where the page's stack says. */
function servedClass(registry: ClassRegistry): new () => object {
  const Scaled = new Function('scale', `return (${classText});`)((values: number[]) => values) as new () => object;
  registry.add(Scaled, `${server.url}app/pipeline.mjs:3:8`);
  return Scaled;
}

describe('FetchModuleReader', () => {
  it('reads nothing before prepare, then each fetched script once, without its fragment; a query names another module', async () => {
    served['/app/pipeline.mjs'] = pipeline;
    const reader = new FetchModuleReader();
    const url = `${server.url}app/pipeline.mjs`;
    expect(reader.read(url)).toBeUndefined();
    expect(reader.generation).toBe(0);
    const before = server.requests.length;
    await reader.prepare([`${url}?v=1`, `${url}#top`, url]);
    expect(reader.read(`${url}#end`)).toEqual({ url, text: pipeline, version: 'fetched' });
    expect(reader.read(`${url}?v=1`)).toEqual({ url: `${url}?v=1`, text: pipeline, version: 'fetched' });
    // Browsers key modules by their whole URL: `?v=2` is a module not fetched yet.
    expect(reader.read(`${url}?v=2`)).toBeUndefined();
    expect(reader.generation).toBe(1);
    expect(server.requests.slice(before).map((r) => [r.path, r.status])).toEqual([
      ['/app/pipeline.mjs', 200],
      ['/app/pipeline.mjs', 200],
    ]);
    // Already read: no request, and nothing new to analyse again.
    await reader.prepare([url, `${url}?v=1`]);
    expect(server.requests.length).toBe(before + 2);
    expect(reader.generation).toBe(1);
  });

  it('keeps a script that is not served, or a server that is gone, unreadable without throwing and without asking again', async () => {
    const reader = new FetchModuleReader();
    const missing = `${server.url}app/absent.mjs`;
    await reader.prepare([missing]);
    expect(reader.read(missing)).toBeUndefined();
    const before = server.requests.length;
    await reader.prepare([missing]);
    expect(server.requests.length).toBe(before);

    const gone = await startHttpServer(() => undefined);
    await gone.close();
    await reader.prepare([`${gone.url}app/pipeline.mjs`]);
    expect(reader.read(`${gone.url}app/pipeline.mjs`)).toBeUndefined();
  });

  it('resolves imports as URLs relative to the importing script, and names packages without a version', () => {
    const reader = new FetchModuleReader();
    expect(reader.resolveImport('./helpers.mjs', `${server.url}app/pipeline.mjs?v=3`)).toBe(`${server.url}app/helpers.mjs`);
    expect(reader.resolveImport('/app/helpers.mjs?t=5#x', `${server.url}app/pipeline.mjs?t=5`)).toBe(`${server.url}app/helpers.mjs?t=5`);
    expect(reader.resolveImport('../lib/x.js', `${server.url}app/pipeline.mjs`)).toBe(`${server.url}lib/x.js`);
    expect(reader.packageOf('@scope/pkg/sub/file.js')).toEqual({ name: '@scope/pkg', version: undefined });
    expect(reader.packageOf('proj4')).toEqual({ name: 'proj4', version: undefined });
  });

  it('lets a fingerprint resolve free names in the served script and the scripts it imports', async () => {
    served['/app/pipeline.mjs'] = pipeline;
    served['/app/helpers.mjs'] = helpers('1');
    const hash = async (reader: FetchModuleReader) => {
      const registry = new ClassRegistry();
      const Scaled = servedClass(registry);
      return describeInstance(new Scaled(), { crs: 'EPSG:4326' }, { registry, moduleReader: reader });
    };
    const first = await hash(new FetchModuleReader());
    expect(first.unhashed).toEqual([]);
    expect(first.tree.nodes).toEqual({
      Scaled: { kind: 'class', sourceHash: first.sourceHash },
      scale: { kind: 'helper', sourceHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(first.tree.edges).toEqual([{ from: 'Scaled', to: 'scale', kind: 'calls' }]);

    // The helper's served code is part of the hash: another version of it, another state.
    served['/app/helpers.mjs'] = helpers('2');
    const edited = await hash(new FetchModuleReader());
    expect(edited.sourceHash).toBe(first.sourceHash);
    expect(edited.depTreeHash).not.toBe(first.depTreeHash);
    expect(edited.stateHash).not.toBe(first.stateHash);

    // An import the server does not have is reported, with why.
    delete served['/app/helpers.mjs'];
    const unreadable = await hash(new FetchModuleReader());
    expect(unreadable.unhashed).toEqual([
      { className: 'Scaled', identifier: 'scale', reason: `comes from ${server.url}app/helpers.mjs, which cannot be read` },
    ]);
  });
  it('reads a module a dev server hot-reloaded (`?t=`) as the version that now runs, not the one fetched before', async () => {
    // Vite serves every URL of a module as its latest text; after an edit of helpers.mjs the page
    // imports `pipeline.mjs?t=2`, whose import names `helpers.mjs?t=2`, and registers again.
    served['/dev/pipeline.mjs'] = pipeline;
    served['/dev/helpers.mjs'] = helpers('1');
    const registry = new ClassRegistry();
    const reader = new FetchModuleReader();
    const classAt = (site: string) => {
      const Scaled = new Function('scale', `return (${classText});`)((values: number[]) => values) as new () => object;
      registry.add(Scaled, site);
      return Scaled;
    };
    const hash = async (Scaled: new () => object, moduleReader: FetchModuleReader, classes = registry) =>
      describeInstance(new Scaled(), { crs: 'EPSG:4326' }, { registry: classes, moduleReader });
    const before = await hash(classAt(`${server.url}dev/pipeline.mjs:3:8`), reader);

    served['/dev/helpers.mjs'] = helpers('2');
    served['/dev/pipeline.mjs'] = pipeline.replace("'./helpers.mjs'", "'/dev/helpers.mjs?t=2'");
    const reloaded = await hash(classAt(`${server.url}dev/pipeline.mjs?t=2:3:8`), reader);
    expect(registry.siteOf(registry.get('Scaled')!)).toBe(`${server.url}dev/pipeline.mjs:3:8`);

    // What a page loaded after the edit computes: the same hashes.
    const fresh = new ClassRegistry();
    const Scaled = new Function('scale', `return (${classText});`)((values: number[]) => values) as new () => object;
    fresh.add(Scaled, `${server.url}dev/pipeline.mjs:3:8`);
    const loaded = await hash(Scaled, new FetchModuleReader(), fresh);
    expect(reloaded.unhashed).toEqual([]);
    expect([reloaded.depTreeHash, reloaded.stateHash]).toEqual([loaded.depTreeHash, loaded.stateHash]);
    expect(reloaded.depTreeHash).not.toBe(before.depTreeHash);
  });
});
