import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, SRC, writeProject } from './fixtures/names/cases.js';

// A helper imported through a tsconfig `paths` alias, as tsx resolves it (from the tsconfig.json
// of the folder it runs in, which is why each project runs in its own process and folder): the
// alias was taken for a package of that name without a version, so every edit of the helper was
// a hit. Each variant is fingerprinted by the name corpus's runner.

const run = promisify(execFile);
const TSCONFIG = `{
  // tsx reads these; "/*" inside the strings is not a comment
  "compilerOptions": {
    "baseUrl": ".",
    "paths": { "@lib/*": ["lib/*"], "~helpers": ["missing/helpers.ts", "lib/helpers.ts"], },
  },
}
`;
const HELPER = 'export function kernel(x: number): number { return x * 2; }\nexport const unrelated = 1;\n';
const main = (specifier: string) =>
  `import { Data, register, registry } from './base.mjs';\nimport { kernel } from '${specifier}';\nexport class Step extends Data { run(x) { return kernel(x); } }\nregister(Step, undefined, registry);`;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'geodata-tsconfig-paths-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function depTree(name: string, specifier: string, helper: string): Promise<{ depTreeHash: string; unhashed: string[] }> {
  const folder = join(work, name);
  writeProject(folder, { 'tsconfig.json': TSCONFIG, 'lib/helpers.ts': helper, 'main.mjs': main(specifier) });
  const { stdout } = await run(process.execPath, ['--import', pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href, join(REPO, 'test/fingerprint/fixtures/names/runner.ts'), folder], {
    cwd: folder,
    env: { ...process.env, GEODATA_SRC: SRC },
  });
  const { depTreeHash, unhashed } = JSON.parse(stdout)[folder].Step;
  return { depTreeHash, unhashed };
}

describe('a helper imported through a tsconfig paths alias', () => {
  for (const specifier of ['@lib/helpers', '~helpers']) {
    it(`(${specifier}) changes the depTreeHash when the helper's code is edited, and keeps it for a comment or an unrelated export`, async () => {
      const slug = specifier.replace(/\W/g, '');
      const before = await depTree(`${slug}-before`, specifier, HELPER);
      const edited = await depTree(`${slug}-edited`, specifier, HELPER.replace('x * 2', 'x * 3'));
      const cosmetic = await depTree(`${slug}-cosmetic`, specifier, `// doubles\n${HELPER.replace('unrelated = 1', 'unrelated = 2')}`);
      expect(before.unhashed).toEqual([]);
      expect(edited.depTreeHash).not.toBe(before.depTreeHash);
      expect(cosmetic).toEqual(before);
    }, 60_000);
  }
});
