import { markLibraryClass } from '../fingerprint/code-marks.js';
import type { GdalEngine } from '../../wasm/engine.js';
import { InvalidInputError } from '../errors.js';
import { extentMisses } from './footprint-overlap.js';
import { writeGeoTiff } from '../raster/geotiff-output.js';
import { creationArgs, type WriteOptions } from '../raster/write-raster.js';
import { remoteUrlOf } from '../sources/remote-url.js';
import { validateCrs } from '../spec/crs.js';
import { checkBoolean, checkOptionKeys, checkWriteOptions, describeInput, isInputRef, WRITE_OPTION_KEYS, writeSettings } from './option-checks.js';
import { checkNumber, fitsOutputType, jsonNumber, type OutputDType, samePixelValue, typeArgs, typeCreationOptions, validateOutputDType } from './output-type.js';
import { gdalNumber } from '../formats/gdal-text.js';
import type { InputRef, Processor, ProcessorContext } from './processor.js';
import { ScratchFiles } from './scratch-files.js';
import { targetGrid, verifyOutputGrid } from './target-grid.js';
import { distinctValues, fieldOf, inspectVectorLayer, reprojectionArgs, sqlLiteral, sqlName, type VectorLayer } from './vector-source.js';
import { setVrtBandMetadata } from './vrt-bands.js';

/** Options of `Rasterizer`; give at most one of `burn`, `attribute` and `bandPerValue` (default `burn: 1`). */
export interface RasterizerOptions extends WriteOptions {
  /** Burn this value into every feature's pixels, or `'index'`: feature 1, 2, ... N in the layer's order. */
  burn?: number | 'index';
  /** Burn each feature's value of this numeric field (a feature without one burns 0, as GDAL does). */
  attribute?: string;
  /** One band per distinct value of this field (sorted): 1 where a feature has that value, 0 (the fill) elsewhere. */
  bandPerValue?: string;
  /** Burn every pixel a feature touches, not only those whose centre it covers. */
  allTouched?: boolean;
  /**
   * Output pixel type. Default: `uint8` for constants that fit it (else int32 or float64),
   * `int32` for `'index'`, int32 or float64 after the attribute's type and values, `uint8` for
   * `bandPerValue`.
   */
  dtype?: OutputDType;
  /** The value of pixels no feature covers; default 0. Must differ from every burned value. */
  fill?: number;
  /** Nodata value to record; default none. Must differ from every burned value. */
  nodata?: number;
  /** The CRS of a vector that has none. */
  srcCrs?: string;
  /** The layer to burn; default the first. */
  layer?: string;
  /**
   * Files that belong to a path source, as extensions (`['.shx', '.dbf', '.prj']`), listed by
   * `inputs()` so that their bytes are fingerprinted too: each must exist. Default for a local
   * `.shp`: `.shx`, `.dbf`, `.prj` and `.cpg` as optional inputs (fingerprinted as absent when
   * missing, so a Shapefile without `.prj` works with `srcCrs`).
   */
  sidecars?: string[];
}

const OPTION_KEYS = ['burn', 'attribute', 'bandPerValue', 'allTouched', 'dtype', 'fill', 'nodata', 'srcCrs', 'layer', 'sidecars', ...WRITE_OPTION_KEYS];
const WHO = 'Rasterizer';
/** The field the feature index is burned from, computed from the scratch FlatGeobuf's feature ids. */
const INDEX_FIELD = 'geodata_index';
const SCRATCH_LAYER = 'features';

type BurnPlan =
  | { kind: 'constant'; dtype: OutputDType; value: number }
  | { kind: 'attribute'; dtype: OutputDType; field: string }
  | { kind: 'index'; dtype: OutputDType }
  | { kind: 'bands'; dtype: OutputDType; field: string; values: Array<number | string> };

/**
 * Burns vector features (GeoJSON, Shapefile, GeoPackage, FlatGeobuf: what GDAL reads) onto the
 * spec's grid with gdal_rasterize: a constant, a numeric attribute, the feature index, or one
 * 0/1 band per attribute value. Features are reprojected to the spec's CRS first (into a scratch
 * FlatGeobuf next to the output), since gdal_rasterize does not reproject. The output lies exactly
 * on the spec's grid.
 *
 * @example
 * class Districts extends Data {
 *   get processor() { return new Rasterizer('data/districts.gpkg', { burn: 'index', allTouched: true }); }
 * }
 * @example
 * new Rasterizer('data/landuse.shp', { bandPerValue: 'CLASS' }) // one 0/1 band per class
 */
