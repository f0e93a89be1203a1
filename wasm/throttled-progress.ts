/** The least advance of the fraction done that is reported on its own (a thousandth). */
export const PROGRESS_STEP = 0.001;

/**
 * Wraps a progress callback so it is called only when the fraction done has advanced by at least
 * `PROGRESS_STEP` since the last call, went back (a new phase), changed its message, or reached
 * the end. GDAL reports progress per block of scanlines: 10,000 reports for a 4000x4000 warp, and
 * the pool's worker thread sent each as a message, which took 11 s of a 12000x12000 warp's 49 s
 * (`postMessage`, in a CPU profile of the thread). The browser's GDAL worker sends them to the
 * page's thread, where each message is a task. Used by both workers.
 *
 * @example
 * const onProgress = throttledProgress((fraction) => port.postMessage({ fraction }));
 */
export function throttledProgress(send: (fraction: number, message?: string) => void): (fraction: number, message?: string) => void {
  let sent = Number.NEGATIVE_INFINITY;
  let text: string | undefined;
  return (fraction, message) => {
    // (less a rounding error: ten reports of a ten-thousandth each make one step)
    if (fraction < 1 && fraction >= sent && fraction - sent < PROGRESS_STEP - 1e-12 && message === text) return;
    sent = fraction;
    text = message;
    send(fraction, message);
  };
}
