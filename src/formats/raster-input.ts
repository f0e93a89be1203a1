import { reportFileAccess } from '../../wasm/file-access.js';
import { InvalidInputError } from '../errors.js';
import { getPlatform } from '../platform.js';
import { fetchBytes } from '../sources/fetch-or-fail.js';
import { Raster } from '../raster/raster.js';
import { gdalToAffine } from '../spec/affine.js';
import { normalizeCrs, validateCrs } from '../spec/crs.js';
import { describeArrayRaster, readBand } from './array-raster.js';
import { checkSelection, mergeSelections, splitSubdataset, type ArraySelection } from './array-selection.js';
import { sniffFormat, SNIFF_BYTES } from './detect-format.js';
import { hdf4Error } from './format-errors.js';
import { openArrayFile, type ArraySource } from './open-array-file.js';

/** What `readRaster` reads: a path (Node) or URL (browser), a Blob/File, or bytes. */
export type RasterInputSource = string | URL | Blob | Uint8Array | ArrayBuffer;

/** What `readRaster` takes besides the source, as far as formats are concerned. */
export interface RasterInputOptions extends ArraySelection {
  crs?: string;
  bands?: number[];
}

/**
 * Reads a netCDF/HDF5 source (also spelled `NETCDF:"file":variable`) into a Raster the way GDAL
 * presents it, or returns the bytes of any other source for the GeoTIFF reader. A Node path is
 * sniffed by range and a netCDF-4 file opened in place, so only the selected slices are read.
 *
 * @example const input = await rasterInput('NETCDF:"tmmx.nc":air_temperature', {}, 'tmmx.nc');
 */
export async function rasterInput(source: RasterInputSource, options: RasterInputOptions, name: string): Promise<{ raster: Raster } | { bytes: Uint8Array | ArrayBuffer }> {
  const split = typeof source === 'string' ? splitSubdataset(source) : undefined;
  const selection = mergeSelections(split?.selection, checkSelection(options, 'readRaster'), 'readRaster');
  const input = await arraySourceOf(split?.path ?? source, name);
  const format = sniffFormat(await input.read(0, SNIFF_BYTES));
  if (format === 'hdf4') throw hdf4Error(name);
  if (format !== 'netcdf3' && format !== 'hdf5') {
    if (selection) throw new InvalidInputError(`${name} is not a netCDF or HDF5 file, so variable, index and value do not apply to it`);
    return { bytes: await input.bytes() };
  }
  // Read in place by range, never through readFile (which records what it reads): a computation
  // that read a netCDF file kept its entry when the file changed.
  if (input.hostPath) reportFileAccess({ read: [input.hostPath], absent: [] });
  return { raster: await readArray(input, format, selection, options) };
}

async function readArray(input: ArraySource, format: 'netcdf3' | 'hdf5', selection: ArraySelection | undefined, options: RasterInputOptions): Promise<Raster> {
  const file = await openArrayFile(input, format);
  try {
    const described = await describeArrayRaster(file, selection, input.name);
    const count = described.bands.length;
    const bands = options.bands ?? Array.from({ length: count }, (_, index) => index + 1);
    for (const band of bands) {
      if (!Number.isInteger(band) || band < 1 || band > count) throw new InvalidInputError(`band ${band} does not exist in ${input.name}, which has bands 1..${count}`);
    }
    const arrays = [];
    for (const band of bands) arrays.push(await readBand(described, band - 1));
    return new Raster({
      bands: arrays,
      width: described.width,
      height: described.height,
      // No geotransform: GDAL's convention, the identity in pixel units.
      transform: described.geoTransform ? gdalToAffine(described.geoTransform) : [1, 0, 0, 0, 1, 0],
      crs: options.crs !== undefined ? validateCrs(options.crs) : described.crs ? normalizeCrs(described.crs) : undefined,
      dtype: described.dtype,
      nodata: described.nodata ?? null,
      scales: bands.map(() => described.scale ?? 1),
      offsets: bands.map(() => described.offset ?? 0),
    });
  } finally {
    file.close();
  }
}

/** Random access to a source: Node paths by range on disk, anything else from its bytes. */
async function arraySourceOf(source: RasterInputSource, name: string): Promise<ArraySource> {
  const platform = getPlatform();
  // A URL is read as its text. In Node an http(s) one is fetched and a file: one is a path
  // (resolvePath): both were taken as relative paths, "<cwd>/file:/data/dem.tif does not exist".
  if (source instanceof URL) source = source.href;
  if (typeof source === 'string' && platform.name === 'node' && /^https?:\/\//i.test(source)) {
    const fetched = await fetchBytes(source);
    return { name, size: fetched.length, read: async (offset, length) => fetched.subarray(offset, offset + length), bytes: async () => fetched };
  }
  if (typeof source === 'string' && platform.name === 'node') {
    const workspace = platform.workspace();
    const path = platform.resolvePath(source);
    const size = await workspace.size(path);
    if (size !== undefined && workspace.readRange) {
      const readRange = workspace.readRange.bind(workspace);
      return { name, size, hostPath: path, read: (offset, length) => readRange(path, offset, length), bytes: () => platform.readFile(path) };
    }
  }
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (source instanceof ArrayBuffer) bytes = new Uint8Array(source);
  else if (typeof Blob !== 'undefined' && source instanceof Blob) bytes = new Uint8Array(await source.arrayBuffer());
  else bytes = await platform.readFile(String(source));
  return { name, size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length), bytes: async () => bytes };
}
