// `geodata browse`'s reload (ModuleWatch) in a real Node process under tsx: editing a file that a
// pipeline module imports evaluates that file again, so the live class is the edited one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const NODE_ENTRY = join(REPO, 'src', 'node.ts');

const levels = (tide: string, extra = '') => `import { Data, register } from ${JSON.stringify(NODE_ENTRY)};
export class Level extends Data {
  static tide = ${JSON.stringify(tide)};
}
register(Level);
${extra}`;

const DRIVER = `import { readFileSync, writeFileSync } from 'node:fs';
import { ModuleWatch } from ${JSON.stringify(join(REPO, 'src', 'cli', 'load-modules.ts'))};
import { defaultRegistry } from ${JSON.stringify(join(REPO, 'src', 'fingerprint', 'index.ts'))};
const [pipeline, levels, edited] = process.argv.slice(2);
await import(pipeline);
// The fingerprints read levels.ts (the file the class is in): the watch looks at it too.
const watch = new ModuleWatch([pipeline], () => [{ path: levels }]);
const tide = () => (defaultRegistry.get('Level') as unknown as { tide: string }).tide;
const seen = { before: tide(), unchanged: await watch.reload() };
await new Promise((resolve) => setTimeout(resolve, 20));
writeFileSync(levels, readFileSync(edited));
const changed = await watch.reload();
console.log(JSON.stringify({ ...seen, changed, after: tide(), moon: defaultRegistry.get('Moon') !== undefined }));
`;

describe('ModuleWatch (the registry browser’s reload)', () => {
  const project = mkdtempSync(join(tmpdir(), 'geodata-module-watch-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('evaluates again a file the pipeline module imports when it changed: an edited class and a class added there are live', () => {
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(project, 'pipeline.ts'), "export { Level } from './levels.ts';\n");
    writeFileSync(join(project, 'levels.ts'), levels('v1'));
    writeFileSync(join(project, 'edited.txt'), levels('v2', 'export class Moon extends Data {}\nregister(Moon);\n'));
    writeFileSync(join(project, 'driver.ts'), DRIVER);
    const run = spawnSync(TSX, ['driver.ts', join(project, 'pipeline.ts'), join(project, 'levels.ts'), join(project, 'edited.txt')], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ before: 'v1', unchanged: false, changed: true, after: 'v2', moon: true });
  });
});
