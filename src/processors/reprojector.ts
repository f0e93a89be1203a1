import { markLibraryClass } from '../fingerprint/code-marks.js';
import type { GdalEngine } from '../../wasm/engine.js';
import { footprintsMiss } from './footprint-overlap.js';
import { gdalNumber } from '../formats/gdal-text.js';
import { InvalidInputError } from '../errors.js';
import { checkSelection, mergeSelections, selectionJson, splitSubdataset, type ArraySelection } from '../formats/array-selection.js';
import { writeGeoTiff } from '../raster/geotiff-output.js';
import type { WriteOptions } from '../raster/write-raster.js';
import { remoteUrlOf } from '../sources/remote-url.js';
import { gdalToAffine } from '../spec/affine.js';
import { validateCrs } from '../spec/crs.js';
import { SpatialSpec } from '../spec/spatial-spec.js';
import { suggestedWarpGrid } from '../spec/exact-grid.js';
import {
  checkBands,
  checkOptionKeys,
  checkWriteOptions,
  describeInput,
  isInputRef,
  WRITE_OPTION_KEYS,
  writeSettings,
} from './option-checks.js';
import {
  checkNumber,
  checkPerBand,
  expandPerBand,
  fitsOutputType,
  isFloatType,
  jsonNumber,
  type OutputDType,
  typeArgs,
  typeCreationOptions,
  validateOutputDType,
} from './output-type.js';
import type { InputRef, Processor, ProcessorContext } from './processor.js';
import { inspectRasterSources, sourceDtype, type RasterSources } from './raster-sources.js';
import { gdalResampling, type Resampling, validateResampling } from './resampling.js';
import { ScratchFiles } from './scratch-files.js';
import { targetGrid, verifyOutputGrid } from './target-grid.js';
import { setVrtBandMetadata, type VrtBandMetadata } from './vrt-bands.js';

/** Options of `Reprojector`; the GeoTIFF write options apply to its output, `variable`, `index` and `value` to netCDF/HDF5 sources. */
export interface ReprojectorOptions extends WriteOptions, ArraySelection {
  /** Bands to keep, counted from 1, in output order (`[3, 2, 1]`). Default: all. */
  bands?: number[];
  /** The CRS of sources that have none (a source's own CRS wins). */
  srcCrs?: string;
  /** Treat this source value as missing (overrides the sources' own nodata). */
  srcNodata?: number;
  /** Default `nearest`. */
  resampling?: Resampling;
  /**
   * gdalwarp's `-et`: how far (in pixels) its approximate transformer may stray from the exact
   * coordinate transformation. Default 0.125, as gdalwarp. With 0 every pixel is transformed
   * exactly (slower): the result then no longer depends on how GDAL cuts the work into chunks,
   * so a mosaic of tiles equals the warp of the whole, pixel for pixel.
   */
  errorThreshold?: number;
  /** Output pixel type; default the source's. `'bool'` writes a 1-bit GeoTIFF. */
  dstDtype?: OutputDType;
  /**
   * Output nodata; `null` for none. Default: NaN for float outputs; none for `bool`; otherwise the
   * source's nodata (`srcNodata` when given), which must fit the output type.
   */
  dstNodata?: number | null;
  /** Band scale metadata (physical = raw * scale + offset): one number for every band, or one per band. */
  scales?: number | number[];
  offsets?: number | number[];
}

const OPTION_KEYS = ['bands', 'srcCrs', 'srcNodata', 'resampling', 'errorThreshold', 'dstDtype', 'dstNodata', 'scales', 'offsets', 'variable', 'index', 'value', ...WRITE_OPTION_KEYS];
const WHO = 'Reprojector';

/**
 * Reprojects and resamples rasters onto the spec's grid with GDAL's warper: one file, a VRT, or
 * several files mosaicked together (later sources are drawn over earlier ones). The output lies
 * exactly on the spec's grid (checked after writing). With a CRS-only spec, `completeSpec` picks
 * the grid `gdalwarp -t_srs` would: the sources' footprint at their native resolution.
 *
 * @example
 * class Elevation extends Data {
 *   get processor() { return new Reprojector('data/dem.tif', { resampling: 'bilinear', dstDtype: 'float32' }); }
 * }
 * @example
 * new Reprojector(['tiles/west.tif', 'tiles/east.tif'], { bands: [3, 2, 1], cog: true })
 */
