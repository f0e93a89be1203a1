import { concat, corruptArchive } from './archive-tar.js';

/**
 * gzip through the web-standard CompressionStream / DecompressionStream (Node 18+, every current
 * browser), so export and import need no zlib binding. Both sides collect the output into one
 * buffer, since callers need the whole archive as bytes.
 */

/** Deflate's best case is about 1032:1; a size hint beyond that is a lie, not a plan. */
const MAX_DEFLATE_RATIO = 1032;

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

/**
 * Un-gzips `bytes` into one buffer. Throws the archive's corrupt error when `bytes` is not gzip,
 * is damaged (the CRC and length in the gzip trailer are checked by the decompressor) or is cut
 * short.
 */
export async function gunzipArchive(bytes: Uint8Array, archiveName: string): Promise<Uint8Array> {
  if (bytes.byteLength < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    const start = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw corruptArchive(archiveName, `it is not gzip data (${bytes.byteLength} bytes starting with ${start || 'nothing'}; a .tar.gz starts with 1f 8b)`);
  }
  const output = new GrowingBuffer(sizeHint(bytes));
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      controller.enqueue(bytes as Uint8Array<ArrayBuffer>);
      controller.close();
    },
  });
  const reader = source.pipeThrough(new DecompressionStream('gzip')).getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) output.append(read.value);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw corruptArchive(archiveName, `its gzip data is damaged or cut short (${detail})`);
  }
  return output.bytes();
}

/**
 * The uncompressed size the gzip trailer announces (modulo 2^32), when plausible: allocating it
 * up front avoids holding the output twice (chunks, then their concatenation).
 */
function sizeHint(gz: Uint8Array): number {
  if (gz.byteLength < 18) return 0; // shorter than any gzip stream: the decompressor will say so
  const view = new DataView(gz.buffer, gz.byteOffset, gz.byteLength);
  const announced = view.getUint32(gz.byteLength - 4, true);
  return Math.min(announced, gz.byteLength * MAX_DEFLATE_RATIO);
}

/** A byte buffer that starts at a hinted capacity and doubles when the hint was too small. */
class GrowingBuffer {
  private buffer: Uint8Array;
  private length = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(capacity);
  }

  append(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.length + chunk.length, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** The bytes written; a copy only when the hint overshot, so the oversized buffer can be freed. */
  bytes(): Uint8Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length);
  }
}
