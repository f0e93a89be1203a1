import { ConfigError } from '../errors.js';
import { getPlatform } from '../platform.js';
import type { ArrayFile } from './array-file.js';
import { randomHex } from '../random-hex.js';
import { UnsupportedFormatError } from './format-errors.js';
import { openHdf5File } from './hdf5-file.js';
import { openNetcdf3File } from './netcdf3-file.js';

/** Where a netCDF/HDF5 file's bytes come from. */
export interface ArraySource {
  /** For messages. */
  name: string;
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** A path on this machine's file system, which h5wasm's Node build opens in place. */
  hostPath?: string;
  /** The whole file (only when there is no host path). */
  bytes(): Promise<Uint8Array>;
}

/**
 * Opens a netCDF or HDF5 file. netCDF-3 is parsed in JavaScript with range reads; netCDF-4/HDF5
 * goes through h5wasm: in Node it opens host files in place (HDF5 reads only the chunks a slice
 * needs; bytes from elsewhere are copied to a temporary file for the time the file is open), in
 * browsers the bytes go to h5wasm's in-memory file system.
 *
 * @example const file = await openArrayFile({ name: 'tmmx.nc', size, read, hostPath: '/data/tmmx.nc', bytes }, 'hdf5');
 */
export async function openArrayFile(source: ArraySource, format: 'netcdf3' | 'hdf5'): Promise<ArrayFile> {
  const { name } = source;
  if (format === 'netcdf3') {
    const version = (await source.read(3, 1))[0];
    if (version === 5) {
      throw new UnsupportedFormatError(
        `${name} is a netCDF-3 CDF-5 (64-bit data) file, which geodata cannot read; convert it with native GDAL (gdal_translate -of netCDF -co FORMAT=NC4 ${name} out.nc, or -of GTiff)`,
        name,
        'netCDF CDF-5',
      );
    }
    return openNetcdf3File((offset, length) => source.read(offset, length), source.size, name);
  }
  const platform = getPlatform();
  if (!platform.loadHdf5) throw new ConfigError(`reading ${name} (netCDF-4/HDF5) needs h5wasm, which this platform does not load: import geodata from its package entry`);
  const h5 = await platform.loadHdf5();
  if (platform.name === 'node') {
    if (source.hostPath) return openHdf5File(h5, source.hostPath, name);
    const workspace = platform.workspace();
    const copy = `${workspace.tempFolder}/geodata-h5-${randomHex()}.h5`;
    await workspace.writeFile(copy, await source.bytes());
    return withCleanup(() => openHdf5File(h5, copy, name), () => void workspace.remove(copy));
  }
  const inMemory = `/geodata-${randomHex()}.h5`;
  h5.FS!.writeFile(inMemory, await source.bytes());
  return withCleanup(() => openHdf5File(h5, inMemory, name), () => h5.FS!.unlink(inMemory));
}

function withCleanup(open: () => ArrayFile, cleanup: () => void): ArrayFile {
  let file: ArrayFile;
  try {
    file = open();
  } catch (error) {
    cleanup();
    throw error;
  }
  return {
    format: file.format,
    globalAttributes: file.globalAttributes,
    variables: file.variables,
    close: () => {
      try {
        file.close();
      } finally {
        cleanup();
      }
    },
  };
}
