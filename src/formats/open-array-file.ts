import { ConfigError } from '../errors.js';
import { getPlatform } from '../platform.js';
import type { ArrayFile } from './array-file.js';
import type { FormatIo } from './format-io.js';
import { UnsupportedFormatError } from './format-errors.js';
import { openHdf5File } from './hdf5-file.js';
import { openNetcdf3File } from './netcdf3-file.js';


/**
 * Opens a netCDF or HDF5 file in the engine's file system. netCDF-3 is parsed in JavaScript with
 * range reads; netCDF-4/HDF5 goes through h5wasm: in Node it opens host files in place (HDF5 reads
 * only the chunks a slice needs), elsewhere the bytes are handed to h5wasm's in-memory file
 * system for the time the file is open.
 *
 * @example const file = await openArrayFile('/tmp/in/tmmx.nc', 'hdf5', io, 'tmmx.nc');
 */
export async function openArrayFile(path: string, format: 'netcdf3' | 'hdf5', io: FormatIo, name: string): Promise<ArrayFile> {
  const size = (await io.size(path)) ?? 0;
  if (format === 'netcdf3') {
    const version = (await io.read(path, 3, 1))[0];
    if (version === 5) {
      throw new UnsupportedFormatError(
        `${name} is a netCDF-3 CDF-5 (64-bit data) file, which geodata cannot read; convert it with native GDAL (gdal_translate -of netCDF -co FORMAT=NC4 ${name} out.nc, or -of GTiff)`,
        name,
        'netCDF CDF-5',
      );
    }
    return openNetcdf3File((offset, length) => io.read(path, offset, length), size, name);
  }
  const platform = getPlatform();
  if (!platform.loadHdf5) throw new ConfigError(`reading ${name} (netCDF-4/HDF5) needs h5wasm, which this platform does not load: import geodata from its package entry`);
  const h5 = await platform.loadHdf5();
  if (platform.name === 'node') {
    if (io.hostFiles) return openHdf5File(h5, path, name);
    // h5wasm's Node build sees host files only: copy an engine's in-memory file out for the read.
    const hostWorkspace = platform.workspace();
    const copy = `${hostWorkspace.tempFolder}/geodata-h5-${randomHex()}.h5`;
    await hostWorkspace.writeFile(copy, await io.workspace.readFile(path));
    const file = openHdf5File(h5, copy, name);
    return { ...file, variables: file.variables, close: () => { file.close(); void hostWorkspace.remove(copy); } };
  }
  const inMemory = `/geodata-${randomHex()}.h5`;
  h5.FS!.writeFile(inMemory, await io.workspace.readFile(path));
  try {
    const file = openHdf5File(h5, inMemory, name);
    return { ...file, variables: file.variables, close: () => { file.close(); h5.FS!.unlink(inMemory); } };
  } catch (error) {
    h5.FS!.unlink(inMemory);
    throw error;
  }
}

function randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}
