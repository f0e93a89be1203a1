import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { Hillshade, type Raster, Slope, SpatialSpec, getConfig, load, process as processEntry, readRaster, syntheticTerrain } from '../../src/node.js';
import { EXAMPLE_SPEC, Elevation, exampleSteps } from '../../examples/pipeline.js';
import { useTempCache } from '../helpers/cache.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('the example pipeline', () => {
  const cache = useTempCache();

  it('reprojects the generated DEM exactly onto the example grid, with slope and hillshade on the same grid', async () => {
    const source = join(cache.root, 'dem.tif');
    await syntheticTerrain({ size: 512, pixel: 30 }).write(source);
    getConfig().update({ spec: EXAMPLE_SPEC });
    const elevation = await load<Raster>(new Elevation(source));
    expect(elevation.spec.equals(EXAMPLE_SPEC)).toBe(true);
    const slope = await load<Raster>(new Slope(new Elevation(source)));
    const shade = await load<Raster>(new Hillshade(new Elevation(source), { multidirectional: true }));
    expect(slope.spec.equals(EXAMPLE_SPEC)).toBe(true);
    expect(shade.dtype).toBe('uint8');
    const stats = slope.stats(0)!;
    expect(stats.min).toBeGreaterThanOrEqual(0);
    expect(stats.max).toBeLessThan(90);
    // The lake of the generated terrain is nodata in the elevation and in its slope.
    expect(elevation.stats(0)!.valid).toBeLessThan(375 * 370);
    expect(cache.computed()).toEqual(['Elevation', 'Slope', 'Hillshade']);
  });

  it('renders both figures as PNGs of the grid plus title and colour bar, and recomputes nothing the second time', async () => {
    const source = join(cache.root, 'dem.tif');
    await syntheticTerrain({ size: 512, pixel: 30 }).write(source);
    getConfig().update({ spec: EXAMPLE_SPEC });
    for (const step of exampleSteps(source)) await processEntry(step.instance);
    expect(cache.computed().sort()).toEqual(['Elevation', 'ElevationFigure', 'Hillshade', 'Slope', 'SlopeFigure']);
    cache.resetEvents();
    const entries = [];
    for (const step of exampleSteps(source)) entries.push(await processEntry(step.instance));
    expect(cache.computed()).toEqual([]);
    expect(entries.every((entry) => !entry.computed)).toBe(true);
    const figure = PNG.sync.read((await import('node:fs')).readFileSync(entries[3]!.path));
    expect(figure.width).toBeGreaterThan(370);
    expect(figure.height).toBeGreaterThan(375);
    expect((await readRaster(entries[1]!.path)).spec.equals(EXAMPLE_SPEC)).toBe(true);
  });
});

describe('a CRS-only spec', () => {
  const cache = useTempCache();

  it('is completed by the Reprojector and recorded complete for the datasets computed from it', async () => {
    const source = join(cache.root, 'dem.tif');
    await syntheticTerrain({ size: 128, pixel: 30 }).write(source);
    const partial = new SpatialSpec({ crs: 'EPSG:3035' });
    const slope = await load<Raster>(new Slope(new Elevation(source)), partial);
    const elevation = await load<Raster>(new Elevation(source), partial);
    expect(slope.spec.equals(elevation.spec)).toBe(true);
    expect(slope.spec.isFullyDefined).toBe(true);
    const entry = await processEntry(new Slope(new Elevation(source)), partial);
    const recorded = JSON.parse((await import('node:fs')).readFileSync(join(cache.root, 'data_processed', entry.stateHash, 'spec.json'), 'utf8'));
    expect(recorded.shape).toEqual([elevation.height, elevation.width]);
  });
});

describe('npm start', () => {
  it('runs the main job twice: everything computed, then everything a cache hit', () => {
    const root = mkdtempSync(join(tmpdir(), 'geodata-main-'));
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'examples/main.ts', '--root', join(root, 'cache')], { cwd: REPO, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      const [first, second] = result.stdout.split('second run:');
      expect(first!.match(/computed \(/g)).toHaveLength(5);
      expect(second!.match(/cache hit/g)).toHaveLength(5);
      expect(existsSync(join(root, 'source', 'terrain_utm32n.tif'))).toBe(true);

      // `npm start` again, a new process on the same cache: both runs are hits, and nothing is rewritten.
      const again = spawnSync(process.execPath, ['--import', 'tsx', 'examples/main.ts', '--root', join(root, 'cache')], { cwd: REPO, encoding: 'utf8' });
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout.match(/cache hit/g)).toHaveLength(10);
      expect(again.stdout).not.toMatch(/computed \(|wrote the source DEM/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
