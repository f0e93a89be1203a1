import type { GeotiffModule } from '../raster/geotiff-module.js';

/** LERC's extra compression of a block (TIFF tag LercParameters, second value), as geotiff.js's decoder codes. */
const EXTRA_COMPRESSION: Readonly<Record<number, number | undefined>> = { 0: undefined, 1: 8, 2: 50000 };

interface LercDecoderParameters {
  planarConfiguration?: number;
  LercParameters?: number[];
}

/**
 * Makes geotiff.js decode LERC blocks (compression 34887, with DEFLATE or ZSTD on top) as native
 * GDAL does: pixels the blob's mask marks invalid read as NaN in floating-point images. GDAL
 * writes a float raster's NaNs to LERC as that mask, and geotiff.js's own decoder drops it,
 * which read them as 0. Integer images keep the values LERC gives (GDAL stores their nodata as
 * a value, with no mask).
 *
 * Called by `registerTiffDecoders` when geotiff.js loads.
 */
export function registerLercDecoder(geotiff: Pick<GeotiffModule, 'addDecoder' | 'BaseDecoder' | 'getDecoder'>): void {
  const { addDecoder, BaseDecoder, getDecoder } = geotiff;
  let lerc: Promise<typeof import('lerc').default> | undefined;

  class MaskedLercDecoder extends BaseDecoder {
    override async decodeBlock(buffer: ArrayBuffer): Promise<ArrayBuffer> {
      const parameters = this.parameters as unknown as LercDecoderParameters;
      const extraCode = parameters.LercParameters?.[1] ?? 0;
      if (!(extraCode in EXTRA_COMPRESSION)) throw new Error(`unknown LERC extra compression ${extraCode} (GDAL writes 0 none, 1 DEFLATE, 2 ZSTD)`);
      const extra = EXTRA_COMPRESSION[extraCode];
      // The extra compression's decoders are geotiff.js's registered ones (native zlib in Node).
      const blob = extra === undefined ? buffer : await (await getDecoder(extra, {} as never)).decodeBlock(buffer);
      const decoded = (await (lerc ??= import('lerc').then((module) => module.default))).decode(blob as ArrayBuffer, {
        returnPixelInterleavedDims: parameters.planarConfiguration !== 2,
      });
      const pixels = decoded.pixels[0]!;
      if (decoded.mask && (pixels instanceof Float32Array || pixels instanceof Float64Array)) {
        const depth = decoded.dimCount || 1;
        decoded.mask.forEach((valid, pixel) => {
          if (!valid) pixels.fill(Number.NaN, pixel * depth, (pixel + 1) * depth);
        });
      }
      const whole = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength;
      return (whole ? pixels.buffer : pixels.slice().buffer) as ArrayBuffer;
    }
  }
  addDecoder(
    34887,
    async () => MaskedLercDecoder as never,
    (async (directory: { loadValue(name: string): Promise<unknown> }) => ({
      planarConfiguration: Number((await directory.loadValue('PlanarConfiguration')) ?? 1),
      predictor: 1,
      LercParameters: (await directory.loadValue('LercParameters')) as number[] | undefined,
    })) as never,
    false,
  );
}
