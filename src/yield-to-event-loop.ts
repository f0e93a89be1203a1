/**
 * Gives the event loop a turn: on a page, its input, rendering and other tasks run before the
 * caller goes on, so long work cut into slices never holds the page's thread for long.
 *
 * `scheduler.yield()` where the browser has it (the continuation keeps its priority); else a
 * message to a MessageChannel, a new task without the 4 ms that nested `setTimeout`s are
 * clamped to (hundreds of slices would otherwise wait seconds); `setImmediate` in Node.
 */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