export class Rasterizer implements Processor {
  readonly ext = 'tif';
  private readonly source: InputRef;
  private readonly options: Readonly<Omit<RasterizerOptions, 'sidecars'>>;
  private readonly write: WriteOptions;
  private readonly sidecars: string[];
  private readonly optionalSidecars: string[];

  constructor(source: InputRef, options: RasterizerOptions = {}) {
    if (!isInputRef(source)) {
      throw new InvalidInputError(`${WHO} needs a vector source: a file path or URL, a Blob or bytes; got ${JSON.stringify(source) ?? String(source)}`);
    }
    this.source = source;
    const raw = checkOptionKeys(options, OPTION_KEYS, WHO);
    const modes = (['burn', 'attribute', 'bandPerValue'] as const).filter((key) => raw[key] !== undefined);
    if (modes.length > 1) throw new InvalidInputError(`${WHO} takes one of burn, attribute and bandPerValue, got ${modes.join(' and ')}`);
    const burn = raw.burn === 'index' ? 'index' : checkNumber(raw.burn, `${WHO} burn`, { allowNaN: false });
    for (const key of ['attribute', 'bandPerValue', 'layer'] as const) {
      if (raw[key] !== undefined && (typeof raw[key] !== 'string' || raw[key] === '')) {
        throw new InvalidInputError(`${WHO} ${key} must be a field or layer name (a non-empty string), got ${JSON.stringify(raw[key])}`);
      }
    }
    const dtype = raw.dtype === undefined ? undefined : validateOutputDType(raw.dtype, `${WHO} dtype`);
    const fill = checkNumber(raw.fill, `${WHO} fill`, { allowNaN: true });
    const nodata = checkNumber(raw.nodata, `${WHO} nodata`, { allowNaN: true });
    if (raw.sidecars !== undefined && (!Array.isArray(raw.sidecars) || !raw.sidecars.every((ext) => typeof ext === 'string' && /^\.[A-Za-z0-9_]+$/.test(ext)))) {
      throw new InvalidInputError(`${WHO} sidecars must be a list of file extensions such as ['.shx', '.dbf'], got ${JSON.stringify(raw.sidecars)}`);
    }
    this.sidecars = raw.sidecars === undefined ? [] : sidecarPaths(source, raw.sidecars as string[]);
    this.optionalSidecars = raw.sidecars === undefined && remoteUrlOf(source) === undefined ? sidecarPaths(source, defaultSidecars(source)) : [];
    this.write = checkWriteOptions(raw);
    this.options = Object.freeze({
      ...this.write,
      ...(modes.length === 0 ? { burn: 1 } : {}),
      ...(burn !== undefined ? { burn } : {}),
      ...(raw.attribute !== undefined ? { attribute: raw.attribute as string } : {}),
      ...(raw.bandPerValue !== undefined ? { bandPerValue: raw.bandPerValue as string } : {}),
      ...(checkBoolean(raw.allTouched, `${WHO} allTouched`) ? { allTouched: true } : {}),
      ...(dtype ? { dtype } : {}),
      ...(fill !== undefined ? { fill } : {}),
      ...(nodata !== undefined ? { nodata } : {}),
      ...(raw.srcCrs !== undefined ? { srcCrs: validateCrs(raw.srcCrs, `${WHO} srcCrs`) } : {}),
      ...(raw.layer !== undefined ? { layer: raw.layer as string } : {}),
    });
    if (typeof this.options.burn === 'number') this.constantPlan(this.options.burn);
  }

  inputs(): InputRef[] {
    return [this.source, ...this.sidecars];
  }

  /** A local Shapefile's usual companions, unless `sidecars` names the files that belong to it. */
  optionalInputs(): InputRef[] {
    return [...this.optionalSidecars];
  }

  settings(): Record<string, unknown> {
    const { burn, attribute, bandPerValue, allTouched, dtype, fill, nodata, srcCrs, layer } = this.options;
    return {
      ...(burn !== undefined ? { burn } : {}),
      ...(attribute !== undefined ? { attribute } : {}),
      ...(bandPerValue !== undefined ? { bandPerValue } : {}),
      ...(allTouched ? { allTouched } : {}),
      ...(dtype ? { dtype } : {}),
      ...(fill !== undefined ? { fill: jsonNumber(fill) } : {}),
      ...(nodata !== undefined ? { nodata: jsonNumber(nodata) } : {}),
      ...(srcCrs !== undefined ? { srcCrs } : {}),
      ...(layer !== undefined ? { layer } : {}),
      ...writeSettings(this.write),
    };
  }

