// A page's bundle tells geodata's code from the project's by the file comments bundlers write
// (`// node_modules/geodata/dist/src/browser.js`, `// src/helpers.ts`). Rolldown (Vite's build)
// leaves out the comment of a module whose first statement it removed, as it does when it
// inlines an exported constant (`export const FACTOR = 2`): that module's helpers then sit in
// the region of the module before it, which is often geodata's own last file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassRegistry, describe as describeInstance } from '../../src/fingerprint/index.js';
import { FetchModuleReader } from '../../src/fingerprint/module-reader.js';
import { type HttpServer, startHttpServer } from '../helpers/http-server.js';

const classText = `class Scaled {
\trun(values) {
\t\treturn write(scale(values));
\t}
}`;

/** What `vite build` writes for helpers.ts (`export const FACTOR = …` first) and steps.ts. */
function bundle(factor: number, helpersComment: boolean): string {
  return `// node_modules/geodata/dist/src/api.js
async function write(data) {
\treturn data;
}
// node_modules/geodata/dist/src/browser.js
setPlatform(browserPlatform);
${helpersComment ? '// src/helpers.ts\n' : ''}function scale(x) {
\treturn x * ${factor};
}
// src/steps.ts
var Scaled = ${classText};
register(Scaled);
`;
}

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

/** The fingerprint of the bundle's class, as a page served `text` computes it. */
async function fingerprintOf(text: string) {
  const path = `/assets/index-${Object.keys(served).length}.js`;
  served[path] = text;
  const registry = new ClassRegistry();
  const Scaled = new Function('scale', 'write', `return (${classText});`)(
    (values: number[]) => values,
    (values: number[]) => values,
  ) as new () => object;
  registry.add(Scaled, `${server.url}${path.slice(1)}:13:14`);
  return describeInstance(new Scaled(), { crs: 'EPSG:4326' }, { registry, moduleReader: new FetchModuleReader() });
}

describe('a bundle whose file comment for a project module is missing', () => {
  it("hashes a project helper that sits in geodata's last region as the project's code, as if the comment were there", async () => {
    const withComment = await fingerprintOf(bundle(2, true));
    const withoutComment = await fingerprintOf(bundle(2, false));
    expect(withoutComment.unhashed).toEqual([]);
    expect(withoutComment.tree.nodes).toEqual({
      Scaled: { kind: 'class', sourceHash: withComment.sourceHash },
      scale: { kind: 'helper', sourceHash: withComment.tree.nodes.scale!.sourceHash },
    });
    expect(withoutComment.tree.edges).toEqual([{ from: 'Scaled', to: 'scale', kind: 'calls' }]);
    expect([withoutComment.sourceHash, withoutComment.depTreeHash, withoutComment.stateHash]).toEqual([
      withComment.sourceHash,
      withComment.depTreeHash,
      withComment.stateHash,
    ]);
    // geodata's own export in its region stays the library's: no node for `write`.
    expect(Object.keys(withComment.tree.nodes).sort()).toEqual(['Scaled', 'scale']);
  });

  it("changes the fingerprint when that helper's inlined constant changes (FACTOR = 2 → 5)", async () => {
    const before = await fingerprintOf(bundle(2, false));
    const after = await fingerprintOf(bundle(5, false));
    expect(after.sourceHash).toBe(before.sourceHash);
    expect(after.depTreeHash).not.toBe(before.depTreeHash);
    expect(after.stateHash).not.toBe(before.stateHash);
  });
});
