import type { GeotiffModule } from '../raster/geotiff-module.js';
import { registerLercDecoder } from './lerc-decoder.js';

/** Decoded pixels of a JPEG or WebP image: RGBA, 8 bits per sample (an `ImageData`). */
export interface DecodedImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/**
 * The JPEG and WebP image decoders: in Node `@jsquash/jpeg` (libjpeg-turbo's decoder, as native
 * GDAL's) and `@jsquash/webp` (libwebp) in WebAssembly, compiled from the packages' files; in
 * browsers the browser's own decoders (`browserImageCodecs`).
 */
export interface ImageCodecs {
  jpeg(): Promise<(bytes: ArrayBuffer) => Promise<DecodedImage>>;
  webp(): Promise<(bytes: ArrayBuffer) => Promise<DecodedImage>>;
}

interface DecoderParameters {
  samplesPerPixel?: number;
  JPEGTables?: Uint8Array;
  planarConfiguration?: number;
}

/** The samples of an RGBA image a TIFF block holds: grey, RGB or RGBA (planar blocks hold one). */
function samplesOf(image: DecodedImage, samples: number): ArrayBuffer {
  const { data, width, height } = image;
  const pixels = width * height;
  const out = new Uint8Array(pixels * samples);
  for (let pixel = 0, source = 0, target = 0; pixel < pixels; pixel++, source += 4, target += samples) {
    for (let sample = 0; sample < samples; sample++) out[target + sample] = data[source + sample]!;
  }
  return out.buffer;
}

/**
 * Makes geotiff.js decode JPEG tiles with libjpeg-turbo (so YCbCr tiles come out as the RGB
 * native GDAL gives, upsampling included; geotiff.js's own decoder leaves them YCbCr) and WebP
 * tiles with libwebp (geotiff.js's needs a browser's image decoding), and LERC tiles keeping their
 * mask (`registerLercDecoder`). Decoders load on first use.
 *
 * Called by the platform when geotiff.js loads (`Platform.prepareGeotiff`).
 *
 * @example registerTiffDecoders(await import('geotiff'), nodeImageCodecs);
 */
export function registerTiffDecoders(geotiff: Pick<GeotiffModule, 'addDecoder' | 'BaseDecoder' | 'getDecoder'>, codecs: ImageCodecs): void {
  const { addDecoder, BaseDecoder } = geotiff;
  let jpeg: Promise<(bytes: ArrayBuffer) => Promise<DecodedImage>> | undefined;
  let webp: Promise<(bytes: ArrayBuffer) => Promise<DecodedImage>> | undefined;

  class JpegTurboDecoder extends BaseDecoder {
    override async decodeBlock(buffer: ArrayBuffer): Promise<ArrayBuffer> {
      const parameters = this.parameters as unknown as DecoderParameters;
      const decode = await (jpeg ??= codecs.jpeg());
      try {
        return samplesOf(await decode(withTables(new Uint8Array(buffer), parameters.JPEGTables)), blockSamples(parameters));
      } catch (error) {
        // libjpeg exits on a damaged stream, which leaves its WebAssembly instance unusable: start a new one next time.
        jpeg = undefined;
        throw new Error(`damaged JPEG data, which the JPEG decoder cannot read (${(error as Error).message})`, { cause: error });
      }
    }
  }
  class WebpDecoder extends BaseDecoder {
    override async decodeBlock(buffer: ArrayBuffer): Promise<ArrayBuffer> {
      const decode = await (webp ??= codecs.webp());
      try {
        return samplesOf(await decode(buffer), blockSamples(this.parameters as unknown as DecoderParameters));
      } catch (error) {
        webp = undefined;
        throw new Error(`damaged WebP data, which the WebP decoder cannot read (${(error as Error).message})`, { cause: error });
      }
    }
  }
  const parameters = async (directory: { loadValue(name: string): Promise<unknown> }, extra: Record<string, unknown>) => {
    const tiled = (directory as unknown as { hasTag(name: string): boolean }).hasTag('TileWidth');
    return {
      tileWidth: Number(await directory.loadValue(tiled ? 'TileWidth' : 'ImageWidth')),
      tileHeight: Number(tiled ? await directory.loadValue('TileLength') : ((await directory.loadValue('RowsPerStrip')) ?? (await directory.loadValue('ImageLength')))),
      planarConfiguration: Number((await directory.loadValue('PlanarConfiguration')) ?? 1),
      bitsPerSample: (await directory.loadValue('BitsPerSample')) as number[],
      predictor: Number((await directory.loadValue('Predictor')) ?? 1),
      samplesPerPixel: Number((await directory.loadValue('SamplesPerPixel')) ?? 1),
      ...extra,
    };
  };
  addDecoder(7, async () => JpegTurboDecoder as never, (async (directory: { loadValue(name: string): Promise<unknown> }) =>
    parameters(directory, { JPEGTables: await directory.loadValue('JPEGTables') })) as never, false);
  addDecoder(50001, async () => WebpDecoder as never, (async (directory: { loadValue(name: string): Promise<unknown> }) => parameters(directory, {})) as never, false);
  registerLercDecoder(geotiff);
}

/** Samples in one block: all of them for pixel-interleaved images, one for planar ones. */
function blockSamples(parameters: DecoderParameters): number {
  return parameters.planarConfiguration === 2 ? 1 : (parameters.samplesPerPixel ?? 1);
}

/**
 * A JPEG-in-TIFF block is an abbreviated JPEG stream whose tables sit in the JPEGTables tag: the
 * tables (without their end marker) followed by the block (without its start marker) make a
 * complete stream any JPEG decoder reads.
 */
function withTables(block: Uint8Array, tables: Uint8Array | undefined): ArrayBuffer {
  if (!tables || tables.length < 4) return block.slice().buffer;
  const joined = new Uint8Array(tables.length - 2 + block.length - 2);
  joined.set(tables.subarray(0, tables.length - 2));
  joined.set(block.subarray(2), tables.length - 2);
  return joined.buffer;
}

/**
 * The codecs in browsers: the browser's own image decoding (`createImageBitmap`, which is
 * libjpeg-turbo and libwebp in Chromium), drawn on an `OffscreenCanvas` (pages and workers alike)
 * to read the pixels back. Nothing to download, and no Emscripten glue in page bundles.
 */
export const browserImageCodecs: ImageCodecs = {
  jpeg: async () => (bytes) => decodeWithBrowser(bytes, 'image/jpeg'),
  webp: async () => (bytes) => decodeWithBrowser(bytes, 'image/webp'),
};

async function decodeWithBrowser(bytes: ArrayBuffer, type: string): Promise<DecodedImage> {
  if (typeof createImageBitmap === 'undefined' || typeof OffscreenCanvas === 'undefined') {
    throw new Error(`this environment cannot decode ${type} images (it lacks createImageBitmap or OffscreenCanvas)`);
  }
  // No colour management and no premultiplication: the stored values, as GDAL reads them.
  const bitmap = await createImageBitmap(new Blob([bytes], { type }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(bitmap, 0, 0);
    return { data: context.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
}
