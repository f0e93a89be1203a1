// The parts of Esri's `lerc` decoder (LercDecode.js, which ships no types) that geodata uses.
declare module 'lerc' {
  interface LercPixelBlock {
    width: number;
    height: number;
    /** One array per band of the blob; pixel-interleaved when asked and the blob has depth. */
    pixels: Array<Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array>;
    /** 1 where the first band's pixel is valid, 0 where not; absent when every pixel is valid. */
    mask: Uint8Array | null | undefined;
    /** Values per pixel (LERC 2.4's "depth"). */
    dimCount: number;
  }
  const Lerc: {
    decode(bytes: ArrayBuffer, options?: { returnPixelInterleavedDims?: boolean }): LercPixelBlock;
  };
  export default Lerc;
}
