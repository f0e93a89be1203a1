import type { EngineFiles } from '../wasm/engine.js';
import type { RandomAccessFile } from './platform.js';

/**
 * A file of an engine's in-memory file system (a browser's worker engine, a memory engine) open
 * for reads and writes at offsets, as `compressTiff` needs them. The engine's files have no
 * positioned access across the worker boundary, so `'r'` takes the file whole once (the worker
 * transfers it, no copy) and serves ranges from it; `'w'` gathers the writes in the page and
 * hands the finished file to the engine on `close`, so the engine never holds a part of it.
 * @example const file = await openEngineFile(engine.fs, '/tmp/out.tif', 'w'); await file.write(0, header); await file.close();
 */
export async function openEngineFile(files: EngineFiles, path: string, mode: 'r' | 'w'): Promise<RandomAccessFile> {
  if (mode === 'r') {
    const bytes = await files.readFile(path);
    return {
      read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
      write: async () => {
        throw new Error(`${path} was opened for reading; open it with mode 'w' to write`);
      },
      close: async () => undefined,
    };
  }
  let buffer = new Uint8Array(1 << 20);
  let length = 0;
  let closed = false;
  return {
    read: async (offset, count) => buffer.slice(offset, Math.min(length, offset + count)),
    write: async (offset, bytes) => {
      const end = offset + bytes.length;
      if (end > buffer.length) {
        // Doubling: a file written block after block is copied O(log n) times, not once per block.
        const grown = new Uint8Array(Math.max(end, buffer.length * 2));
        grown.set(buffer.subarray(0, length));
        buffer = grown;
      }
      buffer.set(bytes, offset);
      length = Math.max(length, end);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // A view would carry its whole buffer through postMessage: the exact bytes only.
      await files.writeFile(path, length === buffer.length ? buffer : buffer.slice(0, length));
    },
  };
}
