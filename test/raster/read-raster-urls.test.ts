/**
 * readRaster's types take a URL; in Node a `file:` URL (Node's idiom for a file beside the module,
 * `new URL('./dem.tif', import.meta.url)`) and an http(s) URL were taken as relative paths:
 * "<cwd>/file:/data/dem.tif does not exist".
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileError, readRaster } from '../../src/node.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

describe.skipIf(!HAS_DATA)(`readRaster of a URL in Node${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  let server: HttpServer;
  beforeAll(async () => {
    const bytes = new Uint8Array(readFileSync(sample('elev.tif')));
    server = await startHttpServer((path) => (path === '/elev.tif' ? { body: bytes, type: 'image/tiff' } : undefined));
  });
  afterAll(() => server.close());

  it('reads a file: URL, as a URL object or its text, as the file itself', async () => {
    const expected = await readRaster(sample('elev.tif'));
    for (const source of [pathToFileURL(sample('elev.tif')), pathToFileURL(sample('elev.tif')).href]) {
      const raster = await readRaster(source);
      expect(raster.bands[0]).toEqual(expected.bands[0]);
      expect(raster.transform).toEqual(expected.transform);
      expect(raster.crs).toBe('EPSG:4326');
    }
  });

  it('fetches an http URL, and names it when the server has no such file', async () => {
    const expected = await readRaster(sample('elev.tif'));
    for (const source of [new URL('elev.tif', server.url), `${server.url}elev.tif`]) {
      const raster = await readRaster(source);
      expect(raster.bands[0]).toEqual(expected.bands[0]);
      expect(raster.crs).toBe('EPSG:4326');
    }
    const missing = `${server.url}none.tif`;
    const error = await readRaster(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileError);
    expect((error as Error).message).toBe(`cannot fetch ${missing}: HTTP 404 Not Found`);
  });
});
