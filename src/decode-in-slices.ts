import { yieldToEventLoop } from './yield-to-event-loop.js';

/** Bytes decoded between two turns of the event loop: a millisecond or two of UTF-8 decoding. */
export const DECODE_SLICE_BYTES = 256 << 10;

/**
 * UTF-8 bytes as text, decoded in slices of `DECODE_SLICE_BYTES` with `pause` between them:
 * the text `new TextDecoder().decode(bytes)` gives (and `Response.text()`: a leading BOM is
 * dropped), without decoding megabytes in one task of a page.
 * @example const text = await decodeInSlices(new Uint8Array(await response.arrayBuffer()));
 */
export async function decodeInSlices(bytes: Uint8Array, pause: () => Promise<void> = yieldToEventLoop): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (let at = 0; at < bytes.length; at += DECODE_SLICE_BYTES) {
    if (at > 0) await pause();
    // Streaming: a character cut by the slice's end is completed by the next slice.
    text += decoder.decode(bytes.subarray(at, at + DECODE_SLICE_BYTES), { stream: true });
  }
  return text + decoder.decode();
}
