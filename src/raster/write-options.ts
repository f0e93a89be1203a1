import { InvalidInputError, describeValue } from '../errors.js';

/** How to write a GeoTIFF. */
export interface WriteOptions {
  /**
   * Compression codec (default DEFLATE, compressed outside WebAssembly with the cache's own level
   * and predictor; see the README's "Compression"). Only the codecs GDAL's WebAssembly build
   * writes: it has no ZSTD, LZMA, LERC, WEBP or JPEG encoder (geodata reads all of them).
   */
  compress?: Compression;
  /** Horizontal differencing predictor: 2 for integers, 3 for floats; default none. */
  predictor?: 1 | 2 | 3;
  /** Tiled layout (default true for rasters of at least 512x512 or when `blockSize` is given, else strips). */
  tiled?: boolean;
  /** Tile size in pixels (default 256); a multiple of 16. Not with `tiled: false`. */
  blockSize?: number;
  /** Write a Cloud-Optimized GeoTIFF (GDAL's COG driver: tiled, with overviews). */
  cog?: boolean;
  /** Extra GDAL creation options, `KEY=VALUE`. */
  creationOptions?: string[];
}

/** The codecs geodata writes GeoTIFFs with. */
export const COMPRESSIONS = ['DEFLATE', 'LZW', 'PACKBITS', 'NONE'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** Codecs GDAL names that the WebAssembly build cannot write. */
const UNWRITABLE = new Set(['ZSTD', 'LZMA', 'LERC', 'LERC_DEFLATE', 'LERC_ZSTD', 'WEBP', 'JPEG', 'JXL']);

/** Refuses a codec geodata cannot write, saying which it can. */
function checkCompression(value: unknown, describe: (name: string) => string): void {
  if ((COMPRESSIONS as readonly unknown[]).includes(value)) return;
  const name = typeof value === 'string' ? value : JSON.stringify(value);
  const why = typeof value === 'string' && UNWRITABLE.has(value.toUpperCase())
    ? `GDAL's WebAssembly build has no ${value.toUpperCase()} encoder (geodata reads such files, but cannot write them)`
    : 'it is not a codec geodata writes';
  throw new InvalidInputError(`${describe(name)} cannot be used: ${why}; choose one of ${COMPRESSIONS.join(', ')} (DEFLATE, the default, is the smallest)`);
}

/**
 * Refuses option values of the wrong kind, which JavaScript callers can pass: `cog: 'false'`
 * is truthy and wrote a COG, `predictor: 5` failed in GDAL after the work, and a string of
 * creation options was read character by character.
 */
function checkShapes(options: WriteOptions): void {
  for (const key of ['tiled', 'cog'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new InvalidInputError(`${key} must be true or false, got ${describeValue(options[key])}`);
  }
  if (options.predictor !== undefined && ![1, 2, 3].includes(options.predictor)) {
    throw new InvalidInputError(`predictor must be 1 (none), 2 (horizontal differencing, for integers) or 3 (floating point), got ${describeValue(options.predictor)}`);
  }
  const creation: unknown = options.creationOptions;
  if (creation !== undefined && !(Array.isArray(creation) && creation.every((option) => typeof option === 'string'))) {
    throw new InvalidInputError(`creationOptions must be a list of KEY=VALUE strings, such as ['ZLEVEL=9'], got ${describeValue(creation)}`);
  }
}

/** The `gdal_translate` arguments for these options. Exported for processors that write through GDAL too. */
export function creationArgs(options: WriteOptions, shape: { width: number; height: number }): string[] {
  const compress = options.compress ?? 'DEFLATE';
  checkCompression(compress, (name) => `compress: ${JSON.stringify(name)}`);
  checkShapes(options);
  for (const option of options.creationOptions ?? []) {
    if (/^COMPRESS=/i.test(option)) checkCompression(option.slice('COMPRESS='.length).toUpperCase(), (name) => `creation option COMPRESS=${name}`);
  }
  const blockSize = options.blockSize ?? 256;
  if (!Number.isInteger(blockSize) || blockSize < 16 || blockSize % 16 !== 0) {
    throw new InvalidInputError(`blockSize ${blockSize} must be a multiple of 16 (GeoTIFF tiles are), for example 256 or 512`);
  }
  for (const option of options.creationOptions ?? []) {
    if (!/^[A-Za-z0-9_]+=/.test(option)) throw new InvalidInputError(`creation option ${JSON.stringify(option)} must look like KEY=VALUE`);
  }
  if (options.blockSize !== undefined && options.tiled === false && !options.cog) {
    throw new InvalidInputError(`blockSize ${options.blockSize} sets the size of tiles, and tiled: false writes strips, where it would be ignored; drop one of them`);
  }
  // GDAL takes the first of two options with the same key, so the user's creation options
  // replace the ones derived here instead of following them (where they were ignored).
  const chosen = new Map((options.creationOptions ?? []).map((option) => [creationKey(option), option.slice(option.indexOf('=') + 1)]));
  const derived: string[] = [];
  const format = options.cog ? 'COG' : 'GTiff';
  derived.push(`COMPRESS=${compress}`);
  if (options.cog) {
    derived.push(`BLOCKSIZE=${blockSize}`);
  } else {
    // A tile size asked for means tiles, whatever the raster's size.
    const tiled = chosen.has('TILED') ? !/^(NO|FALSE|OFF|0)$/i.test(chosen.get('TILED')!) : (options.tiled ?? (options.blockSize !== undefined || (shape.width >= 512 && shape.height >= 512)));
    if (tiled) derived.push('TILED=YES', `BLOCKXSIZE=${blockSize}`, `BLOCKYSIZE=${blockSize}`);
  }
  if (options.predictor && options.predictor !== 1) derived.push(`PREDICTOR=${options.predictor}`);
  // BigTIFF only when the file could pass 4 GB: keeps small files readable by old tools.
  derived.push('BIGTIFF=IF_SAFER');
  const creation = [...derived.filter((option) => !chosen.has(creationKey(option))), ...(options.creationOptions ?? [])];
  const args = ['-of', format];
  for (const option of creation) args.push('-co', option);
  return args;
}

/** The key of a `KEY=VALUE` creation option, as GDAL compares keys (case-insensitively). */
function creationKey(option: string): string {
  return option.slice(0, option.indexOf('=')).toUpperCase();
}

