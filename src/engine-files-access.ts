import type { EngineFiles } from '../wasm/engine.js';
import { COPY_SLICE_BYTES } from './copy-in-slices.js';
import type { RandomAccessFile } from './platform.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

/**
 * A file of an engine's in-memory file system (a browser's worker engine, a memory engine) open
 * for reads and writes at offsets, as `compressTiff` needs them. The engine's files have no
 * positioned access across the worker boundary, so `'r'` takes the file whole once (the worker
 * transfers it, no copy) and serves ranges from it; `'w'` gathers the writes in the page and
 * hands the finished file to the engine on `close`, so the engine never holds a part of it.
 * `pause` runs between slices of `COPY_SLICE_BYTES` of that file as it is put together.
 * @example const file = await openEngineFile(engine.fs, '/tmp/out.tif', 'w'); await file.write(0, header); await file.close();
 */
export async function openEngineFile(files: EngineFiles, path: string, mode: 'r' | 'w', pause: () => Promise<void> = yieldToEventLoop): Promise<RandomAccessFile> {
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
  // The writes, in order (a later one wins where they overlap), put together on close: one copy
  // of the file in slices that yield, where a growing buffer copied it whole as it grew (tens of
  // milliseconds on a page's thread for a 16 MB file).
  const pieces: Array<{ offset: number; bytes: Uint8Array }> = [];
  let length = 0;
  let closed = false;
  return {
    read: async (offset, count) => {
      const end = Math.min(length, offset + count);
      const out = new Uint8Array(Math.max(0, end - offset));
      for (const piece of pieces) {
        const from = Math.max(offset, piece.offset);
        const to = Math.min(end, piece.offset + piece.bytes.length);
        if (from < to) out.set(piece.bytes.subarray(from - piece.offset, to - piece.offset), from - offset);
      }
      return out;
    },
    write: async (offset, bytes) => {
      // A copy: the caller may reuse its buffer.
      pieces.push({ offset, bytes: bytes.slice() });
      length = Math.max(length, offset + bytes.length);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      const file = new Uint8Array(length);
      let copied = 0;
      for (const piece of pieces) {
        for (let at = 0; at < piece.bytes.length; at += COPY_SLICE_BYTES) {
          if (copied >= COPY_SLICE_BYTES) {
            await pause();
            copied = 0;
          }
          const part = piece.bytes.subarray(at, at + COPY_SLICE_BYTES);
          file.set(part, piece.offset + at);
          copied += part.length;
        }
      }
      pieces.length = 0;
      await files.writeFile(path, file);
    },
  };
}
