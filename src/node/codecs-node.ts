import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { DecodedImage, ImageCodecs } from '../formats/tiff-decoders.js';

const require = createRequire(import.meta.url);

interface Codec {
  init(module: WebAssembly.Module): Promise<void>;
  default(bytes: ArrayBuffer): Promise<DecodedImage>;
}

/** Node: the decoders' WebAssembly compiled from the packages' files (Node's fetch cannot read file URLs). */
async function load(moduleName: string, wasm: string): Promise<(bytes: ArrayBuffer) => Promise<DecodedImage>> {
  const codec = (await import(moduleName)) as unknown as Codec;
  await codec.init(await WebAssembly.compile(await readFile(require.resolve(wasm))));
  return (bytes) => codec.default(bytes);
}

/** The JPEG and WebP decoders for geotiff.js in Node. */
export const nodeImageCodecs: ImageCodecs = {
  jpeg: () => load('@jsquash/jpeg/decode.js', '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'),
  webp: () => load('@jsquash/webp/decode.js', '@jsquash/webp/codec/dec/webp_dec.wasm'),
};
