import { getPlatform } from '../platform.js';

/**
 * DEFLATE as TIFF stores it (compression 8: a zlib stream per tile or strip), outside GDAL's
 * WebAssembly: the host's native zlib in Node (on libuv's thread pool, so blocks compress on every
 * core), the Compression Streams API in browsers.
 */
export interface DeflateCodec {
  /** Compresses at `level` (1 fastest … 9 smallest; hosts without levels use their default). */
  deflate(bytes: Uint8Array, level: number): Promise<Uint8Array>;
  /** Inflates; `expectedSize` (the block's size, when known) lets a host size its output at once. */
  inflate(bytes: Uint8Array, expectedSize?: number): Promise<Uint8Array>;
  /** Blocks worth having in flight at once (the host's threads, with some to spare). */
  readonly parallel: number;
  /** Whether `level` is honoured. */
  readonly levels: boolean;
}

/** The Compression Streams API (browsers, Deno, Node ≥ 18): level 6 whatever is asked. */
export const webDeflateCodec: DeflateCodec = {
  deflate: (bytes) => throughStream(bytes, new CompressionStream('deflate')),
  inflate: (bytes) => throughStream(bytes, new DecompressionStream('deflate')),
  parallel: 4,
  levels: false,
};

async function throughStream(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => undefined);
  void writer.close().catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The platform's codec (Node: native zlib), else the Compression Streams API. */
export function deflateCodec(): DeflateCodec {
  return getPlatform().deflateCodec ?? webDeflateCodec;
}
