import type { ArraySelection } from './array-selection.js';
import { selectionJson } from './array-selection.js';
import { describeArrayRaster, readBandBlocks } from './array-raster.js';
import { convertedFolder, convertOnce } from './converted-files.js';
import type { FormatIo } from './format-io.js';
import { openArrayFile } from './open-array-file.js';
import { rawVrtXml } from './raw-vrt.js';

/**
 * Converts the selected variable of a netCDF/HDF5 file into a VRT over a raw file in the
 * workspace, band by band and in blocks of rows, so GDAL reads (and warps) it exactly as native
 * GDAL reads `NETCDF:"file":variable`. Cached by the file's content and the selection.
 *
 * @example const vrt = await arrayToVrt('/data/tmmx.nc', 'hdf5', { variable: 'air_temperature' }, io, 'tmmx.nc');
 */
export async function arrayToVrt(path: string, format: 'netcdf3' | 'hdf5', selection: ArraySelection | undefined, io: FormatIo, name: string): Promise<string> {
  const contentKey = await io.contentKey(path);
  const folder = await convertedFolder(io.workspace, contentKey, { format, selection: selectionJson(selection ?? {}) });
  const stem = (name.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '') || 'input').replace(/[^A-Za-z0-9._-]+/g, '_');
  return convertOnce(io.workspace, folder, `${stem}.vrt`, async (part) => {
    const size = (await io.size(path)) ?? 0;
    const file = await openArrayFile(
      { name, size, read: (offset, length) => io.read(path, offset, length), ...(io.hostFiles ? { hostPath: path } : {}), bytes: () => io.workspace.readFile(path) },
      format,
    );
    try {
      const raster = await describeArrayRaster(file, selection, name);
      const writer = await io.openWriter(part(`${stem}.raw`));
      try {
        for (let band = 0; band < raster.bands.length; band++) await readBandBlocks(raster, band, (bytes) => writer.write(bytes));
      } finally {
        await writer.close();
      }
      const xml = rawVrtXml({
        width: raster.width,
        height: raster.height,
        dtype: raster.dtype,
        bandCount: raster.bands.length,
        rawName: `${stem}.raw`,
        ...(raster.crs ? { crs: raster.crs } : {}),
        ...(raster.geoTransform ? { geoTransform: raster.geoTransform } : {}),
        ...(raster.nodata !== undefined ? { nodata: raster.nodata } : {}),
        ...(raster.scale !== undefined ? { scale: raster.scale } : {}),
        ...(raster.offset !== undefined ? { offset: raster.offset } : {}),
        ...(raster.unit ? { unit: raster.unit } : {}),
        bandMetadata: raster.bandMetadata,
      });
      await io.workspace.writeFile(part(`${stem}.vrt`), new TextEncoder().encode(xml));
      return [`${stem}.raw`, `${stem}.vrt`];
    } finally {
      file.close();
    }
  });
}
