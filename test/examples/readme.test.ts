/**
 * The README's first pipeline, run verbatim as its text says: saved as pipeline.ts beside the DEM
 * that `npm start` writes, run with tsx, then judged by the `geodata` command. It runs in a
 * temporary project that has this repository installed (node_modules/geodata links to it, as
 * `npm link` would), so the cache it writes to the working directory stays out of the repository.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConfig, syntheticTerrain } from '../../src/node.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;

/** The first ```ts block after a heading. */
function codeAfter(heading: string): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`README.md has no ts code block after ${heading}`);
  return block[1]!;
}

describe("the README's first pipeline", () => {
  const project = mkdtempSync(join(tmpdir(), 'geodata-readme-'));
  const run = (args: string[]) => spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', timeout: 120_000 });
  beforeAll(async () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme', private: true, type: 'module' }));
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(REPO, join(project, 'node_modules', 'geodata'), 'dir');
    writeFileSync(join(project, 'pipeline.ts'), codeAfter('## A first pipeline'));
    // What `npm start` writes (examples/main.ts), where the README's pipeline reads it.
    mkdirSync(join(project, 'examples', 'output', 'source'), { recursive: true });
    await syntheticTerrain({ size: 512, pixel: 30 }).write(join(project, 'examples', 'output', 'source', 'terrain_utm32n.tif'));
    await getConfig().engine.close();
  }, 120_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));
  /** Each entry's meta.json and when it was written. */
  const metaTimes = () =>
    Object.fromEntries(
      ['data_processed', 'figures'].flatMap((folder) =>
        readdirSync(join(project, folder)).map((hash) => [`${folder}/${hash}`, statSync(join(project, folder, hash, 'meta.json')).mtimeMs]),
      ),
    );

  it('runs with tsx, computing its three entries, and again from the cache', () => {
    const first = run(['--import', TSX, 'pipeline.ts']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^elevation 370x375, slope up to \d+\.\d°, map \S+\/figures\/[0-9a-f]{64}\/slope_map\.png\n$/);
    const written = metaTimes();
    expect(Object.keys(written)).toHaveLength(3);
    const second = run(['--import', TSX, 'pipeline.ts']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    // Hits: no entry was written again.
    expect(metaTimes()).toEqual(written);
  });

  it('is judged fresh by the geodata command the README shows next', () => {
    const classes = run([join(REPO, 'bin', 'geodata.js'), 'classes', 'pipeline.ts', '--json']);
    expect(classes.status, classes.stderr).toBe(0);
    // Importing the module runs it (a script), which prints its line before the command's JSON.
    const json = classes.stdout.slice(classes.stdout.indexOf('\n[') + 1);
    const states = (JSON.parse(json) as Array<{ className: string; state: string; entries: { count: number } }>).map((c) => [c.className, c.state, c.entries.count]);
    expect(states).toEqual([
      ['ElevationLoader', 'fresh', 1],
      ['SlopeLoader', 'fresh', 1],
      ['SlopeMap', 'fresh', 1],
    ]);
  });
});

describe("the README's SVG figures: the slope map as SVG and a slope histogram drawn with Observable Plot", () => {
  const project = mkdtempSync(join(tmpdir(), 'geodata-readme-svg-'));
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('stores both as .svg, with real text, beside the first pipeline', async () => {
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-svg', private: true, type: 'module' }));
    mkdirSync(join(project, 'node_modules', '@observablehq'), { recursive: true });
    symlinkSync(REPO, join(project, 'node_modules', 'geodata'), 'dir');
    symlinkSync(join(REPO, 'node_modules', '@observablehq', 'plot'), join(project, 'node_modules', '@observablehq', 'plot'), 'dir');
    mkdirSync(join(project, 'examples', 'output', 'source'), { recursive: true });
    await syntheticTerrain({ size: 512, pixel: 30 }).write(join(project, 'examples', 'output', 'source', 'terrain_utm32n.tif'));
    await getConfig().engine.close();
    // The first pipeline's classes, then the SVG section's, then what makes the figures.
    const first = codeAfter('## A first pipeline').replace(/^const elevation = [\s\S]*$/m, '');
    const svg = codeAfter('### Figures as SVG, and charts').replace(/^import .*\n/gm, '');
    const imports = "import * as Plot from '@observablehq/plot';\nimport { renderSvg, svgDocument, produce as make } from 'geodata';\n";
    const tail = "for (const figure of [new SlopeMapSvg(), new SlopeHistogram()]) console.log((await make(figure)).path);\nawait getConfig().engine.close();\n";
    writeFileSync(join(project, 'svg.ts'), `${imports}${first}\n${svg}\n${tail}`);
    const run = spawnSync(process.execPath, ['--import', TSX, 'svg.ts'], { cwd: project, encoding: 'utf8', timeout: 180_000 });
    expect(run.status, run.stderr).toBe(0);
    const paths = run.stdout.trim().split('\n');
    expect(paths.map((path) => path.slice(path.lastIndexOf('/') + 1))).toEqual(['slope_map_svg.svg', 'slope_histogram.svg']);
    const map = readFileSync(paths[0]!, 'utf8');
    expect(map).toContain('>Slope (°)</text>');
    const histogram = readFileSync(paths[1]!, 'utf8');
    expect(histogram.startsWith('<svg')).toBe(true);
    expect(histogram).toContain('Slope (°)');
  }, 240_000);
});
