import { concat, corruptArchive } from './archive-tar.js';

/**
 * gzip through the web-standard CompressionStream / DecompressionStream (Node 18+, every current
 * browser), so export and import need no zlib binding. Compressing collects the output into one
 * buffer (callers need the archive as bytes); inflating streams (see gunzipStream).
 */

/**
 * gzips a sequence of chunks, pulling the next one only when the compressor wants it, so the
 * uncompressed archive never exists as one buffer.
 * @example const gz = await gzipChunks([new TextEncoder().encode('hello')]);
 */
export async function gzipChunks(chunks: Iterable<Uint8Array>): Promise<Uint8Array> {
  const iterator = chunks[Symbol.iterator]();
  // The Uint8Array<ArrayBuffer> casts satisfy TypeScript's BufferSource (views of a
  // SharedArrayBuffer are not accepted by the streams, and callers have none).
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value as Uint8Array<ArrayBuffer>);
    },
  });
  const parts: Uint8Array[] = [];
  const reader = source.pipeThrough(new CompressionStream('gzip')).getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) parts.push(read.value);
  return concat(parts);
}

/** Input is handed to the decompressor in slices of this size, so its output comes in steps too. */
// A slice of the best-compressed data inflates about a thousandfold: 16 KiB in, at most about 16 MB out at a time.
const INPUT_SLICE = 16 * 1024;

/**
 * Un-gzips `bytes` as a stream, handing each piece of output to `onChunk` as it comes: nothing
 * holds the whole output, so a caller that keeps only what it checked bounds the memory an
 * archive can take (a gzip of zeros inflates 1000-fold). An error `onChunk` throws stops the
 * decompressor and is rethrown as is. Throws the archive's corrupt error when `bytes` is not
 * gzip, is damaged (the CRC and length in the gzip trailer are checked by the decompressor) or
 * is cut short.
 */
export async function gunzipStream(bytes: Uint8Array, archiveName: string, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  if (bytes.byteLength < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw corruptArchive(archiveName, `it is not gzip data (${bytes.byteLength} bytes starting with ${start || 'nothing'}; a .tar.gz starts with 1f 8b)`);
  }
  let at = 0;
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += INPUT_SLICE)) as Uint8Array<ArrayBuffer>);
    },
  });
  const reader = source.pipeThrough(new DecompressionStream('gzip')).getReader();
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>;
    try {
      read = await reader.read();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw corruptArchive(archiveName, `its gzip data is damaged or cut short (${detail})`);
    }
    if (read.done) return;
    try {
      onChunk(read.value);
    } catch (error) {
      await reader.cancel().catch(() => undefined);
      throw error;
    }
  }
}
