import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Data, Hillshade, Mosaic, Raster, Slope, SpatialSpec, getConfig, load, process, processAll, readRaster, register, type PipelineEvent } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [30, 40] });

/** A value per pixel from its map coordinates: a tile's pixels are the untiled grid's pixels. */
class Field extends Data<Raster> {
  async _process(spec: SpatialSpec) {
    const [h, w] = spec.shape!;
    const [a, , c, , e, f] = spec.transform!;
    const values = Float32Array.from({ length: h * w }, (_, i) => (c + a * (i % w)) * 0.001 + (f + e * Math.floor(i / w)) * 0.0001);
    await Raster.fromArrays([values], spec).write(this.ensureProcessedPath(spec));
  }
}
register(Field);

/** A smooth terrain from map coordinates (whole metres: a tile computes the untiled grid's values exactly). */
class Dem extends Data<Raster> {
  async _process(spec: SpatialSpec) {
    const [h, w] = spec.shape!;
    const [a, , c, , e, f] = spec.transform!;
    const values = Float32Array.from({ length: h * w }, (_, i) => {
      const x = c + a * (i % w);
      const y = f + e * Math.floor(i / w);
      return 400 + 80 * Math.sin(x / 90) * Math.cos(y / 70) + 0.05 * (x - 600000);
    });
    await Raster.fromArrays([values], spec).write(this.ensureProcessedPath(spec));
  }
}
register(Dem);

/** Two Int16 bands with nodata, scales, offsets and names, as a tile writes them. */
class Described extends Data<Raster> {
  async _process(spec: SpatialSpec) {
    const [h, w] = spec.shape!;
    const [a, , c, , e, f] = spec.transform!;
    const band = (k: number) => Int16Array.from({ length: h * w }, (_, i) => ((c + a * (i % w) - 600000) / 10 + (f + e * Math.floor(i / w) - 5200000) * k) % 97 || -1);
    await Raster.fromArrays([band(1), band(-2)], spec, { nodata: -1, scales: [0.5, 2], offsets: [10, 0], names: ['red', 'nir'] }).write(this.ensureProcessedPath(spec));
  }
}
register(Described);

/**
 * The pixels (row-major) on the inner edges of the cores of a rows x cols split of SPEC; with
 * `margin` 1, the parent grid's own edge pixels left out (slope leaves those nodata, tiled or not).
 */
function seamPixels(grid: { rows: number; cols: number }, margin: 0 | 1): number[] {
  const [height, width] = SPEC.shape!;
  const edges = (tiles: ReturnType<typeof SPEC.tiles>, axis: 0 | 1, length: number) => {
    const set = new Set<number>();
    let start = 0;
    for (const t of tiles) {
      const end = start + t.shape![axis];
      if (start > 0) set.add(start);
      if (end < length) set.add(end - 1);
      start = end;
    }
    return set;
  };
  const rows = edges(SPEC.tiles({ rows: grid.rows, cols: 1 }), 0, height);
  const cols = edges(SPEC.tiles({ rows: 1, cols: grid.cols }), 1, width);
  const seams: number[] = [];
  for (let r = margin; r < height - margin; r++) for (let c = margin; c < width - margin; c++) if (rows.has(r) || cols.has(c)) seams.push(r * width + c);
  return seams;
}