  async run(context: ProcessorContext): Promise<void> {
    const { spec, outputPath, engine, onProgress, warn } = context;
    const grid = targetGrid(spec, WHO);
    const layer = await inspectVectorLayer(this.source, context, WHO, this.options.layer);
    const reprojection = await reprojectionArgs(engine, layer, spec.crs, this.options.srcCrs, WHO);
    const plan = await this.burnPlan(engine, layer);
    const scratch = new ScratchFiles(engine, outputPath);
    try {
      let vector = { path: layer.path, layer: layer.layer };
      // An empty layer has nothing to reproject or number, and ogr2ogr writes no FlatGeobuf at all
      // for one of unknown geometry type (an empty GeoJSON): it is burned as it is.
      const empty = layer.featureCount === 0;
      // The index comes from the scratch FlatGeobuf's feature ids, which count features in order
      // (a GeoJSON's or GeoPackage's own ids need not). One band per value burns the features
      // whose field equals a value as GDAL prints it: OGR SQL evaluates that -where on the scratch
      // file, where a GeoPackage would hand it to SQLite, which matches no Date '2020/01/01'
      // against the '2020-01-01' it stores.
      if (!empty && (reprojection || plan.kind === 'index' || plan.kind === 'bands')) {
        const path = scratch.path('vector', 'fgb');
        await engine.vectorTranslate(layer.path, path, ['-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=NO', '-nln', SCRATCH_LAYER, ...(reprojection ?? []), layer.layer]);
        vector = { path, layer: SCRATCH_LAYER };
      }
      if (warn && empty) {
        warn(`${WHO}: layer ${layer.layer} of ${layer.name} has no features: every pixel is the fill value ${gdalNumber(this.options.fill ?? 0)}; check that the file holds what you meant to burn`);
      }
      if (warn && !empty && (await this.featuresMiss(engine, vector, spec))) {
        warn(`${WHO}: the features of ${layer.name} (layer ${layer.layer}) do not overlap ${spec}: every pixel is the fill value ${gdalNumber(this.options.fill ?? 0)}; check the spec's CRS and bounds against the features'`);
      }
      const base = [...grid.args, '-a_srs', spec.crs, ...typeArgs(plan.dtype), '-init', gdalNumber(this.options.fill ?? 0)];
      if (this.options.nodata !== undefined) base.push('-a_nodata', gdalNumber(this.options.nodata));
      if (this.options.allTouched) base.push('-at');
      const write = [...creationArgs(this.write, grid), ...typeCreationOptions(plan.dtype)];
      if (plan.kind === 'bands') {
        await this.rasterizeBands(engine, vector, plan, base, { write: this.write, grid, extra: typeCreationOptions(plan.dtype) }, outputPath, scratch, onProgress);
      } else {
        const burnArgs =
          plan.kind === 'constant' || empty
            ? ['-l', vector.layer, '-burn', gdalNumber(plan.kind === 'constant' ? plan.value : 1)]
            : plan.kind === 'attribute'
              ? ['-l', vector.layer, '-a', plan.field]
              : ['-sql', `SELECT FID + 1 AS ${INDEX_FIELD} FROM ${sqlName(vector.layer)}`, '-a', INDEX_FIELD];
        // gdal_rasterize cannot create a COG directly (the driver only copies): burn a plain GeoTIFF first.
        if (this.write.cog) {
          const target = scratch.path('burned', 'tif');
          // Two GDAL calls, each reporting 0 to 1: burning is the first half, the COG copy the second (not 100% while copying).
          const half = (start: number) => (onProgress ? { onProgress: (fraction: number, message?: string) => onProgress(start + fraction / 2, message) } : undefined);
          await engine.rasterize(vector.path, target, [...base, ...burnArgs], half(0));
          await engine.translate(target, outputPath, write, half(0.5));
        } else {
          await writeGeoTiff(engine, outputPath, this.write, grid, typeCreationOptions(plan.dtype), (dest, creation) =>
            engine.rasterize(vector.path, dest, [...base, ...burnArgs, ...creation], onProgress ? { onProgress } : undefined),
          );
        }
      }
    } finally {
      await scratch.removeAll();
    }
    await verifyOutputGrid(engine, outputPath, spec, WHO);
  }

