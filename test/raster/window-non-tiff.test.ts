/**
 * readWindow on a path that is not a GeoTIFF says what the file is and what to do instead. A
 * `Mosaic` 'vrt' entry, a netCDF file or a PNG were "a damaged TIFF: a directory lies past its
 * end", an empty file a bare RangeError naming no file, and a folder Node's bare EISDIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWindow } from '../../src/node.js';
import { UnsupportedFormatError } from '../../src/formats/format-errors.js';
import { FileError } from '../../src/errors.js';
import { DATA, useScratchFolder } from '../wasm/fixtures.js';

const WINDOW = { x: 0, y: 0, width: 2, height: 2 };

/** The error readWindow rejects with. */
async function failure(path: string): Promise<Error> {
  return readWindow(path, WINDOW).then(
    () => {
      throw new Error(`readWindow(${path}) resolved`);
    },
    (error: Error) => error,
  );
}

describe('readWindow on files that are not GeoTIFFs', () => {
  const scratch = useScratchFolder('window-non-tiff');

  it('names a VRT (a Mosaic vrt entry) as a VRT and says how to read its pixels by window', async () => {
    const path = scratch.path('mosaic.vrt');
    writeFileSync(path, '<VRTDataset rasterXSize="4" rasterYSize="4">\n</VRTDataset>\n');
    const error = await failure(path);
    expect(error).toBeInstanceOf(UnsupportedFormatError);
    expect((error as UnsupportedFormatError).path).toBe(path);
    expect(error.message).toBe(
      `${path} is a GDAL VRT, not a GeoTIFF: readWindow reads GeoTIFFs only; read the window of the files it names, or convert it with native GDAL (gdal_translate -co TILED=YES -co COMPRESS=DEFLATE ${path} out.tif), or ask for a Mosaic in 'cog' format`,
    );
  });

  it('names a netCDF file and points at readRaster', async () => {
    const path = join(DATA, 'unicode.nc');
    const error = await failure(path);
    expect(error).toBeInstanceOf(UnsupportedFormatError);
    expect(error.message).toBe(`${path} is a netCDF-4/HDF5 file, not a GeoTIFF: readWindow reads GeoTIFFs only; read it with readRaster(path, { variable })`);
  });

  it('says a PNG is not a TIFF', async () => {
    const path = scratch.path('picture.png');
    writeFileSync(path, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const error = await failure(path);
    expect(error).toBeInstanceOf(UnsupportedFormatError);
    expect(error.message).toBe(`${path} is not a GeoTIFF: it does not begin with a TIFF header (II*, MM*, or BigTIFF's II+, MM+); readWindow reads GeoTIFFs only`);
  });

  it('says an empty file is empty', async () => {
    const path = scratch.path('empty.tif');
    writeFileSync(path, new Uint8Array(0));
    const error = await failure(path);
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toBe(`${path} is empty (0 bytes): the download or copy was incomplete, or the file was never written; fetch or write it again`);
  });

  it('says a folder is a folder', async () => {
    const path = scratch.path('folder.tif');
    mkdirSync(path);
    const error = await failure(path);
    expect(error).toBeInstanceOf(FileError);
    expect(error.message).toBe(`${path} is a folder, not a GeoTIFF: give readWindow the path of a file`);
  });
});
