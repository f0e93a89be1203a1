import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { getConfig, load, readRaster, type Raster } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';
import { CONUS_SPEC, MaxTemperature, VINSCHGAU_SPEC, Warped } from './fixtures/format-inputs.js';

const GDAL_DIST = fileURLToPath(new URL('../../node_modules/gdal3.js/dist/package/', import.meta.url));
const READY = HAS_CHROMIUM && HAS_DATA;
const SKIP = !HAS_CHROMIUM ? ` (${NO_CHROMIUM_REASON})` : !HAS_DATA ? ` (${NO_DATA_REASON})` : '';

/** SHA-256 of every band's bytes of a raster read in Node. */
async function digest(file: string): Promise<string> {
  const raster = await readRaster(file);
  return createHash('sha256')
    .update(Buffer.concat(raster.bands.map((band) => Buffer.from(band.buffer, band.byteOffset, band.byteLength))))
    .digest('hex');
}

describe.skipIf(!READY)(`netCDF and ZSTD inputs in headless Chromium${SKIP}`, () => {
  useTempCache('geodata-formats-page');
  afterAll(async () => {
    await getConfig().engine.close();
  });

  it('warps a netCDF variable and a ZSTD GeoTIFF by URL through the worker engine, and reads them, and JPEG, WebP and LERC GeoTIFFs, with readRaster, as Node does', async () => {
    const values = (raster: Raster) => raster.bands.map((band) => Array.from(band, (value) => (Number.isNaN(value) ? null : value)));
    const temperature = await load<Raster>(new MaxTemperature(sample('tmmx_20190121.nc')), CONUS_SPEC);
    const elevation = await load<Raster>(new Warped(sample('elev_vinschgau_zstd.tif')), VINSCHGAU_SPEC);
    const direct = await readRaster(sample('tmmx_20190121.nc'));
    const zstd = await readRaster(sample('elev_vinschgau_zstd.tif'));

    const page = await withBrowserPage(
      {
        entry: fileURLToPath(new URL('./fixtures/formats-entry.ts', import.meta.url)),
        bundles: { '/engine-worker.js': fileURLToPath(new URL('../../wasm/engine-worker.ts', import.meta.url)) },
        assets: {
          '/gdal/gdal3WebAssembly.wasm': path.join(GDAL_DIST, 'gdal3WebAssembly.wasm'),
          '/gdal/gdal3WebAssembly.data': path.join(GDAL_DIST, 'gdal3WebAssembly.data'),
          '/data/tmmx_20190121.nc': sample('tmmx_20190121.nc'),
          '/data/elev_vinschgau_zstd.tif': sample('elev_vinschgau_zstd.tif'),
          '/data/RGB.byte_jpeg.tif': sample('RGB.byte_jpeg.tif'),
          '/data/RGB.byte_webp.tif': sample('RGB.byte_webp.tif'),
          '/data/elev_vinschgau_lerc.tif': sample('elev_vinschgau_lerc.tif'),
        },
      },
      async (browserPage) => {
        await browserPage.waitForFunction(() => typeof (window as unknown as { readFormats?: unknown }).readFormats === 'function');
        return browserPage.evaluate(() => (window as unknown as { readFormats: () => Promise<unknown> }).readFormats());
      },
    );
    const result = page as {
      temperature: { values: Array<Array<number | null>>; nodata: number | null; scales: number[]; offsets: number[]; fullReason?: string };
      elevation: { values: Array<Array<number | null>>; fullReason?: string };
      direct: { width: number; height: number; crs: string; transform: number[]; sum: number };
      zstd: { sum: number };
      jpeg: string;
      webp: string;
      lerc: string;
    };
    // Neither could be read as a window: the netCDF file is no TIFF, the warp needs most of the ZSTD file.
    expect(result.temperature.fullReason).toMatch(/geotiff\.js cannot read it as a GeoTIFF/);
    expect(result.elevation.fullReason).toBe('the target needs more than half of the image');
    expect(result.temperature.values).toEqual(values(temperature));
    expect({ nodata: result.temperature.nodata, scales: result.temperature.scales, offsets: result.temperature.offsets }).toEqual({ nodata: 32767, scales: [0.1], offsets: [220] });
    expect(result.elevation.values).toEqual(values(elevation));
    expect(result.direct).toEqual({ width: direct.width, height: direct.height, crs: direct.crs, transform: [...direct.transform], sum: Array.from(direct.bands[0]!).reduce((a, b) => a + b, 0) });
    expect(result.zstd.sum).toBe(Array.from(zstd.bands[0]!).reduce((a, b) => a + (b > -1e30 ? b : 0), 0));
    // The browser's JPEG and WebP decoders give Node's pixels (which are native GDAL's, test/formats/tiff-codecs.test.ts).
    expect({ jpeg: result.jpeg, webp: result.webp }).toEqual({ jpeg: await digest(sample('RGB.byte_jpeg.tif')), webp: await digest(sample('RGB.byte_webp.tif')) });
    // LERC_DEFLATE tiles through geodata's LERC decoder (Esri's, bundled into the page) give Node's pixels.
    expect(result.lerc).toBe(await digest(sample('elev_vinschgau_lerc.tif')));
  });
});