  /**
   * Whether the features, in the spec's CRS, provably miss the grid: their extent does not meet
   * its bounds. False whenever that cannot be told, since a warning must never be wrong.
   */
  private async featuresMiss(engine: GdalEngine, vector: { path: string; layer: string }, spec: ProcessorContext['spec']): Promise<boolean> {
    // One expression: Rolldown inlines single-use constants, which would change this class's text.
    const extents = (await engine.vectorInfo(vector.path).catch(() => undefined))?.layers.find((candidate) => candidate.name === vector.layer)?.geometryFields.map((field) => field.extent) ?? [];
    if (extents.length === 0) return false;
    return extents.every((extent) => extentMisses(extent, spec) === true);
  }

  /** One 0/1 raster per value, stacked into the output with the values as band descriptions. */
  private async rasterizeBands(
    engine: GdalEngine,
    vector: { path: string; layer: string },
    plan: Extract<BurnPlan, { kind: 'bands' }>,
    base: string[],
    output: { write: WriteOptions; grid: { width: number; height: number }; extra: string[] },
    outputPath: string,
    scratch: ScratchFiles,
    onProgress: ProcessorContext['onProgress'],
  ): Promise<void> {
    const bands: string[] = [];
    for (const value of plan.values) {
      onProgress?.(bands.length / (plan.values.length + 1), `burning ${plan.field} = ${value}`);
      const band = scratch.path(`band-${bands.length + 1}`, 'tif');
      const where = `${sqlName(plan.field)} = ${sqlLiteral(value)}`;
      await engine.rasterize(vector.path, band, [...base, '-l', vector.layer, '-where', where, '-burn', '1']);
      bands.push(band);
    }
    const vrt = scratch.path('bands', 'vrt');
    await engine.buildVrt(bands, vrt, ['-separate']);
    const xml = new TextDecoder().decode(await engine.fs.readFile(vrt));
    await engine.fs.writeFile(vrt, new TextEncoder().encode(setVrtBandMetadata(xml, plan.values.map((value) => ({ description: String(value) })), vrt)));
    await writeGeoTiff(engine, outputPath, output.write, output.grid, output.extra, (dest, creation) => engine.translate(vrt, dest, creation));
    onProgress?.(1);
  }

  /** What to burn and in which type; refuses burned values that fill or nodata would shadow. */
  private async burnPlan(engine: GdalEngine, layer: VectorLayer): Promise<BurnPlan> {
    const { burn, attribute, bandPerValue } = this.options;
    if (typeof burn === 'number') return this.constantPlan(burn);
    if (burn === 'index') {
      const dtype = this.options.dtype ?? 'int32';
      const last = Math.max(layer.featureCount, 1);
      if (!fitsOutputType(last, dtype)) throw new InvalidInputError(`${WHO}: feature index up to ${last} (${layer.name}) cannot be stored as ${dtype}; choose a larger dtype`);
      this.checkNotBurned((value) => Number.isInteger(value) && value >= 1 && value <= layer.featureCount, `a feature index (1..${layer.featureCount})`, dtype);
      return { kind: 'index', dtype };
    }
    if (attribute !== undefined) {
      const field = fieldOf(layer, attribute, WHO, 'attribute');
      const integer = /^Integer(64)?$/.test(field.type);
      if (!integer && field.type !== 'Real') {
        throw new InvalidInputError(`${WHO} attribute: field ${attribute} of ${layer.name} is of type ${field.type}, not a number; burn a numeric field, or use bandPerValue for categories`);
      }
      // Features without a value burn 0 (GDAL reads unset fields as 0).
      const values = (await distinctValues(engine, layer, attribute)).map((value) => (value === null ? 0 : Number(value)));
      const dtype = this.options.dtype ?? (integer && values.every((value) => fitsOutputType(value, 'int32')) ? 'int32' : 'float64');
      const misfit = values.find((value) => !fitsOutputType(value, dtype));
      if (misfit !== undefined) throw new InvalidInputError(`${WHO}: value ${misfit} of field ${attribute} (${layer.name}) cannot be stored as ${dtype}; choose another dtype`);
      this.checkNotBurned((value) => values.some((burned) => samePixelValue(burned, value)), `a value of field ${attribute} (unset values burn as 0)`, dtype);
      return { kind: 'attribute', dtype, field: attribute };
    }
    const field = fieldOf(layer, bandPerValue!, WHO, 'bandPerValue');
    const values = (await distinctValues(engine, layer, field.name)).filter((value): value is number | string => value !== null).sort(compareValues);
    if (values.length === 0) throw new InvalidInputError(`${WHO} bandPerValue: no feature of ${layer.name} has a value in field ${field.name}`);
    // Text that is not UTF-8 (a Shapefile's Latin-1 .dbf without a .cpg) reaches us with U+FFFD in
    // place of its bytes: no feature equals such a value, so its band would burn nothing.
    const garbled = values.find((value) => typeof value === 'string' && value.includes('\uFFFD'));
    if (garbled !== undefined) {
      const remedy = /\.shp(\.zip)?$/i.test(layer.name) ? 'add a .cpg file beside the .shp naming the encoding of its .dbf (such as ISO-8859-1)' : 'save the file with its text in UTF-8';
      throw new InvalidInputError(
        `${WHO} bandPerValue: field ${field.name} of layer ${layer.layer} (${layer.name}) holds text that is not UTF-8 (${JSON.stringify(garbled)}), which no band could match; ${remedy}`,
      );
    }
    const dtype = this.options.dtype ?? 'uint8';
    this.checkNotBurned((value) => value === 1, 'the value 1 burned into each band', dtype);
    return { kind: 'bands', dtype, field: field.name, values };
  }

