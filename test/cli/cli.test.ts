import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipChunks } from '../../src/cache/archive-gzip.js';
import { ustarChunks } from '../../src/cache/archive-tar.js';
import {
  addDebris,
  backdate,
  BROKEN,
  entryOf,
  geodata,
  geodataJson,
  project,
  removeAll,
  REPO,
  runPipeline,
  storedEntries,
  tempFolder,
  V1,
  V2,
  type StoredEntry,
} from './cli-helpers.js';
import { geodataInProcess, geodataJsonInProcess } from './in-process.js';

const short = (hash: string) => hash.slice(0, 12);
const sortedKeys = (keys: string[]) => [...keys].sort();

describe('geodata, the command line', () => {
  let built: string;
  let debris: { incomplete: string; staging: string };
  let stored: StoredEntry[];
  let h: Record<'constant1v1' | 'constant2v1' | 'constant1v2' | 'min' | 'max' | 'chart' | 'plain' | 'gone', StoredEntry>;
  let sources: { v1: string; v2: string };

  beforeAll(() => {
    built = join(tempFolder('built'), 'cache');
    expect(runPipeline(built, V1).computed).toEqual(['Constant', 'Constant', 'Extreme', 'Extreme', 'Chart', 'Plain', 'Gone']);
    expect(runPipeline(built, V2).computed).toEqual(['Constant']);
    debris = addDebris(built);
    stored = storedEntries(built);
    const v1 = entryOf(stored, 'Constant', { value: 2 }).meta.source_hash as string;
    const v2 = stored.find((e) => e.className === 'Constant' && e.meta.source_hash !== v1)!.meta.source_hash as string;
    sources = { v1, v2 };
    h = {
      constant1v1: entryOf(stored, 'Constant', { value: 1 }, v1),
      constant2v1: entryOf(stored, 'Constant', { value: 2 }, v1),
      constant1v2: entryOf(stored, 'Constant', { value: 1 }, v2),
      min: entryOf(stored, 'Extreme', { which: 'min' }),
      max: entryOf(stored, 'Extreme', { which: 'max' }),
      chart: entryOf(stored, 'Chart'),
      plain: entryOf(stored, 'Plain'),
      gone: entryOf(stored, 'Gone'),
    };
  });
  afterAll(removeAll);

  it('lists every class with its state, registers exported classes, and exits 1 when one is stale', () => {
    // The command itself (bin/geodata.js in a process of its own) at least once; the other cases
    // run its main() in this process (test/cli/in-process.ts), with the same outcomes.
    const folder = project(built);
    const { code, value } = geodataJson(['classes'], folder);
    expect(code).toBe(1);
    expect(value.map((c: any) => [c.className, c.state, c.registered])).toEqual([
      ['Chart', 'stale', true],
      ['Constant', 'fresh', true],
      ['Extreme', 'fresh', true],
      ['Gone', 'unknown', false],
      ['Plain', 'fresh', true],
    ]);
    expect(value[0]).toMatchObject({ codeStale: false, staleDependencies: ['Constant'], entries: { count: 1 } });
    expect(value[1]).toMatchObject({ live: { sourceHash: sources.v2 }, stored: { sourceHash: sources.v2 }, versions: 2, entries: { count: 3 } });

    const text = geodata(['classes'], folder);
    expect(text.code).toBe(1);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CLASS\s+TYPE\s+STATE\s+LIVE\s+STORED\s+ENTRIES\s+SIZE\s+NEWEST\s+OLDEST\s+NOTE$/);
    expect(lines[1]).toMatch(/^Chart\s+figure\s+stale\s+[0-9a-f]{12}\s+[0-9a-f]{12}\s+1\s+\S+ kB\s+\d+s ago\s+\d+s ago\s+dependencies changed: Constant$/);
    expect(lines[4]).toMatch(/^Gone\s+data\s+unknown\s+-\s+[0-9a-f]{12}\s+1\s.*not registered in this process$/);
  });

  it('says that a class with only damaged entries has them, not that it has none yet', async () => {
    const folder = project(built);
    writeFileSync(join(folder, 'cache', h.plain.key, 'plain.txt'), 'pl');
    const { code, value } = await geodataJsonInProcess(['classes'], folder);
    expect(code).toBe(1);
    expect(value.find((c: any) => c.className === 'Plain')).toMatchObject({ state: 'new', entries: { count: 1, states: { damaged: 1 } } });
    const row = (await geodataInProcess(['classes'], folder)).stdout.split('\n').find((line) => line.startsWith('Plain '));
    expect(row).toMatch(/^Plain\s+data\s+new\s+[0-9a-f]{12}\s+[0-9a-f]{12}\s+1\s.*  its entry is damaged: load computes it again \(explain says why\)$/);
  });

  it('shows an entry whose meta.json does not describe it without undefined values, its state said once', async () => {
    const folder = project(built);
    writeFileSync(join(folder, 'cache', h.plain.key, 'meta.json'), JSON.stringify({ format_version: h.plain.meta.format_version, class_name: 'Plain', state_hash: 'ab'.repeat(32) }));
    const entry = await geodataInProcess(['entry', h.plain.hash.slice(0, 10)], folder);
    expect(entry.code).toBe(0);
    expect(entry.stdout.split('\n').slice(0, 4)).toEqual([
      `entry      ${short(h.plain.hash)} (${h.plain.key})`,
      'class      Plain (data)',
      'state      damaged: meta.json does not describe this entry',
      'parameters {}',
    ]);
    expect(entry.stdout).not.toContain('undefined');
  });

  it('judges the cache by the code it is given: with version 1 nothing is stale', async () => {
    const folder = project(built);
    const elsewhere = join(folder, 'elsewhere');
    mkdirSync(elsewhere);
    const { code, value } = await geodataJsonInProcess(['classes', V1, '--root', '../cache'], elsewhere);
    expect(code).toBe(0);
    expect(value.map((c: any) => [c.className, c.state])).toEqual([
      ['Chart', 'fresh'],
      ['Constant', 'fresh'],
      ['Extreme', 'fresh'],
      ['Gone', 'fresh'],
      ['Plain', 'fresh'],
    ]);
  });

  it('summarises the cache', async () => {
    const folder = project(built);
    const { code, value } = await geodataJsonInProcess(['status'], folder);
    expect(code).toBe(0);
    expect(value.root).toBe(join(folder, 'cache'));
    expect(value.entries.states).toEqual({ fresh: 4, stale: 3, 'input-changed': 0, unknown: 1, damaged: 0, incomplete: 1 });
    // Six class versions, and writeFile of node:fs/promises, which Extreme's module imports.
    expect(value.source).toMatchObject({ codeVersions: 7, snapshots: 6 });
    const text = (await geodataInProcess(['status'], folder)).stdout;
    expect(text).toMatch(/^entries {3}9 \(\S+ kB\): 4 fresh, 3 stale, 1 unknown, 1 incomplete$/m);
    expect(text).toMatch(/^classes {3}5: 3 fresh, 1 stale, 1 unknown — stale: Chart$/m);
  });

  it('lists entries by class, state and parameter, with short or full hashes', async () => {
    const folder = project(built);
    const hashes = async (args: string[]) => {
      const { code, value } = await geodataJsonInProcess(['entries', ...args], folder);
      expect([args, code]).toEqual([args, 0]); // stale entries listed are no error
      return value.map((e: any) => e.stateHash).sort();
    };
    expect(await hashes(['--class', 'Constant'])).toEqual([h.constant1v1.hash, h.constant2v1.hash, h.constant1v2.hash].sort());
    expect(await hashes(['--filter', 'value=2'])).toEqual([h.constant2v1.hash]);
    // Class and parameter filters together: both must hold.
    expect(await hashes(['--class', 'Constant', '--filter', 'value=1'])).toEqual([h.constant1v1.hash, h.constant1v2.hash].sort());
    // Extreme has no entry with value=1, though Constant has: the text says so.
    const none = await geodataInProcess(['entries', '--class', 'Extreme', '--filter', 'value=1'], folder);
    expect([none.code, none.stdout]).toEqual([0, 'no entries match\n']);
    // A class name that has no entry at all (a typo) is named, with the classes that have entries.
    const typo = await geodataInProcess(['entries', '--class', 'Constnat'], folder);
    expect([typo.code, typo.stdout]).toEqual([0, 'no entries of a class named "Constnat"; classes with entries: Chart, Constant, Extreme, Gone, Plain\n']);
    expect(await hashes(['--state', 'stale'])).toEqual([h.constant1v1.hash, h.constant2v1.hash, h.chart.hash].sort());
    const rows = (await geodataInProcess(['entries', '--state', 'stale'], folder)).stdout.trimEnd().split('\n').slice(1);
    expect(rows.map((row) => row.split(/\s+/)[0]).sort()).toEqual([h.constant1v1.hash, h.constant2v1.hash, h.chart.hash].map(short).sort());
    const full = (await geodataInProcess(['entries', '--state', 'stale', '--full-hash'], folder)).stdout.trimEnd().split('\n').slice(1);
    expect(full.map((row) => row.split(/\s+/)[0]).sort()).toEqual([h.constant1v1.hash, h.constant2v1.hash, h.chart.hash].sort());
  });

  it('shows one entry, and explains a stale one, by a unique prefix', async () => {
    const folder = project(built);
    const entry = await geodataInProcess(['entry', h.constant1v2.hash.slice(0, 8)], folder);
    expect(entry.code).toBe(0);
    expect(entry.stdout).toContain('class      Constant (data)\n');
    expect(entry.stdout).toContain('state      fresh\n');
    expect(entry.stdout).toContain('parameters {"value":1}\n');
    // As JSON, and a stale entry is no error either.
    const details = await geodataJsonInProcess(['entry', h.constant1v2.hash.slice(0, 8)], folder);
    expect(details.code).toBe(0);
    expect(details.value).toMatchObject({ stateHash: h.constant1v2.hash, className: 'Constant', state: 'fresh', parameters: { value: 1 }, spec: JSON.parse(readFileSync(join(folder, 'cache', h.constant1v2.key, 'spec.json'), 'utf8')) });
    expect(details.value.files.map((f: any) => f.key).sort()).toEqual(['constant.txt', 'meta.json', 'parameters.json', 'spec.json'].map((name) => h.constant1v2.key + name));
    expect(details.value.files.find((f: any) => f.key.endsWith('/constant.txt'))).toEqual({ key: `${h.constant1v2.key}constant.txt`, bytes: 'constant v2 1'.length });
    const stale = await geodataJsonInProcess(['entry', h.chart.hash.slice(0, 8)], folder);
    expect([stale.code, stale.value.state, stale.value.why]).toEqual([0, 'stale', [{ kind: 'dependency-changed', className: 'Chart', dependency: 'Constant', from: sources.v1, to: sources.v2 }]]);

    const explained = await geodataInProcess(['explain', h.chart.hash.slice(0, 8)], folder);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toBe(
      `entry ${short(h.chart.hash)} of Chart is stale: the code loaded now can no longer reach it, and clean-cache removes it, because\n` +
        `  - Constant's code changed (${short(sources.v1)} → ${short(sources.v2)}), and Chart depends on it\n`,
    );
    const json = (await geodataJsonInProcess(['explain', h.chart.hash.slice(0, 8)], folder)).value;
    expect(json.reasons).toEqual([{ kind: 'dependency-changed', className: 'Chart', dependency: 'Constant', from: sources.v1, to: sources.v2 }]);
  });

  it('refuses unknown, ambiguous and malformed hash prefixes with exit code 2', async () => {
    const folder = project(built);
    const unknown = await geodataInProcess(['explain', '0123456789'], folder);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`geodata explain: error: no cache entry has a hash starting with 0123456789 in fs:${join(folder, 'cache')}\n`);
    const twin = `${h.chart.hash.slice(0, 20)}${'0'.repeat(44)}`;
    mkdirSync(join(folder, 'cache', 'data_processed', twin));
    writeFileSync(join(folder, 'cache', 'data_processed', twin, 'x.txt'), 'x');
    const ambiguous = await geodataInProcess(['entry', h.chart.hash.slice(0, 20)], folder);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^geodata entry: error: hash prefix [0-9a-f]{20} is ambiguous: it matches 2 entries \(/);
    const malformed = await geodataInProcess(['explain', 'xyz'], folder);
    expect([malformed.code, malformed.stderr]).toEqual([2, 'geodata explain: error: hash prefix "xyz" must be 1 to 64 hexadecimal digits\n']);
  });

  it("shows every stored version of a class's code as written, with line-by-line diffs between them", async () => {
    const folder = project(built);
    const text = await geodataInProcess(['code', 'Constant', '--diff'], folder);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^#\s+HASH\s+FIRST REGISTERED\s+LATEST REGISTERED\s+LIVE\s+ENTRIES$/);
    // Version 1 made two Constant entries, and the Chart entry's tree names it.
    expect(lines[1]).toMatch(new RegExp(`^1\\s+${short(sources.v1)}\\s+\\S+\\s+\\S+\\s+3$`));
    expect(lines[2]).toMatch(new RegExp(`^2\\s+${short(sources.v2)}\\s+\\S+\\s+\\S+\\s+live\\s+1$`));
    // The TypeScript as written, where each version came from, comments included.
    expect(lines.filter((l) => l.startsWith('--- ') || l.startsWith('+++ '))).toEqual([
      expect.stringMatching(new RegExp(`^--- Constant@${short(sources.v1)}\t\\S+ ${V1.replace(/[.]/g, '\\.')}:9$`)),
      expect.stringMatching(new RegExp(`^\\+\\+\\+ Constant@${short(sources.v2)}\t\\S+ ${V2.replace(/[.]/g, '\\.')}:9$`)),
    ]);
    expect(lines.filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual(['-    return new TextEncoder().encode(`constant ${this.value}`);']);
    expect(lines.filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toEqual([
      '+    // Version 2 says which version made it.',
      '+    return new TextEncoder().encode(`constant v2 ${this.value}`);',
    ]);
    expect(lines).toContain('   async _process() {');
    const canonical = (await geodataInProcess(['code', 'Constant', '--diff', '--canonical'], folder)).stdout.split('\n');
    expect(canonical.filter((l) => l.startsWith('+') && !l.startsWith('+++'))).toEqual([expect.stringContaining('`constant v2 ${this.value}`')]);
    expect(canonical.join('\n')).not.toContain('Version 2 says');
    const source = (await geodataInProcess(['code', 'Constant', '--source'], folder)).stdout;
    expect(source).toContain(`--- Constant ${short(sources.v1)} (as written, ${V1}:9)\n@register\nexport class Constant extends Data {\n  constructor(public value: number) {`);

    const { code: jsonCode, value: json } = await geodataJsonInProcess(['code', 'Constant', '--diff'], folder);
    expect(jsonCode).toBe(0);
    expect(json.versions.map((v: any) => [v.sourceHash, v.live])).toEqual([
      [sources.v1, false],
      [sources.v2, true],
    ]);
    expect(json.diffs.map((d: any) => [d.from, d.to])).toEqual([[sources.v1, sources.v2]]);

    const missing = await geodataInProcess(['code', 'Nope'], folder);
    expect([missing.code, missing.stderr]).toEqual([2, 'geodata code: error: no stored code of a class named "Nope"; stored classes: Chart, Constant, Extreme, Gone, Plain, node:fs/promises:writeFile\n']);
  });

  it('shows a timeline of code versions, newest first', async () => {
    const folder = project(built);
    const { code, value } = await geodataJsonInProcess(['versions'], folder);
    expect(code).toBe(0);
    expect(value).toHaveLength(7);
    expect([value[0].className, value[0].sourceHash, value[0].live]).toEqual(['Constant', sources.v2, true]);
    expect(value.map((v: any) => v.latestRegistered)).toEqual(value.map((v: any) => v.latestRegistered).sort().reverse());
    expect(value.filter((v: any) => !v.live).map((v: any) => v.className).sort()).toEqual(['Constant', 'Gone']);

    // As text: a row per version in the same order, with its class, type, hash, whether it is live, and its entries.
    const text = await geodataInProcess(['versions'], folder);
    expect(text.code).toBe(0);
    const [header, ...rows] = text.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^LATEST REGISTERED\s+AGE\s+CLASS\s+TYPE\s+HASH\s+LIVE\s+ENTRIES$/);
    const columns = rows.map((row) => {
      const match = /^(\S+)\s+(\d+[smhd] ago)\s+(\S+)\s+(data|figure|helper|value)\s+([0-9a-f]{12})\s+(live\s+)?(\d+)$/.exec(row);
      expect(match, row).not.toBeNull();
      return [match![1], match![3], match![4], match![5], match![6] !== undefined, Number(match![7])];
    });
    expect(columns).toEqual(value.map((v: any) => [v.latestRegistered, v.className, v.objectType, short(v.sourceHash), v.live, v.entries]));
    const source = (entry: StoredEntry) => short(entry.meta.source_hash);
    expect(columns.map((c) => c.slice(1)).sort()).toEqual(
      [
        ['Chart', 'figure', source(h.chart), true, 1],
        ['Constant', 'data', short(sources.v1), false, 3],
        ['Constant', 'data', short(sources.v2), true, 1],
        ['Extreme', 'data', source(h.min), true, 2],
        ['Gone', 'data', source(h.gone), false, 1],
        ['Plain', 'data', source(h.plain), true, 1],
        // The node:fs/promises writeFile Extreme calls, found in the module: in both Extreme entries' trees.
        ['node:fs/promises:writeFile', 'value', columns.find((c) => c[1] === 'node:fs/promises:writeFile')![3], true, 2],
      ].sort(),
    );
  });

  it('cleans the cache: a dry run reports exactly what the real run removes', async () => {
    const folder = project(built);
    const dry = await geodataJsonInProcess(['clean-cache', '--dry-run'], folder);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe(''); // no progress when stderr is not a terminal
    const keys = (items: any[]) => items.map((item) => item.key);
    expect(keys(dry.value.removed)).toEqual(
      sortedKeys([`.staging/${debris.staging}/`, h.constant1v1.key, h.constant2v1.key, h.chart.key, `data_processed/${debris.incomplete}/`]),
    );
    expect(keys(dry.value.kept)).toEqual(sortedKeys([h.constant1v2.key, h.min.key, h.max.key, h.plain.key]));
    expect(keys(dry.value.unknown)).toEqual([h.gone.key]);
    for (const item of dry.value.removed) expect(existsSync(join(folder, 'cache', item.key))).toBe(true);

    const real = await geodataJsonInProcess(['clean-cache'], folder);
    expect(real.code).toBe(0);
    expect({ ...real.value, dryRun: true }).toEqual(dry.value);
    for (const item of real.value.removed) expect(existsSync(join(folder, 'cache', item.key))).toBe(false);
    for (const item of [...real.value.kept, ...real.value.unknown]) expect(existsSync(join(folder, 'cache', item.key, 'meta.json'))).toBe(true);

    const text = (await geodataInProcess(['clean-cache', '--dry-run'], project(built))).stdout;
    expect(text).toMatch(/^would remove: 5 \(\S+ kB\)$/m);
    expect(text).toContain(`  figures/${short(h.chart.hash)}/  Chart  stale  Constant's code changed (${short(sources.v1)} → ${short(sources.v2)}), and Chart depends on it\n`);
    expect(text).toMatch(/^unknown \(kept; --remove-unknown removes them\): 1 /m);
  });

  it('still loads the other modules when one fails to import, shows its error, and exits 2', async () => {
    const folder = project(built);
    // In processes of their own: the version-2 module, imported in this process already, would
    // not be evaluated again beside the broken one (see test/cli/in-process.ts).
    const classes = geodataJson(['classes', '--module', BROKEN], folder);
    expect(classes.code).toBe(2);
    expect(classes.stderr).toBe(`geodata: error: cannot load pipeline module ${BROKEN}: BUCKET is not set: the pipeline cannot start\n`);
    expect(classes.value.map((c: any) => [c.className, c.state])).toEqual([
      ['Chart', 'stale'],
      ['Constant', 'fresh'],
      ['Extreme', 'fresh'],
      ['Gone', 'unknown'],
      ['Plain', 'fresh'],
    ]);
    const clean = geodata(['clean-cache', '--remove-unknown', '--module', BROKEN], folder);
    expect(clean.code).toBe(2);
    expect(clean.stderr).toContain('geodata clean-cache: error: --remove-unknown refuses to run while a pipeline module failed to load');
    expect(existsSync(join(folder, 'cache', h.gone.key, 'meta.json'))).toBe(true);
    expect(existsSync(join(folder, 'cache', h.constant1v1.key))).toBe(true);
  });

  it('refuses --remove-unknown when no class is loaded, which would remove every entry, and removes nothing', async () => {
    const folder = project(built);
    rmSync(join(folder, 'geodata.config.json'));
    const refused = await geodataInProcess(['clean-cache', '--remove-unknown', '--root', 'cache'], folder);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'geodata clean-cache: error: --remove-unknown refuses to run when no class is loaded: every entry would be unknown, and removed; name the pipeline modules (geodata clean-cache pipeline.ts, --module) or list them in geodata.config.json, or add --dry-run to see what it would remove\n',
    );
    for (const entry of stored) expect(existsSync(join(folder, 'cache', entry.key, 'meta.json')), entry.key).toBe(true);
    // A dry run may show it.
    const dry = await geodataJsonInProcess(['clean-cache', '--remove-unknown', '--dry-run', '--root', 'cache'], folder);
    expect(dry.code).toBe(0);
    expect(dry.value.removed.filter((item: { state: string }) => item.state === 'unknown')).toHaveLength(stored.length);
  });

  it('says how to load a TypeScript module of a package that is not "type": "module"', async () => {
    const folder = tempFolder('commonjs');
    mkdirSync(join(folder, 'cache'));
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'project' }));
    // geodata installed in the project, as npm links a local package: this repository.
    mkdirSync(join(folder, 'node_modules'));
    symlinkSync(REPO, join(folder, 'node_modules', 'geodata'), 'dir');
    const source = `import { Data, register } from 'geodata';\nexport class Leaf extends Data {}\nregister(Leaf);\n`;
    writeFileSync(join(folder, 'pipeline.ts'), source);
    const refused = await geodataInProcess(['classes', 'pipeline.ts', '--root', 'cache'], folder);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `geodata: error: cannot load pipeline module ${join(folder, 'pipeline.ts')}: Node loads it as CommonJS, because ${join(folder, 'package.json')} does not say "type": "module"; name it pipeline.mts, or add "type": "module" to ${join(folder, 'package.json')}\n`,
    );
    writeFileSync(join(folder, 'pipeline.mts'), source);
    const loaded = await geodataJsonInProcess(['classes', 'pipeline.mts', '--root', 'cache'], folder);
    expect([loaded.code, loaded.value.map((c: { className: string; state: string }) => [c.className, c.state])]).toEqual([0, [['Leaf', 'new']]]);
  });

  it('prunes the code registry after cleaning, the same in a dry run and a real one', async () => {
    const folder = project(built);
    expect((await geodataInProcess(['clean-cache'], folder)).code).toBe(0);
    backdate(join(folder, 'cache', '.source'), 10 * 60_000);
    const dry = await geodataJsonInProcess(['clean-source', '--dry-run'], folder);
    const real = await geodataJsonInProcess(['clean-source'], folder);
    expect([dry.code, real.code]).toEqual([0, 0]);
    expect(real.value.removed.map((item: any) => [item.kind, item.className, item.hash])).toEqual(
      [
        ['code', 'Constant', sources.v1],
        ['snapshot', 'Constant', h.constant1v1.meta.dep_tree_hash],
        ['snapshot', 'Chart', h.chart.meta.dep_tree_hash],
      ].sort((a, b) => (`${a[0]}/${a[2]}` < `${b[0]}/${b[2]}` ? -1 : 1)),
    );
    expect({ ...real.value, dryRun: true }).toEqual(dry.value);
    expect(existsSync(join(folder, 'cache', '.source', 'code', sources.v1))).toBe(false);
  });

  it('rebuilds the code registry from the loaded classes without touching entries', async () => {
    const folder = project(built);
    rmSync(join(folder, 'cache', '.source', 'code'), { recursive: true });
    rmSync(join(folder, 'cache', '.source', 'snapshots'), { recursive: true });
    const { code, value } = await geodataJsonInProcess(['rebuild-registry'], folder);
    expect(code).toBe(0);
    expect(value.written.filter((w: any) => w.kind === 'code').map((w: any) => [w.className, w.action]).sort()).toEqual([
      ['Chart', 'added'],
      ['Constant', 'added'],
      ['Extreme', 'added'],
      ['Plain', 'added'],
      ['node:fs/promises:writeFile', 'added'],
    ]);
    expect(value.written.filter((w: any) => w.kind === 'snapshot')).toHaveLength(4);
    expect(readFileSync(join(folder, 'cache', '.source', 'code', sources.v2, 'source.js'), 'utf8')).toContain('constant v2');
    expect(storedEntries(join(folder, 'cache')).map((e) => e.hash).sort()).toEqual(stored.map((e) => e.hash).sort());
  });

  it('exports entries and imports them into an empty cache, where loading them is a hit', async () => {
    const folder = project(built);
    const exported = await geodataInProcess(['export', h.constant1v2.hash.slice(0, 10), h.min.hash.slice(0, 10), '-o', 'out.tar.gz'], folder);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(new RegExp(`^wrote ${join(folder, 'out.tar.gz')} \\(2 entries, \\S+ kB\\)\\n$`));
    // The same entry named twice is exported once, and counted once.
    const twice = await geodataJsonInProcess(['export', h.min.hash.slice(0, 10), h.min.hash, '-o', 'min.tar.gz'], folder);
    expect(twice.code).toBe(0);
    expect(twice.value).toMatchObject({ path: join(folder, 'min.tar.gz'), entries: 1 });
    // The entry Chart's computation loaded goes along, and is counted.
    const chart = await geodataInProcess(['export', h.chart.hash.slice(0, 10), '-o', 'chart.tar.gz'], folder);
    expect([chart.code, chart.stdout]).toEqual([0, expect.stringMatching(new RegExp(`^wrote ${join(folder, 'chart.tar.gz')} \\(2 entries: 1 asked for, 1 loaded by its computation, \\S+ kB\\)\\n$`))]);
    const chartJson = await geodataJsonInProcess(['export', h.chart.hash, '-o', 'chart.tar.gz'], folder);
    expect(chartJson.value).toMatchObject({ entries: 2, requested: 1, loaded: 1 });
    const single = await geodataInProcess(['import', 'min.tar.gz', '--root', 'single'], folder);
    expect(single.stdout).toMatch(/\n1 entry was taken on trust: its output is the archive's, not computed here; geodata verify --imported recomputes and compares it\n$/);
    const both = await geodataInProcess(['import', 'chart.tar.gz', '--root', 'both', '--dry-run'], folder);
    expect(both.stdout).toMatch(/\n2 entries would be taken on trust: their outputs are the archive's, not computed here; geodata verify --imported recomputes and compares them\n$/);
    // The common options may come first, as the README writes it.
    const imported = await geodataJsonInProcess(['--root', 'other', 'import', 'out.tar.gz'], folder);
    expect(imported.code).toBe(0);
    expect(imported.value.added.filter((item: any) => item.kind === 'entry').map((item: any) => item.hash).sort()).toEqual([h.constant1v2.hash, h.min.hash].sort());
    expect(runPipeline(join(folder, 'other'), V2)).toEqual({ computed: [], hits: ['Constant'] });

    const again = await geodataJsonInProcess(['import', 'out.tar.gz', '--root', 'other'], folder);
    expect(again.value.added).toEqual([]);
    expect(again.value.skipped).toHaveLength(imported.value.added.length);
    const dry = await geodataJsonInProcess(['import', 'out.tar.gz', '--root', 'third', '--dry-run'], folder);
    expect(dry.value.added).toEqual(imported.value.added);
    expect(existsSync(join(folder, 'third'))).toBe(false);
  });

  it('rejects archives with unsafe paths, and corrupt ones, writing nothing', async () => {
    const folder = project(built);
    const manifest = { path: 'geodata-export.json', bytes: new TextEncoder().encode('{"format_version": 1, "created_at": "2025-01-31T12:00:00.000Z"}') };
    for (const [name, path, message] of [
      ['up.tar.gz', '../evil.txt', 'has an unsafe path "../evil.txt": it has a ".." segment'],
      ['absolute.tar.gz', '/tmp/evil.txt', 'has an unsafe path "/tmp/evil.txt": it is absolute'],
    ]) {
      writeFileSync(join(folder, name!), await gzipChunks(ustarChunks([manifest, { path: path!, bytes: new TextEncoder().encode('x') }], 0)));
      const run = await geodataInProcess(['import', name!, '--root', 'target'], folder);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`geodata import: error: archive ${name} ${message}`);
      expect(existsSync(join(folder, 'target'))).toBe(false);
    }
    expect((await geodataInProcess(['export', h.min.hash, '-o', 'good.tar.gz'], folder)).code).toBe(0);
    const good = readFileSync(join(folder, 'good.tar.gz'));
    writeFileSync(join(folder, 'cut.tar.gz'), good.subarray(0, good.length - 30));
    const cut = await geodataInProcess(['import', 'cut.tar.gz', '--root', 'target'], folder);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/^geodata import: error: archive cut\.tar\.gz is corrupt: /);
    expect(existsSync(join(folder, 'target'))).toBe(false);
  });

  it('accepts the common options before the command name too', async () => {
    const folder = project(built);
    const elsewhere = join(folder, 'elsewhere');
    mkdirSync(elsewhere);
    const before = await geodataJsonInProcess(['--root=../cache', '-m', V1, 'classes'], elsewhere);
    const after = await geodataJsonInProcess(['classes', '--root=../cache', '-m', V1], elsewhere);
    expect([before.code, before.stderr]).toEqual([0, '']);
    expect(before.value).toEqual(after.value);
    const leading = await geodataJsonInProcess(['--json', '--full-hash', '--root', '../cache', 'entry', h.min.hash.slice(0, 8)], elsewhere);
    expect([leading.code, leading.value.stateHash]).toEqual([0, h.min.hash]);
    const commandOption = await geodataInProcess(['--port', '0', 'browse'], folder);
    expect([commandOption.code, commandOption.stderr]).toEqual([2, 'geodata: option --port is not a common option: put it after the command name (geodata <command> --port ...); the common options are --root, --config, -m/--module, --json, --full-hash\n']);
    const noCommand = await geodataInProcess(['--root', 'cache'], folder);
    expect([noCommand.code, noCommand.stderr]).toEqual([2, 'geodata: the command is missing after the options; the commands are status, classes, entries, entry, explain, code, versions, clean-cache, clean-source, rebuild-registry, export, import, verify, browse, assets, worker (geodata --help)\n']);
  });

  it('says how to name the pipeline modules when none is named, in the form each command takes', async () => {
    const folder = project(built);
    rmSync(join(folder, 'geodata.config.json'));
    const note = (command: string) =>
      `geodata: note: no pipeline module was named, so no class is loaded and none can be judged fresh or stale; name them (${command}) or list them in geodata.config.json\n`;
    const explained = await geodataInProcess(['explain', '--root', 'cache', short(h.chart.hash)], folder);
    expect([explained.code, explained.stderr]).toEqual([0, note('geodata explain pipeline.ts <hash-prefix>')]);
    expect((await geodataInProcess(['entry', '--root', 'cache', short(h.chart.hash)], folder)).stderr).toBe(note('geodata entry pipeline.ts <hash-prefix>'));
    expect((await geodataInProcess(['code', 'Chart', '--root', 'cache'], folder)).stderr).toBe(note('geodata code pipeline.ts <class>'));
    expect((await geodataInProcess(['status', '--root', 'cache'], folder)).stderr).toBe(note('geodata status pipeline.ts, or --module'));
    // Moving entries between caches judges nothing: no note.
    expect((await geodataInProcess(['export', short(h.min.hash), '-o', 'min.tar.gz', '--root', 'cache'], folder)).stderr).toBe('');
  });

  it('takes the pipeline module of explain, entry and code positionally, before their own arguments', async () => {
    const folder = project(built);
    rmSync(join(folder, 'geodata.config.json'));
    const withFlag = await geodataJsonInProcess(['explain', '-m', V2, '--root', 'cache', short(h.chart.hash)], folder);
    const positional = await geodataJsonInProcess(['explain', V2, short(h.chart.hash), '--root', 'cache'], folder);
    expect([positional.code, positional.stderr]).toEqual([0, '']);
    expect(positional.value).toEqual(withFlag.value);
    const code = await geodataJsonInProcess(['code', V2, 'Chart', '--root', 'cache'], folder);
    expect([code.code, code.stderr, code.value.className]).toEqual([0, '', 'Chart']);
  });

  it('explains bad usage with exit code 2', async () => {
    const folder = project(built);
    const cases: Array<[string[], string | RegExp]> = [
      [['bogus'], /^geodata: unknown command "bogus"; the commands are status, classes, /],
      [['entry'], 'geodata entry: error: usage: geodata entry [pipeline-module...] <hash-prefix> (modules first, or with -m pipeline.ts)\n'],
      [['explain', V2], 'geodata explain: error: usage: geodata explain [pipeline-module...] <hash-prefix> (modules first, or with -m pipeline.ts)\n'],
      [['classes', '--bogus'], /^geodata classes: error: Unknown option '--bogus'.*; see geodata classes --help\n$/],
      [['status', '--config', 'missing.json'], `geodata status: error: config file ${join(folder, 'missing.json')} does not exist; give an existing file to --config, or leave it out\n`],
      [['status', '--root', 'nowhere'], `geodata status: error: the cache root ${join(folder, 'nowhere')} does not exist or is not a folder; give the right one with --root\n`],
      [['export', h.min.hash], 'geodata export: error: export needs the archive to write: add -o FILE.tar.gz\n'],
      [['entries', '--state', 'old'], 'geodata entries: error: --state "old" is not a state; use one of fresh, stale, input-changed, unknown, damaged, incomplete\n'],
    ];
    for (const [args, expected] of cases) {
      const run = geodata(args, folder);
      expect([args, run.code]).toEqual([args, 2]);
      if (typeof expected === 'string') expect(run.stderr).toBe(expected);
      else expect(run.stderr).toMatch(expected);
    }
    const help = await geodataInProcess(['--help'], folder);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}clean-cache +remove stale and damaged entries/m);
  });
});
