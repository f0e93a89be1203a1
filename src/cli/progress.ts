// Node only (part of the CLI): progress on stderr.
import type { CacheProgress } from '../cache/scan.js';

/**
 * A progress listener that redraws one line on stderr (`scanning entries 12/40 [#####.....]`),
 * or undefined when progress should not be shown (stderr is not a terminal, or --json).
 * `done()` clears the line.
 */
export function progressLine(write: (text: string) => void, enabled: boolean): { onProgress?: (progress: CacheProgress) => void; done(): void } {
  if (!enabled) return { done() {} };
  let shown = false;
  return {
    onProgress({ phase, done, total }) {
      const width = 20;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      write(`\r\x1b[2K${phase} ${done}/${total} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`);
      shown = true;
    },
    done() {
      if (shown) write('\r\x1b[2K');
      shown = false;
    },
  };
}
