import { availableParallelism } from 'node:os';
import { deflate, inflate, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { DeflateCodec } from '../formats/deflate-codec.js';
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

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/** Native zlib, asynchronous: each call runs on libuv's thread pool, so blocks compress on every core. */
export const nodeDeflateCodec: DeflateCodec = {
  // One output chunk for the whole block: zlib's default 16 KB chunks cost a thread-pool round
  // trip and a copy each (20-30% of a 4000x4000 Float32 write's DEFLATE time here; inflating a
  // block of known size, likewise).
  // zlib's largest hash table (memLevel 9, 256 KB more per call than its default 8): at level 1
  // with predictor 3, 15% less CPU on a 4000x4000 terrain and 27% on its slope, same size
  // (bench/compression.ts).
  deflate: async (bytes, level) => asBytes(await deflateAsync(bytes, { level, memLevel: 9, chunkSize: oneChunk(bytes.length + (bytes.length >> 8)) })),
  inflate: async (bytes, expectedSize) => asBytes(await inflateAsync(bytes, expectedSize ? { chunkSize: oneChunk(expectedSize) } : {})),
  // Reads share libuv's thread pool (4 threads by default) with the DEFLATE jobs: four blocks in
  // flight left it waiting on reads, eight keep it fed (compressing a 12000x12000 Float32 output:
  // 3.6 s against 4.0 s on 2 cores), and each holds about 1 MB.
  parallel: Math.max(8, 4 * availableParallelism()),
  levels: true,
};

/** A zlib output chunk that holds `size` bytes (and a little more), never below zlib's default. */
function oneChunk(size: number): number {
  return Math.max(16_384, size + 64);
}

function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