  private constantPlan(value: number): BurnPlan {
    const fill = this.options.fill ?? 0;
    const dtype = this.options.dtype ?? smallestType([value, fill, ...(this.options.nodata === undefined ? [] : [this.options.nodata])]);
    if (!fitsOutputType(value, dtype)) throw new InvalidInputError(`${WHO} burn ${value} cannot be stored as ${dtype}; choose another dtype`);
    this.checkNotBurned((candidate) => samePixelValue(candidate, value), `the burn value ${value}`, dtype);
    return { kind: 'constant', dtype, value };
  }

  /**
   * Fill and nodata must be storable in the output type, chosen or derived (GDAL would round or
   * clamp them silently), and must not equal a burned value.
   */
  private checkNotBurned(isBurned: (value: number) => boolean, burned: string, dtype: OutputDType): void {
    for (const [name, value] of [['fill', this.options.fill ?? 0], ['nodata', this.options.nodata]] as const) {
      if (value === undefined) continue;
      if (isBurned(value)) {
        throw new InvalidInputError(`${WHO} ${name} ${value} equals ${burned}: burned pixels and ${name === 'fill' ? 'empty' : 'nodata'} pixels could not be told apart; choose another ${name} value`);
      }
      if (!fitsOutputType(value, dtype)) {
        const derived = this.options.dtype === undefined ? `, the output type for ${burned}; give a dtype that holds it, or` : ';';
        throw new InvalidInputError(`${WHO} ${name} ${value} cannot be stored as ${dtype}${derived} choose a value the type holds`);
      }
    }
  }

  toString(): string {
    return `Rasterizer(${describeInput(this.source)})`;
  }
}
// Library code: hashed the same however a bundler renames its module-level names.
markLibraryClass(Rasterizer);

/** uint8 for small whole numbers, int32 for larger ones, float64 otherwise (NaN included). */
function smallestType(values: number[]): OutputDType {
  if (values.every((value) => fitsOutputType(value, 'uint8'))) return 'uint8';
  if (values.every((value) => fitsOutputType(value, 'int32'))) return 'int32';
  return 'float64';
}

function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The sidecar files of a path source with these extensions, in the case of its own. */
function sidecarPaths(source: InputRef, extensions: string[]): string[] {
  if (typeof source !== 'string') return [];
  const match = /\.([A-Za-z0-9]+)$/.exec(source);
  if (!match) return [];
  const stem = source.slice(0, match.index);
  const upper = match[1] === match[1]!.toUpperCase() && match[1] !== match[1]!.toLowerCase();
  return extensions.map((ext) => stem + (upper ? ext.toUpperCase() : ext));
}

/** A Shapefile's companions GDAL reads: index, attributes, CRS, attribute encoding. */
function defaultSidecars(source: InputRef): string[] {
  return typeof source === 'string' && /\.shp$/i.test(source) ? ['.shx', '.dbf', '.prj', '.cpg'] : [];
}

