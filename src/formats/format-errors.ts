import { FileError } from '../errors.js';

/**
 * A file in a format geodata cannot read (HDF4, netCDF-3 CDF-5, ...): `format` names it, `path`
 * the file, and the message says what to convert it with.
 */
export class UnsupportedFormatError extends FileError {
  override name = 'UnsupportedFormatError';
  constructor(
    message: string,
    path: string,
    readonly format: string,
    options?: { cause?: unknown },
  ) {
    super(message, path, options);
  }
}

/** The error for an HDF4 file (MODIS and older NASA products): GDAL-WASM has no HDF4 driver, and no WebAssembly HDF4 reader exists on npm. */
export function hdf4Error(name: string): UnsupportedFormatError {
  return new UnsupportedFormatError(
    `${name} is an HDF4 file, which geodata cannot read (its GDAL has no HDF4 driver); convert it with native GDAL first, ` +
      `for example gdal_translate -of GTiff 'HDF4_SDS:UNKNOWN:"${name}":0' out.tif (gdalinfo ${name} lists the subdatasets), ` +
      `or to netCDF-4 with gdal_translate -of netCDF -co FORMAT=NC4, which geodata reads`,
    name,
    'HDF4',
  );
}

/** The error for a GeoTIFF in a codec nobody here decodes (LZMA, JPEG-XL, ...), saying how to re-encode it. */
export function undecodableCodecError(name: string, codec: string, options?: { cause?: unknown }): UnsupportedFormatError {
  return new UnsupportedFormatError(
    `${name} is a GeoTIFF compressed with ${codec}, which geodata cannot decode; re-encode it with native GDAL, for example gdal_translate -co COMPRESS=DEFLATE -co PREDICTOR=2 ${name} out.tif`,
    name,
    `GeoTIFF ${codec}`,
    options,
  );
}
