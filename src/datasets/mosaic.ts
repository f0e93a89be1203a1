import type { GdalEngine } from '../../wasm/engine.js';
import { getConfig } from '../config.js';
import { Data } from '../data/data.js';
import { Figure } from '../data/figure.js';
import type { Tracked } from '../data/tracked.js';
import { InvalidInputError, PipelineError } from '../errors.js';
import { defaultRegistry, markLibraryClass, register } from '../fingerprint/index.js';
import { processAll } from '../pipeline/process-all.js';
import type { ProcessedEntry } from '../pipeline/process.js';
import type { Raster } from '../raster/raster.js';
import { creationArgs } from '../raster/write-options.js';
import { affineToGdal } from '../spec/affine.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { tileWindows, type TileGrid, type TileWindow } from '../spec/tiles.js';
import { escapeXml, gdalNumber } from '../formats/gdal-text.js';

/** How a `Mosaic` is written: a cloud-optimised GeoTIFF (default), or a VRT over the tile entries. */
export type MosaicFormat = 'cog' | 'vrt';

/** What `load` gives for a Mosaic: a Raster of the COG, the bytes of the VRT (its XML). */
export type MosaicOutput<Format extends MosaicFormat> = Format extends 'vrt' ? Uint8Array : Raster;

/**
 * The tile entries of any Data instance, mosaicked back into the parent grid: write the per-tile
 * pipeline once, and ask for the mosaic at the full spec. Computing it computes (or finds) the
 * entry of `tile` at each of `spec.tiles(grid)` through `processAll` — with a queue executor,
 * those are jobs for the workers — and then lays the tiles' cores out in a VRT (each tile's halo,
 * `grid.halo`, cropped off): `cog` converts that VRT into one DEFLATE COG through the engine, so
 * the pixels stream through GDAL and memory does not grow with the mosaic (`load` gives a
 * Raster); `vrt` keeps the VRT itself, pointing at the tile entries' files by relative path
 * (`../<state_hash>/<file>`, so it opens on any machine that mounts the shared store; `load`
 * gives its XML bytes, GDAL opens `getProcessedPath()`).
 *
 * A neighbourhood step per tile (Slope, Hillshade: 3x3) needs `halo: 1` to equal the untiled run
 * pixel for pixel; without a halo each tile's edges are grid edges.
 *
 * A tile whose input changes is computed again alone; the mosaic records the tile entries it
 * used, so it is recomputed too, and the other tiles are hits. The mosaic itself always runs in
 * the asking process (`computeLocally`): it only waits for tiles and copies bytes.
 * @example const slopeMap = await load(new Mosaic(new Slope(new Elevation()), { rows: 4, cols: 4, halo: 1 }));
 */
export class Mosaic<Format extends MosaicFormat = 'cog'> extends Data<MosaicOutput<Format>> {
  /** Runs where it is asked for, never as a job: its work is waiting for the tile jobs. */
  static readonly computeLocally = true;

  constructor(
    public tile: Tracked,
    public grid: TileGrid,
    public format: Format = 'cog' as Format,
  ) {
    super();
    if (!tile || typeof (tile as Tracked).getProcessedPath !== 'function' || tile instanceof Figure) {
      throw new InvalidInputError(`Mosaic needs a Data instance to tile (its tile parameter), got ${tile instanceof Figure ? `the Figure ${tile.constructor.name}` : typeof tile}`);
    }
    if (!grid || !Number.isInteger(grid.rows) || !Number.isInteger(grid.cols) || grid.rows < 1 || grid.cols < 1) {
      throw new InvalidInputError(`Mosaic needs a tile grid { rows, cols } of positive integers, got ${JSON.stringify(grid)}`);
    }
    if (grid.halo !== undefined && (!Number.isInteger(grid.halo) || grid.halo < 0)) {
      throw new InvalidInputError(`Mosaic: the tile grid's halo must be a whole number of pixels, 0 or more (1 for slope or hillshade tiles), got ${JSON.stringify(grid.halo)}`);
    }
    if (format !== 'cog' && format !== 'vrt') throw new InvalidInputError(`Mosaic format must be "cog" or "vrt", got ${JSON.stringify(format)}`);
    // A parameter: only what defines the split, so { rows, cols } and { rows, cols, halo: 0 } are one entry.
    this.grid = grid.halo ? { rows: grid.rows, cols: grid.cols, halo: grid.halo } : { rows: grid.rows, cols: grid.cols };
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
    const engine = getConfig().engine;
    const className = this.tile.constructor.name;
    const windows = tileWindows(spec.shape!, this.grid);
    const bands = await tileBands(engine, entries, windows, className);
    if (this.format === 'vrt') {
      const sources = entries.map((e) => ({ path: `../${e.stateHash}/${e.meta.output.file}`, relative: true }));
      await engine.fs.writeFile(output, new TextEncoder().encode(mosaicVrt(spec, bands, windows, sources)));
      return;
    }
    // The COG is converted from a VRT of the tiles by GDAL: pixels stream, block by block.
    const vrt = `${output}.${Math.random().toString(36).slice(2, 10)}.tiles.vrt`;
    try {
      await engine.fs.writeFile(vrt, new TextEncoder().encode(mosaicVrt(spec, bands, windows, entries.map((e) => ({ path: e.path, relative: false })))));
      const [height, width] = spec.shape!;
      await engine.translate(vrt, output, creationArgs({ cog: true }, { width, height }));
    } finally {
      await engine.fs.remove(vrt);
      await engine.fs.remove(`${output}.aux.xml`);
    }
  }
}

