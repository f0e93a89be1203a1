import type { GdalEngine, RasterInfo } from '../../wasm/engine.js';
import { CrsError, InvalidInputError } from '../errors.js';
import type { ArraySelection } from '../formats/array-selection.js';
import { engineReadable } from '../formats/engine-input.js';
import { DTYPE_NAMES, gdalTypeName, type DType } from '../raster/dtype.js';
import { sameCrs } from './crs-match.js';
import { withInputContext } from './input-errors.js';
import { describeInput } from './option-checks.js';
import type { InputRef, ProcessorContext } from './processor.js';

/** What a warp needs to know about its raster sources, checked before anything is written. */
export interface RasterSources {
  /** Paths in the engine's file system, in mosaic order. */
  paths: string[];
  /** Names for messages, in the same order. */
  names: string[];
  /** Bands of each source (all equal unless bands are selected). */
  bandCount: number;
  /**
   * The pixel type of the first selected band of the first source; undefined for GDAL types no
   * dtype holds (Int64, UInt64, complex), which a warp converts only to a `dstDtype` it is given.
   */
  dtype: DType | undefined;
  /** GDAL's name of that type (`Float32`, `CInt16`), for messages. */
  gdalType: string;
  /** Its nodata value, if it has one. */
  nodata: number | undefined;
  /** `-s_srs <srcCrs>` when the sources have no CRS of their own, else nothing. */
  crsArgs: string[];
  /** What `gdalinfo` said of each source, in the same order. */
  infos: RasterInfo[];
}

/** How to inspect: which bands will be read, and the CRS of sources that have none. */
export interface SourceRequirements {
  bands?: number[];
  srcCrs?: string;
  /** The part of each netCDF/HDF5 source to read, in the order of the sources (undefined: the file's only variable). */
  selections?: ReadonlyArray<ArraySelection | undefined>;
  /** Who asks, for messages (`Reprojector`). */
  who: string;
}

/**
 * Resolves and opens every source (converting those in formats the engine cannot read: netCDF,
 * HDF5, GeoTIFFs in codecs it lacks), and checks what would make GDAL fail or silently do the
 * wrong thing: unreadable files, missing CRS (without `srcCrs`), selected bands that do not
 * exist, mosaics of sources with different band counts.
 */
export async function inspectRasterSources(
  refs: readonly InputRef[],
  context: Pick<ProcessorContext, 'engine' | 'resolveInput'>,
  requirements: SourceRequirements,
): Promise<RasterSources> {
  const { engine } = context;
  const { who, bands, srcCrs } = requirements;
  const paths: string[] = [];
  const names: string[] = [];
  const infos: RasterInfo[] = [];
  for (const [index, ref] of refs.entries()) {
    const name = describeInput(ref);
    const selection = requirements.selections?.[index];
    // Formats the engine cannot read (netCDF, HDF5, GeoTIFFs in codecs it lacks) become files it can.
    const path = await withInputContext(`${who} source ${name}`, async () =>
      engineReadable(await context.resolveInput(ref), engine, { name, ...(selection ? { selection } : {}) }),
    );
    infos.push(await withInputContext(`${who} source ${name}`, () => engine.info(path, ['-norat', '-noct'])));
    paths.push(path);
    names.push(name === path ? name : `${name} (${path})`);
  }

  const counts = infos.map((info) => info.bands.length);
  infos.forEach((info, index) => {
    for (const band of bands ?? []) {
      if (band > info.bands.length) {
        throw new InvalidInputError(`${who}: band ${band} does not exist in ${names[index]}, which has ${describeBandCount(info.bands.length)}; choose bands among them`);
      }
    }
  });
  if (!bands && new Set(counts).size > 1) {
    const list = names.map((name, index) => `${name}: ${counts[index]}`).join(', ');
    throw new InvalidInputError(`${who}: the sources have different band counts (${list}); choose the same bands of each with the bands option`);
  }

  const crsArgs = await sourceCrsArgs(engine, infos, names, srcCrs, who);
  const first = infos[0]!.bands[(bands?.[0] ?? 1) - 1]!;
  const dtype = DTYPE_NAMES.find((name) => gdalTypeName(name).toLowerCase() === first.type.toLowerCase());
  return { paths, names, bandCount: counts[0]!, dtype, gdalType: first.type, nodata: parseNodata(first.noDataValue), crsArgs, infos };
}

/**
 * The sources' pixel type, for an output that keeps it; an error naming GDAL's type when no dtype
 * holds it (Int64, UInt64, complex) and saying to choose the output type.
 */
export function sourceDtype(sources: RasterSources, who: string): DType {
  if (sources.dtype) return sources.dtype;
  throw new InvalidInputError(
    `${who}: ${sources.names[0]} has pixels of GDAL type ${sources.gdalType}, which geodata does not handle; give dstDtype (one of ${DTYPE_NAMES.join(', ')}) to convert them${sources.gdalType.startsWith('C') ? ' (GDAL keeps the real part of complex values)' : ''}`,
  );
}

function describeBandCount(count: number): string {
  return count === 1 ? '1 band (band 1)' : `${count} bands (1..${count})`;
}

/**
 * `srcCrs` applies to sources without a CRS only (a file's own CRS wins). gdalwarp takes one
 * `-s_srs` for all sources, so a mosaic may mix sources with and without a CRS only when theirs
 * is `srcCrs`.
 */
async function sourceCrsArgs(engine: GdalEngine, infos: RasterInfo[], names: string[], srcCrs: string | undefined, who: string): Promise<string[]> {
  const missing = infos.map((info, index) => (info.coordinateSystem?.wkt ? -1 : index)).filter((index) => index >= 0);
  if (missing.length === 0) return [];
  if (srcCrs === undefined) {
    throw new CrsError(
      `${who}: source ${names[missing[0]!]} has no coordinate reference system; give the CRS its coordinates are in with the srcCrs option (for example { srcCrs: 'EPSG:32632' })`,
    );
  }
  await engine.crsToWkt(srcCrs);
  for (const [index, info] of infos.entries()) {
    const wkt = info.coordinateSystem?.wkt;
    if (wkt && !(await sameCrs(engine, wkt, srcCrs))) {
      throw new InvalidInputError(
        `${who}: the mosaic mixes sources without a CRS (${names[missing[0]!]}, given srcCrs ${srcCrs}) and ${names[index]}, whose CRS differs; warp them separately or give every source the same CRS`,
      );
    }
  }
  return ['-s_srs', srcCrs];
}

/** A band's nodata from `gdalinfo -json`, which writes NaN and infinities as strings. */
export function parseNodata(value: number | string | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  const text = value.trim().toLowerCase();
  if (text === 'nan') return NaN;
  if (text === 'inf' || text === 'infinity') return Infinity;
  if (text === '-inf' || text === '-infinity') return -Infinity;
  const number = Number(text);
  return Number.isNaN(number) ? undefined : number;
}