function differing(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

/** Reads the input file named after its tile's origin (through GDAL, so the read is recorded). */
class Patch extends Data {
  constructor(public folder: string) {
    super();
  }
  async _process(spec: SpatialSpec) {
    const input = `${this.folder}/patch-${spec.transform![2]}-${spec.transform![5]}.tif`;
    await getConfig().engine.translate(input, this.ensureProcessedPath(spec), []);
  }
}
register(Patch);

async function writePatches(folder: string, grid: { rows: number; cols: number }, valueOf: (i: number) => number) {
  mkdirSync(folder, { recursive: true });
  const tiles = SPEC.tiles(grid);
  for (const [i, tile] of tiles.entries()) {
    const raster = Raster.fromArrays([new Float32Array(tile.shape![0] * tile.shape![1]).fill(valueOf(i))], tile);
    await raster.write(join(folder, `patch-${tile.transform![2]}-${tile.transform![5]}.tif`));
  }
  return tiles;
}

describe('Mosaic', () => {
  const cache = useTempCache('geodata-mosaic');

  it('stitches tile entries into a COG equal pixel for pixel to the untiled run', async () => {
    const mosaic = await load(new Mosaic(new Field(), { rows: 3, cols: 4 }), SPEC);
    const untiled = await load(new Field(), SPEC);
    expect(mosaic.width).toBe(40);
    expect(mosaic.height).toBe(30);
    expect([...mosaic.transform]).toEqual([...untiled.transform]);
    expect(Array.from(mosaic.band(0).data)).toEqual(Array.from(untiled.band(0).data));
    // 12 tiles, the mosaic, and the untiled Field.
    expect(cache.computed().sort()).toEqual([...Array(13).fill('Field'), 'Mosaic'].sort());
  });

  it('writes a VRT whose sources are the tile entries, by paths relative to it', async () => {
    const entry = await process(new Mosaic(new Field(), { rows: 2, cols: 2 }, 'vrt'), SPEC);
    const xml = new TextDecoder().decode((await load<Uint8Array>(new Mosaic(new Field(), { rows: 2, cols: 2 }, 'vrt'), SPEC)));
    const sources = [...xml.matchAll(/<SourceFilename relativeToVRT="1">([^<]*)<\/SourceFilename>/g)].map((m) => m[1]);
    const tiles = await processAll(SPEC.tiles({ rows: 2, cols: 2 }).map((t) => [new Field(), t] as const));
    expect(sources.sort()).toEqual(tiles.map((t) => `../${t.stateHash}/field.tif`).sort());
    const copy = join(cache.root, 'copy.tif');
    await getConfig().engine.translate(entry.path, copy, []);
    const raster = await readRaster(copy);
    expect(Array.from(raster.band(0).data)).toEqual(Array.from((await load(new Field(), SPEC)).band(0).data));
  });

  it('recomputes only the tile whose input changed, and the mosaic', async () => {
    const folder = join(cache.root, 'inputs');
    const tiles = await writePatches(folder, { rows: 2, cols: 3 }, (i) => i);
    const mosaic = new Mosaic(new Patch(folder), { rows: 2, cols: 3 });
    expect(Array.from(new Set((await load(mosaic, SPEC)).band(0).data)).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    cache.events.length = 0;
    const changed = tiles[4]!;
    const raster = Raster.fromArrays([new Float32Array(changed.shape![0] * changed.shape![1]).fill(40)], changed);
    await raster.write(join(folder, `patch-${changed.transform![2]}-${changed.transform![5]}.tif`));
    const again = await load(mosaic, SPEC);
    expect(cache.computed().sort()).toEqual(['Mosaic', 'Patch']);
    expect(Array.from(new Set(again.band(0).data)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 5, 40]);
  });

  it('with a halo of 1, tiled slope and hillshade equal the untiled run pixel for pixel; without, they differ exactly along the seams', async () => {
    const grid = { rows: 2, cols: 3 };
    const untiledSlope = Array.from((await load(new Slope(new Dem()), SPEC)).band(0).data);
    const haloSlope = await load(new Mosaic(new Slope(new Dem()), { ...grid, halo: 1 }), SPEC);
    expect([haloSlope.height, haloSlope.width]).toEqual([30, 40]);
    expect(differing(haloSlope.band(0).data, untiledSlope)).toEqual([]);
    const plainSlope = await load(new Mosaic(new Slope(new Dem()), grid), SPEC);
    expect(differing(plainSlope.band(0).data, untiledSlope)).toEqual(seamPixels(grid, 1));

    // computeEdges: the parent grid's edges are computed as in the untiled run, the seams from real neighbours.
    const untiledShade = Array.from((await load(new Hillshade(new Dem(), { computeEdges: true }), SPEC)).band(0).data);
    const haloShade = await load(new Mosaic(new Hillshade(new Dem(), { computeEdges: true }), { ...grid, halo: 1 }), SPEC);
    expect(differing(haloShade.band(0).data, untiledShade)).toEqual([]);
    const plainShade = await load(new Mosaic(new Hillshade(new Dem(), { computeEdges: true }), grid), SPEC);
    expect(differing(plainShade.band(0).data, untiledShade).length).toBeGreaterThan(0);
    // Byte shading: a seam pixel computed as an edge may still round to the true value.
    const seams = new Set(seamPixels(grid, 0));
    expect(differing(plainShade.band(0).data, untiledShade).filter((i) => !seams.has(i))).toEqual([]);
  });

  it('a VRT mosaic with a halo crops each tile to its core', async () => {
    const entry = await process(new Mosaic(new Slope(new Dem()), { rows: 2, cols: 2, halo: 1 }, 'vrt'), SPEC);
    const copy = join(cache.root, 'halo-copy.tif');
    await getConfig().engine.translate(entry.path, copy, []);
    expect(differing((await readRaster(copy)).band(0).data, (await load(new Slope(new Dem()), SPEC)).band(0).data)).toEqual([]);
  });

  it('keeps nodata, scales, offsets, band names and the DEFLATE COG layout of what the tiles wrote', async () => {
    const mosaic = await process(new Mosaic(new Described(), { rows: 2, cols: 3 }), SPEC);
    const tiled = await readRaster(mosaic.path);
    const untiledPath = join(cache.root, 'described-cog.tif');
    await (await load(new Described(), SPEC)).write(untiledPath, { cog: true });
    const untiled = await readRaster(untiledPath);
    expect(tiled.dtype).toBe('int16');
    expect([tiled.nodata, tiled.scales, tiled.offsets, tiled.names]).toEqual([-1, [0.5, 2], [10, 0], ['red', 'nir']]);
    expect([tiled.nodata, tiled.scales, tiled.offsets, tiled.names]).toEqual([untiled.nodata, untiled.scales, untiled.offsets, untiled.names]);
    for (const b of [0, 1]) expect(differing(tiled.band(b).data, untiled.band(b).data)).toEqual([]);
    const structure = (path: string) => getConfig().engine.info(path).then((info) => info.metadata?.['IMAGE_STRUCTURE']);
    expect(await structure(mosaic.path)).toEqual(await structure(untiledPath));
    expect(await structure(mosaic.path)).toMatchObject({ COMPRESSION: 'DEFLATE', LAYOUT: 'COG' });
  });

  it('refuses what it cannot tile', () => {
    expect(() => new Mosaic(new Field(), { rows: 2, cols: 2, halo: 0.5 })).toThrow('Mosaic: the tile grid\'s halo must be a whole number of pixels, 0 or more (1 for slope or hillshade tiles), got 0.5');
    expect(() => new Mosaic({} as Data, { rows: 2, cols: 2 })).toThrow('Mosaic needs a Data instance to tile (its tile parameter), got object');
    expect(() => new Mosaic(new Field(), { rows: 0, cols: 2 })).toThrow('Mosaic needs a tile grid { rows, cols } of positive integers, got {"rows":0,"cols":2}');
    expect(() => new Mosaic(new Field(), { rows: 1, cols: 2 }, 'png' as 'cog')).toThrow('Mosaic format must be "cog" or "vrt", got "png"');
  });
});

describe('processAll', () => {
  const cache = useTempCache('geodata-process-all');

  it('processes every item once, hits the rest, and reports progress over the batch', async () => {
    const seen: Array<Extract<PipelineEvent, { type: 'batch' }>> = [];
    const tiles = SPEC.tiles({ rows: 2, cols: 2 });
    await process(new Field(), tiles[0]);
    const entries = await processAll([...tiles.map((t) => [new Field(), t] as const), [new Field(), tiles[1]!]], { concurrency: 3, onProgress: (e) => seen.push(e) });
    expect(entries.map((e) => e.computed)).toEqual([false, true, true, true, false]);
    expect(new Set(entries.map((e) => e.stateHash)).size).toBe(4);
    expect(seen[0]).toMatchObject({ type: 'batch', total: 5, done: 0, computed: 0, failed: 0 });
    expect(seen.at(-1)).toMatchObject({ total: 5, done: 5, computed: 3, failed: 0 });
    expect(seen.map((e) => e.done)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cache.events.filter((e) => e.type === 'batch')).toHaveLength(6);
  });

  it('a progress callback that throws is warned about and fails no item: each is counted done once', async () => {
    const tiles = SPEC.tiles({ rows: 1, cols: 2 });
    const seen: Array<[number, number]> = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const entries = await processAll(
        tiles.map((t) => [new Field(), t] as const),
        {
          concurrency: 1,
          onProgress: (e) => {
            seen.push([e.done, e.failed]);
            if (e.item) throw new Error('a bug in the progress bar');
          },
        },
      );
      expect(entries.map((e) => e.computed)).toEqual([true, true]);
      expect(seen).toEqual([[0, 0], [1, 0], [2, 0]]);
      expect(warn.mock.calls.map((call) => [call[0], (call[1] as Error).message])).toEqual([
        ['geodata: a processAll onProgress callback threw:', 'a bug in the progress bar'],
        ['geodata: a processAll onProgress callback threw:', 'a bug in the progress bar'],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('attempts every item and then names the ones that failed', async () => {
    const tiles = SPEC.tiles({ rows: 1, cols: 2 });
    const error = await processAll([[new Field(), tiles[0]!], [new Patch('/nonexistent'), tiles[1]!], [new Field(), tiles[1]!]]).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^processAll: 1 of 3 items failed \(items 1\); the first: computing Patch for SpatialSpec/);
    expect(cache.computed().sort()).toEqual(['Field', 'Field']);
  });
});