export class Reprojector implements Processor {
  readonly ext = 'tif';
  private readonly sources: InputRef[];
  /** The part of each netCDF/HDF5 source to read (from `NETCDF:"file":var` or the options). */
  private readonly selections: Array<ArraySelection | undefined>;
  private readonly options: Readonly<ReprojectorOptions>;
  private readonly write: WriteOptions;

  constructor(source: InputRef | InputRef[], options: ReprojectorOptions = {}) {
    const sources = Array.isArray(source) ? [...source] : [source];
    if (sources.length === 0 || !sources.every(isInputRef)) {
      throw new InvalidInputError(`${WHO} needs a source: a file path or URL, a Blob, bytes, or a non-empty array of them; got ${JSON.stringify(source) ?? String(source)}`);
    }
    const raw = checkOptionKeys(options, OPTION_KEYS, WHO);
    const selection = checkSelection(raw, WHO);
    // GDAL's `NETCDF:"file":variable` names a file and a part of it: the file is the input.
    const split = sources.map((ref) => (typeof ref === 'string' ? splitSubdataset(ref) : undefined));
    this.sources = sources.map((ref, index) => split[index]?.path ?? ref);
    this.selections = split.map((part) => mergeSelections(part?.selection, selection, WHO));
    const bands = checkBands(raw.bands, `${WHO} bands`);
    const scales = checkPerBand(raw.scales, `${WHO} scales`);
    const offsets = checkPerBand(raw.offsets, `${WHO} offsets`);
    if (bands) {
      if (scales !== undefined) expandPerBand(scales, bands.length, `${WHO} scales`);
      if (offsets !== undefined) expandPerBand(offsets, bands.length, `${WHO} offsets`);
    }
    const dstNodata = raw.dstNodata === null ? null : checkNumber(raw.dstNodata, `${WHO} dstNodata`, { allowNaN: true });
    const dstDtype = raw.dstDtype === undefined ? undefined : validateOutputDType(raw.dstDtype, `${WHO} dstDtype`);
    if (dstDtype && dstNodata !== undefined && dstNodata !== null && !fitsOutputType(dstNodata, dstDtype)) {
      throw new InvalidInputError(`${WHO} dstNodata ${dstNodata} cannot be stored as ${dstDtype}; choose a value the type holds, or null for no nodata`);
    }
    const errorThreshold = checkNumber(raw.errorThreshold, `${WHO} errorThreshold`);
    if (errorThreshold !== undefined && errorThreshold < 0) throw new InvalidInputError(`${WHO} errorThreshold must be 0 or more pixels, got ${errorThreshold}`);
    this.write = checkWriteOptions(raw);
    this.options = Object.freeze({
      ...this.write,
      resampling: raw.resampling === undefined ? 'nearest' : validateResampling(raw.resampling, `${WHO} resampling`),
      ...(bands ? { bands } : {}),
      ...(errorThreshold !== undefined ? { errorThreshold } : {}),
      ...(raw.srcCrs !== undefined ? { srcCrs: validateCrs(raw.srcCrs, `${WHO} srcCrs`) } : {}),
      ...(raw.srcNodata !== undefined ? { srcNodata: checkNumber(raw.srcNodata, `${WHO} srcNodata`, { allowNaN: true }) } : {}),
      ...(dstDtype ? { dstDtype } : {}),
      ...(dstNodata !== undefined ? { dstNodata } : {}),
      ...(scales !== undefined ? { scales } : {}),
      ...(offsets !== undefined ? { offsets } : {}),
    });
  }

  inputs(): InputRef[] {
    return [...this.sources];
  }

  /**
   * The `.aux.xml` beside each source file: GDAL reads it when it is there, and it may set the
   * nodata, scale, offset, even the CRS and grid. (Remote sources are read without one.)
   */
  optionalInputs(): InputRef[] {
    return this.sources.flatMap(auxiliaryFileOf);
  }

