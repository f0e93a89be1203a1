import { yieldToEventLoop } from './yield-to-event-loop.js';

/** Bytes copied between two turns of the event loop: a millisecond or two of memcpy. */
export const COPY_SLICE_BYTES = 4 << 20;

const TYPED_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];

type View = { readonly length: number; subarray(begin: number, end?: number): ArrayLike<number>; set(array: ArrayLike<number>, offset?: number): void };

/**
 * A copy of a typed array (as its standard type) in a buffer of its own (to transfer to a worker), made in slices of
 * `COPY_SLICE_BYTES` with a turn of the event loop between them: copying (or structured-cloning)
 * hundreds of megabytes in one go would hold a page's thread for as long.
 * @example const own = await copyInSlices(raster.band(0).data); worker.postMessage(own, [own.buffer]);
 */
export async function copyInSlices<T extends ArrayBufferView>(array: T, pause: () => Promise<void> = yieldToEventLoop): Promise<T> {
  const view = array as unknown as View;
  // The standard type it is (a Node Buffer is copied into a Uint8Array: `new Buffer(n)` is deprecated).
  const Kind = (TYPED_ARRAYS.find((kind) => array instanceof kind) ?? array.constructor) as unknown as new (length: number) => T;
  const copy = new Kind(view.length);
  const target = copy as unknown as View;
  const step = Math.max(1, Math.floor(COPY_SLICE_BYTES / Math.max(1, (array as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT)));
  for (let at = 0; at < view.length; at += step) {
    if (at > 0) await pause();
    target.set(view.subarray(at, at + step), at);
  }
  return copy;
}

/** Whether a value is a typed array (not a DataView). */
export function isTypedArray(value: unknown): value is ArrayBufferView & ArrayLike<number> {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}
