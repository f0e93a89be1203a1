import { describe, expect, it } from 'vitest';
import * as geodata from '../../src/node.js';
import { Raster, SpatialSpec, explain, getConfig, load } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

/**
 * The pygeodata headline example, with real code edits: each version of a class is compiled from
 * source text, as a re-run notebook cell or an edited module would give it.
 */
function define(source: string): new () => geodata.Data {
  const names = ['Data', 'Reprojector', 'process', 'slope', 'register', 'defaultRegistry'] as const;
  // Class names resolve to the versions registered now, as a module re-run after an edit sees them.
  const factory = new Function(
    ...names,
    'DEM',
    `const ElevationLoader = defaultRegistry.get('ElevationLoader'); const cls = (${source}); register(cls); return cls;`,
  );
  return factory(...names.map((name) => geodata[name]), sample('elev_vinschgau.tif'));
}

const ELEVATION = `class ElevationLoader extends Data {
  get processor() { return new Reprojector(DEM, { resampling: 'bilinear' }); }
}`;
const SLOPE = `class SlopeLoader extends Data {
  async _process(spec) {
    await process(new ElevationLoader(), spec);
    await slope(new ElevationLoader().getProcessedPath(spec), this.ensureProcessedPath(spec));
  }
}`;

describe.skipIf(!HAS_DATA)(`the headline example on elev_vinschgau.tif${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const cache = useTempCache();
  const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [250, 0, 4340000, 0, -250, 2600000], shape: [200, 260] });

  it('computes both, then nothing, then both after an ElevationLoader edit, then only SlopeLoader after a SlopeLoader edit', async () => {
    getConfig().update({ spec });
    define(ELEVATION);
    const SlopeLoader = define(SLOPE);

    const first = await load<Raster>(new SlopeLoader());
    expect(cache.computed()).toEqual(['ElevationLoader', 'SlopeLoader']);
    expect(first.spec.equals(spec)).toBe(true);
    expect(first.stats(0)!.max).toBeGreaterThan(30);

    cache.resetEvents();
    await load(new SlopeLoader());
    expect(cache.computed()).toEqual([]);

    // Bilinear → cubic: ElevationLoader's code changed, so SlopeLoader (which calls it) is stale too.
    define(ELEVATION.replace("'bilinear'", "'cubic'"));
    // The module that imports ElevationLoader is re-run too: the same SlopeLoader code, a new binding.
    const Reloaded = define(SLOPE);
    const why = await explain(new Reloaded());
    expect(why.status).toBe('stale');
    expect(why.summary.join('\n')).toMatch(/ElevationLoader's code changed .* and SlopeLoader depends on it/);
    cache.resetEvents();
    await load(new Reloaded());
    expect(cache.computed()).toEqual(['ElevationLoader', 'SlopeLoader']);

    // Percent instead of degrees: only SlopeLoader's own code changed.
    const Edited = define(SLOPE.replace('this.ensureProcessedPath(spec))', "this.ensureProcessedPath(spec), { slopeFormat: 'percent' })"));
    cache.resetEvents();
    const percent = await load<Raster>(new Edited());
    expect(cache.computed()).toEqual(['SlopeLoader']);
    expect(percent.stats(0)!.max).toBeGreaterThan(first.stats(0)!.max);
    expect(cache.hits()).toContain('ElevationLoader');
  });
});