  settings(): Record<string, unknown> {
    const selections = this.selections;
    const { bands, srcCrs, srcNodata, resampling, errorThreshold, dstDtype, dstNodata, scales, offsets } = this.options;
    return {
      resampling,
      ...(errorThreshold !== undefined ? { errorThreshold } : {}),
      ...(bands ? { bands: [...bands] } : {}),
      ...(srcCrs !== undefined ? { srcCrs } : {}),
      ...(srcNodata !== undefined ? { srcNodata: jsonNumber(srcNodata) } : {}),
      ...(dstDtype ? { dstDtype } : {}),
      ...(dstNodata !== undefined ? { dstNodata: dstNodata === null ? null : jsonNumber(dstNodata) } : {}),
      ...(scales !== undefined ? { scales: Array.isArray(scales) ? [...scales] : scales } : {}),
      ...(offsets !== undefined ? { offsets: Array.isArray(offsets) ? [...offsets] : offsets } : {}),
      ...writeSettings(this.write),
      ...(selections.some(Boolean) ? { select: selections.map((part) => (part ? selectionJson(part) : null)) } : {}),
    };
  }

  /** Completes a CRS-only spec with the grid `gdalwarp -t_srs <crs>` would choose for the sources. */
  async completeSpec(spec: SpatialSpec, context: Omit<ProcessorContext, 'spec' | 'outputPath'>): Promise<SpatialSpec> {
    if (spec.isFullyDefined) return spec;
    const sources = await this.inspect(context);
    // For a mosaic GDAL warns that a warped VRT holds only the first source: true, but harmless
    // here, where only the grid is read, and gdalwarp computes that from every source first.
    const grid = await suggestedWarpGrid(context.engine, sources.paths, ['-t_srs', spec.crs, ...sources.crsArgs]);
    return new SpatialSpec({ crs: spec.crs, transform: gdalToAffine(grid.geoTransform), shape: [grid.height, grid.width] });
  }

  async run(context: ProcessorContext): Promise<void> {
    const { spec, outputPath, engine, onProgress, warn } = context;
    const grid = targetGrid(spec, WHO);
    const sources = await this.inspect(context);
    if (warn && (await footprintsMiss(sources.infos, spec, engine))) {
      warn(`${WHO}: ${sources.names.join(', ')} does not overlap ${spec}: the output is entirely nodata; check the spec's CRS and bounds against the source's`);
    }
    const plan = this.plan(sources);
    const scratch = new ScratchFiles(engine, outputPath);
    try {
      const inputs = plan.wrap ? await this.wrapSources(sources, plan.bandMetadata, scratch, engine) : sources.paths;
      // Straight into the output, never through a warped VRT: a VRT warps block by block, and the
      // warper's approximate transformer then picks other nearest pixels than gdalwarp does.
      const args = [
        '-t_srs', grid.crs, ...grid.args,
        '-r', gdalResampling(this.options.resampling!),
        ...plan.args,
        ...sources.crsArgs,
      ];
      await writeGeoTiff(engine, outputPath, this.write, grid, typeCreationOptions(plan.dtype), (dest, creation, options) =>
        engine.warp(inputs, dest, [...creation, ...args], { ...options, ...(onProgress ? { onProgress } : {}) }),
      );
    } finally {
      await scratch.removeAll();
    }
    await verifyOutputGrid(engine, outputPath, spec, WHO);
  }

  private inspect(context: Pick<ProcessorContext, 'engine' | 'resolveInput'>): Promise<RasterSources> {
    const { bands, srcCrs } = this.options;
    return inspectRasterSources(this.sources, context, { who: WHO, selections: this.selections, ...(bands ? { bands } : {}), ...(srcCrs ? { srcCrs } : {}) });
  }

