import { FileError } from '../errors.js';
import type { Raster } from '../raster/raster.js';
import { loadGeotiff } from '../raster/geotiff-module.js';
import { readRasterBytes } from '../raster/read-raster.js';
import type { Driver } from './driver.js';

/** GeoTIFF → `Raster`. The CRS comes from the entry's spec, so custom CRSs need no GDAL. */
export const rasterDriver: Driver<Raster> = {
  ext: 'tif',
  read: (bytes, { name, spec }) => readRasterBytes(bytes, name, spec ? { crs: spec.crs } : {}),
  // geotiff.js takes about 50 ms to import in a new process: a cache hit's load() imports it while it reads the file.
  prepare: () => loadGeotiff().then(() => undefined),
};

/** GeoJSON → the parsed object. */
export const geojsonDriver: Driver<unknown> = {
  ext: 'geojson',
  async read(bytes, { name }) {
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      throw new FileError(`${name} is not valid GeoJSON: ${(error as Error).message}`, name, { cause: error });
    }
  },
};

/** JSON → the parsed value. */
export const jsonDriver: Driver<unknown> = { ext: 'json', read: geojsonDriver.read };

/** Anything else → the bytes. */
export const bytesDriver: Driver<Uint8Array> = { ext: 'bin', read: async (bytes) => bytes };

/** The driver for an extension when neither the class nor its processor names one. */
export function driverForExtension(ext: string): Driver {
  const lower = ext.toLowerCase();
  if (lower === 'tif' || lower === 'tiff') return rasterDriver;
  if (lower === 'geojson') return geojsonDriver;
  if (lower === 'json') return jsonDriver;
  return bytesDriver;
}
