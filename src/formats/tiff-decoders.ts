import { addDecoder, BaseDecoder } from 'geotiff';

/** Decoded pixels of a JPEG or WebP image: RGBA, 8 bits per sample (an `ImageData`). */
export interface DecodedImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/**
 * Where the WebAssembly image decoders come from: `@jsquash/jpeg` (libjpeg-turbo's decoder, as
 * native GDAL's) and `@jsquash/webp` (libwebp). Node compiles their `.wasm` files from disk;
 * browsers fetch them next to the module (bundlers that understand `new URL(..., import.meta.url)`
 * copy them).
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
 * tiles with libwebp (geotiff.js's needs a browser's image decoding). Decoders load on first use.
 *
 * @example registerTiffDecoders(nodeImageCodecs());
 */
export function registerTiffDecoders(codecs: ImageCodecs): void {
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
        throw new Error(`damaged JPEG data, which libjpeg-turbo cannot decode (${(error as Error).message})`, { cause: error });
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
        throw new Error(`damaged WebP data, which libwebp cannot decode (${(error as Error).message})`, { cause: error });
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

/** The codecs as browsers load them: each package fetches its `.wasm` next to its module. */
export const browserImageCodecs: ImageCodecs = {
  jpeg: async () => (await import('@jsquash/jpeg/decode.js')).default as (bytes: ArrayBuffer) => Promise<DecodedImage>,
  webp: async () => (await import('@jsquash/webp/decode.js')).default as (bytes: ArrayBuffer) => Promise<DecodedImage>,
};
