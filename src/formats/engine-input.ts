import type { GdalEngine } from '../../wasm/engine.js';
import { reportFileAccess } from '../../wasm/file-access.js';
import { ConfigError, InvalidInputError } from '../errors.js';
import type { ArraySelection } from './array-selection.js';
import { arrayToVrt } from './array-to-vrt.js';
import { sniffFormat, SNIFF_BYTES, type SniffedFormat } from './detect-format.js';
import { formatIo } from './format-io.js';
import { hdf4Error } from './format-errors.js';
import { transcodeTiffIfNeeded } from './tiff-transcode.js';

/** What `engineReadable` needs besides the path. */
export interface EngineInputOptions {
  /** The part of a netCDF/HDF5 file to read (see `ArraySelection`). */
  selection?: ArraySelection;
  /** The input as the user named it, for messages. */
  name?: string;
}

/**
 * A path the engine can read for `path`: the file itself when GDAL-WASM reads it natively; for a
 * netCDF or HDF5 file a VRT over the selected variable's pixels; for a GeoTIFF in a codec
 * GDAL-WASM lacks (JPEG, ZSTD, LERC, WEBP) the same TIFF with its tiles decoded. Conversions are
 * cached in the workspace by content. An HDF4 file is an `UnsupportedFormatError` that says what to
 * convert it with.
 *
 * @example const path = await engineReadable('/data/tmmx.nc', engine, { selection: { variable: 'air_temperature' } });
 */
export async function engineReadable(path: string, engine: GdalEngine, options: EngineInputOptions = {}): Promise<string> {
  const name = options.name ?? path;
  const io = formatIo(engine);
  if (!io) {
    if (options.selection) throw new ConfigError(`reading a variable of ${name} needs geodata's platform: import geodata from its package entry`);
    return path;
  }
  let format: SniffedFormat;
  try {
    format = sniffFormat(await io.read(path, 0, SNIFF_BYTES));
  } catch {
    // Missing or unreadable: GDAL says so in its own words, with the path.
    return path;
  }
  if (format === 'hdf4') throw hdf4Error(name);
  if (format === 'netcdf3' || format === 'hdf5') return readInstead(path, await arrayToVrt(path, format, options.selection, io, name), io.hostFiles);
  if (options.selection) {
    throw new InvalidInputError(`${name} is not a netCDF or HDF5 file (${format === 'gtiff' ? 'it is a GeoTIFF' : 'its format is not one of them'}), so variable, index and value do not apply to it`);
  }
  if (format === 'gtiff') return readInstead(path, await transcodeTiffIfNeeded(path, io, name), io.hostFiles);
  return path;
}

/**
 * The converted file GDAL reads instead of `path`. GDAL then opens only the conversion, a scratch
 * file no computation records, so the read of the original is reported here: a computation that
 * read it (a terrain step in `_process`) goes stale when it changes, not a false hit.
 */
function readInstead(path: string, converted: string, hostFiles: boolean): string {
  if (converted !== path && hostFiles) reportFileAccess({ read: [path], absent: [] });
  return converted;
}
