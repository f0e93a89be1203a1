import { inflateSync } from 'node:zlib';
import type { GeotiffModule } from '../raster/geotiff-module.js';

/**
 * Makes geotiff.js use Node's zlib for DEFLATE (compression codes 8 and 32946): geotiff.js
 * inflates with pako, in JavaScript, and native zlib reads a 4000x4000 Float32 GeoTIFF about a
 * third faster (bench/load.ts). Predictors still apply: geotiff's BaseDecoder runs them after
 * decodeBlock. Called with geotiff.js once it is loaded (see `loadGeotiff`).
 */
export function useNativeDeflate(geotiff: GeotiffModule): void {
  class ZlibDeflateDecoder extends geotiff.BaseDecoder {
    override decodeBlock(buffer: ArrayBuffer): ArrayBuffer {
      const inflated = inflateSync(new Uint8Array(buffer));
      return inflated.buffer.slice(inflated.byteOffset, inflated.byteOffset + inflated.byteLength) as ArrayBuffer;
    }
  }
  geotiff.addDecoder([8, 32946], async () => ZlibDeflateDecoder);
}
