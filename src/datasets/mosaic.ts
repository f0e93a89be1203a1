import { getConfig } from '../config.js';
import { Data } from '../data/data.js';
import { Figure } from '../data/figure.js';
import type { Tracked } from '../data/tracked.js';
import { InvalidInputError, PipelineError } from '../errors.js';
import { defaultRegistry, markLibraryClass, register } from '../fingerprint/index.js';
import { processAll } from '../pipeline/process-all.js';
import type { TypedArray } from '../raster/dtype.js';
import { Raster } from '../raster/raster.js';
import { readRaster } from '../raster/read-raster.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { tileWindows, type TileGrid } from '../spec/tiles.js';

/** How a `Mosaic` is written: a cloud-optimised GeoTIFF (default), or a VRT over the tile entries. */
export type MosaicFormat = 'cog' | 'vrt';

/**
 * The tile entries of any Data instance, mosaicked back into the parent grid: write the per-tile
 * pipeline once, and ask for the mosaic at the full spec. Computing it computes (or finds) the
 * entry of `tile` at each of `spec.tiles(grid)` through `processAll` — with a queue executor,
 * those are jobs for the workers — and then stitches them: `cog` copies the pixels into one
 * DEFLATE COG (`load` gives a Raster; the whole mosaic passes through memory once), `vrt` writes a small VRT that points at the tile entries'
 * files by relative path (`../<state_hash>/<file>`, so it opens on any machine that mounts the
 * shared store; `load` gives its XML bytes, GDAL opens `getProcessedPath()`).
 *
 * A tile whose input changes is computed again alone; the mosaic records the tile entries it
 * used, so it is recomputed too, and the other tiles are hits. The mosaic itself always runs in
 * the asking process (`computeLocally`): it only waits for tiles and copies bytes.
 * @example const slopeMap = await load(new Mosaic(new Slope(new Elevation()), { rows: 4, cols: 4 }));
 */
export class Mosaic extends Data<Raster> {
  /** Runs where it is asked for, never as a job: its work is waiting for the tile jobs. */
  static readonly computeLocally = true;

  constructor(
    public tile: Tracked,
    public grid: TileGrid,
    public format: MosaicFormat = 'cog',
  ) {
    super();
    if (!tile || typeof (tile as Tracked).getProcessedPath !== 'function' || tile instanceof Figure) {
      throw new InvalidInputError(`Mosaic needs a Data instance to tile (its tile parameter), got ${tile instanceof Figure ? `the Figure ${tile.constructor.name}` : typeof tile}`);
    }
    if (!grid || !Number.isInteger(grid.rows) || !Number.isInteger(grid.cols) || grid.rows < 1 || grid.cols < 1) {
      throw new InvalidInputError(`Mosaic needs a tile grid { rows, cols } of positive integers, got ${JSON.stringify(grid)}`);
    }
    if (format !== 'cog' && format !== 'vrt') throw new InvalidInputError(`Mosaic format must be "cog" or "vrt", got ${JSON.stringify(format)}`);
    if (defaultRegistry.nameOf(Mosaic) === undefined) register(Mosaic);
  }

  override get ext(): string {
    return this.format === 'vrt' ? 'vrt' : 'tif';
  }

  async _process(spec: SpatialSpec): Promise<void> {
    if (spec.isRotated) throw new InvalidInputError(`Mosaic of ${this.tile.constructor.name}: ${spec} is rotated; mosaics need a north-up grid`);
    const tiles = spec.tiles(this.grid);
    const entries = await processAll(tiles.map((tileSpec) => [this.tile, tileSpec] as const));
    const output = this.ensureProcessedPath(spec);
    if (this.format === 'cog') {
      await (await stitch(spec, this.grid, entries, this.tile.constructor.name)).write(output, { cog: true });
      return;
    }
    const engine = getConfig().engine;
    try {
      const [rx, ry] = spec.resolution!;
      await engine.buildVrt(entries.map((e) => e.path), output, ['-te', ...spec.bounds!.map(String), '-tr', String(rx), String(ry)]);
      const text = new TextDecoder().decode(await engine.fs.readFile(output));
      await engine.fs.writeFile(output, new TextEncoder().encode(relativeSources(text, entries, this.tile.constructor.name)));
    } finally {
      await engine.fs.remove(`${output}.aux.xml`);
    }
  }
}

/**
 * The tiles' pixels copied into one raster of the parent grid. Every tile must have the band
 * count, dtype and nodata of the first; their windows come from the same split as their specs.
 */
async function stitch(spec: SpatialSpec, grid: TileGrid, entries: ReadonlyArray<{ path: string }>, className: string): Promise<Raster> {
  const [height, width] = spec.shape!;
  const windows = tileWindows(spec.shape!, grid);
  let bands: TypedArray[] | undefined;
  let first: Raster | undefined;
  for (const [i, entry] of entries.entries()) {
    const tile = await readRaster(entry.path);
    const window = windows[i]!;
    if (tile.height !== window.shape[0] || tile.width !== window.shape[1]) {
      throw new PipelineError(`Mosaic of ${className}: tile ${i} is ${tile.height}x${tile.width} px but its spec is ${window.shape[0]}x${window.shape[1]}; the tile class must write the spec it is given`);
    }
    if (!first) {
      first = tile;
      bands = tile.bands.map((band) => new (band.constructor as new (n: number) => TypedArray)(height * width));
    } else if (tile.bands.length !== first.bands.length || tile.dtype !== first.dtype) {
      throw new PipelineError(`Mosaic of ${className}: tile ${i} has ${tile.bands.length} ${tile.dtype} band(s), tile 0 ${first.bands.length} ${first.dtype}; every tile must have the same bands`);
    }
    for (const [b, band] of tile.bands.entries()) {
      const target = bands![b]!;
      for (let row = 0; row < tile.height; row++) {
        target.set(band.subarray(row * tile.width, (row + 1) * tile.width) as never, (window.rowOff + row) * width + window.colOff);
      }
    }
  }
  return Raster.fromArrays(bands!, spec, { nodata: first!.nodata, scales: first!.scales, offsets: first!.offsets, names: first!.names });
}

/**
 * The VRT with each tile source as `../<state_hash>/<file>` relative to the VRT: the entry folders
 * are siblings in the store, wherever the store is mounted.
 */
function relativeSources(text: string, entries: ReadonlyArray<{ stateHash: string; meta: { output: { file: string } } }>, className: string): string {
  let replaced = 0;
  const result = text.replace(/<SourceFilename[^>]*>([^<]*)<\/SourceFilename>/g, (whole, path: string) => {
    const entry = entries.find((e) => path.endsWith(`${e.stateHash}/${e.meta.output.file}`));
    if (!entry) return whole;
    replaced++;
    return `<SourceFilename relativeToVRT="1">../${entry.stateHash}/${entry.meta.output.file}</SourceFilename>`;
  });
  if (replaced < entries.length) {
    throw new PipelineError(`Mosaic of ${className}: the VRT GDAL wrote names ${replaced} of ${entries.length} tile files in a form geodata does not recognise; use format "cog"`);
  }
  return result;
}

// Names in user code that refer to it are library references, registered yet or not.
markLibraryClass(Mosaic);