/** What a mosaic band takes from tile 0's band, and what each tile's band must match. */
interface BandInfo {
  type: string;
  noData?: number | string;
  scale?: number;
  offset?: number;
  description?: string;
  block?: [number, number];
}

/**
 * The bands of the tiles, from GDAL's info on each (no pixels read): every tile must have its
 * spec's shape and the band count and data type of the first. The mosaic's nodata, scales,
 * offsets and band names are tile 0's.
 */
async function tileBands(engine: GdalEngine, entries: readonly ProcessedEntry[], windows: readonly TileWindow[], className: string): Promise<BandInfo[]> {
  let first: BandInfo[] | undefined;
  for (const [i, entry] of entries.entries()) {
    const info = await engine.info(entry.path, ['-norat', '-noct']);
    const [width, height] = info.size;
    const expected = windows[i]!.outer.shape;
    if (height !== expected[0] || width !== expected[1]) {
      throw new PipelineError(`Mosaic of ${className}: tile ${i} is ${height}x${width} px but its spec is ${expected[0]}x${expected[1]}; the tile class must write the spec it is given`);
    }
    const bands = info.bands.map((b) => ({ type: b.type, noData: b.noDataValue, scale: b.scale, offset: b.offset, description: b.description, block: b.block }));
    if (!first) {
      first = bands;
    } else if (bands.length !== first.length || bands.some((b, k) => b.type !== first![k]!.type)) {
      throw new PipelineError(
        `Mosaic of ${className}: tile ${i} has ${bands.length} ${bands[0]?.type} band(s), tile 0 ${first.length} ${first[0]?.type}; every tile must have the same bands`,
      );
    }
  }
  return first!;
}

/**
 * A VRT of the parent grid made of each tile's core: SimpleSources copy the pixels as they are
 * (nodata included), reading the core out of the tile (`SrcRect`, the halo left out) into its
 * place (`DstRect`). Band metadata is written as `writeRaster` writes it, so the COG converted
 * from it is what a raster of these pixels written with `{ cog: true }` would be.
 */
function mosaicVrt(spec: SpatialSpec, bands: readonly BandInfo[], windows: readonly TileWindow[], sources: ReadonlyArray<{ path: string; relative: boolean }>): string {
  const [height, width] = spec.shape!;
  const gt = affineToGdal(spec.transform!).map(gdalNumber).join(', ');
  const lines = [`<VRTDataset rasterXSize="${width}" rasterYSize="${height}">`, `  <SRS>${escapeXml(spec.crs)}</SRS>`, `  <GeoTransform>${gt}</GeoTransform>`];
  for (const [b, band] of bands.entries()) {
    lines.push(`  <VRTRasterBand dataType="${band.type}" band="${b + 1}">`);
    if (band.noData !== undefined) lines.push(`    <NoDataValue>${typeof band.noData === 'number' ? gdalNumber(band.noData) : escapeXml(band.noData)}</NoDataValue>`);
    if (band.scale !== undefined && band.scale !== 1) lines.push(`    <Scale>${gdalNumber(band.scale)}</Scale>`);
    if (band.offset !== undefined && band.offset !== 0) lines.push(`    <Offset>${gdalNumber(band.offset)}</Offset>`);
    if (band.description) lines.push(`    <Description>${escapeXml(band.description)}</Description>`);
    for (const [i, w] of windows.entries()) {
      const { outer } = w;
      const block = band.block ? ` BlockXSize="${band.block[0]}" BlockYSize="${band.block[1]}"` : '';
      lines.push(
        '    <SimpleSource>',
        `      <SourceFilename relativeToVRT="${sources[i]!.relative ? 1 : 0}">${escapeXml(sources[i]!.path)}</SourceFilename>`,
        `      <SourceBand>${b + 1}</SourceBand>`,
        `      <SourceProperties RasterXSize="${outer.shape[1]}" RasterYSize="${outer.shape[0]}" DataType="${band.type}"${block} />`,
        `      <SrcRect xOff="${w.colOff - outer.colOff}" yOff="${w.rowOff - outer.rowOff}" xSize="${w.shape[1]}" ySize="${w.shape[0]}" />`,
        `      <DstRect xOff="${w.colOff}" yOff="${w.rowOff}" xSize="${w.shape[1]}" ySize="${w.shape[0]}" />`,
        '    </SimpleSource>',
      );
    }
    lines.push('  </VRTRasterBand>');
  }
  lines.push('</VRTDataset>', '');
  return lines.join('\n');
}

// Names in user code that refer to it are library references, registered yet or not.
markLibraryClass(Mosaic);