  /**
   * A VRT per source holding the selected bands with the requested scale and offset: gdalwarp
   * copies each source band's scale and offset to the output (it has no option to set them), and
   * reading through a VRT changes no pixel.
   */
  private async wrapSources(sources: RasterSources, bandMetadata: VrtBandMetadata[] | undefined, scratch: ScratchFiles, engine: GdalEngine): Promise<string[]> {
    const bandArgs = (this.options.bands ?? []).flatMap((band) => ['-b', String(band)]);
    const wrapped: string[] = [];
    for (const [index, path] of sources.paths.entries()) {
      const vrt = scratch.path(`source-${index + 1}`, 'vrt');
      await engine.translate(path, vrt, ['-of', 'VRT', ...bandArgs]);
      if (bandMetadata) {
        const xml = new TextDecoder().decode(await engine.fs.readFile(vrt));
        await engine.fs.writeFile(vrt, new TextEncoder().encode(setVrtBandMetadata(xml, bandMetadata, vrt)));
      }
      wrapped.push(vrt);
    }
    return wrapped;
  }

  /** Output type and nodata as gdalwarp arguments; whether sources need wrapping for bands or band metadata. */
  private plan(sources: RasterSources): { dtype: OutputDType; args: string[]; wrap: boolean; bandMetadata?: VrtBandMetadata[] } {
    const { bands, srcNodata, dstNodata, scales, offsets } = this.options;
    const dtype = this.options.dstDtype ?? sourceDtype(sources, WHO);
    const nodata = dstNodata !== undefined ? dstNodata : this.defaultNodata(dtype, sources);
    if (nodata !== null && !fitsOutputType(nodata, dtype)) {
      throw new InvalidInputError(`${WHO} dstNodata ${nodata} cannot be stored as ${dtype}; choose a value the type holds, or null for no nodata`);
    }
    const args = [...typeArgs(dtype), '-dstnodata', nodata === null ? 'None' : gdalNumber(nodata)];
    if (srcNodata !== undefined) args.push('-srcnodata', gdalNumber(srcNodata));
    if (this.options.errorThreshold !== undefined) args.push('-et', gdalNumber(this.options.errorThreshold));

    if (scales === undefined && offsets === undefined) return { dtype, args, wrap: bands !== undefined };
    const bandCount = bands?.length ?? sources.bandCount;
    const scaleList = scales === undefined ? undefined : expandPerBand(scales, bandCount, `${WHO} scales`);
    const offsetList = offsets === undefined ? undefined : expandPerBand(offsets, bandCount, `${WHO} offsets`);
    // Written inline: Rolldown (Vite) inlines a const used once into the return, and the class's
    // hash must not depend on that (test/fingerprint/library-toolchain.test.ts).
    return {
      dtype,
      args,
      wrap: true,
      bandMetadata: Array.from({ length: bandCount }, (_, index) => ({
        ...(scaleList ? { scale: scaleList[index]! } : {}),
        ...(offsetList ? { offset: offsetList[index]! } : {}),
      })),
    };
  }

  private defaultNodata(dtype: OutputDType, sources: RasterSources): number | null {
    if (isFloatType(dtype)) return NaN;
    if (dtype === 'bool') return null;
    const source = this.options.srcNodata ?? sources.nodata;
    if (source === undefined) return null;
    if (!fitsOutputType(source, dtype)) {
      const which = this.options.srcNodata !== undefined ? `srcNodata ${source}` : `the nodata value ${source} of ${sources.names[0]}`;
      throw new InvalidInputError(`${WHO}: ${which} cannot be stored as ${dtype}; give dstNodata (a value ${dtype} holds, or null for none)`);
    }
    return source;
  }

  toString(): string {
    return `Reprojector(${this.sources.map(describeInput).join(', ')}, ${this.options.resampling})`;
  }
}
// Library code: hashed the same however a bundler renames its module-level names.
markLibraryClass(Reprojector);

/** GDAL's auxiliary file of a local source (`dem.tif.aux.xml`), or nothing for bytes, Blobs and URLs. */
function auxiliaryFileOf(source: InputRef): InputRef[] {
  if (source instanceof URL) return source.protocol === 'file:' ? [new URL(`${source.href}.aux.xml`)] : [];
  if (typeof source !== 'string' || remoteUrlOf(source) !== undefined) return [];
  return [`${source}.aux.xml`];
}
