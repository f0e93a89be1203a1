/**
 * Bundled as a module worker for the browser test: the memory engine inside a Web Worker. Each
 * "run" message is answered; answering the second one shows that loading gdal3.js (which assigns
 * the worker's onmessage for its own protocol) left this worker's handler in place.
 */
import { createMemoryEngine } from '../../wasm/index.js';

const engine = createMemoryEngine({ assets: { wasm: '/gdal/gdal3WebAssembly.wasm', data: '/gdal/gdal3WebAssembly.data' } });
let answered = 0;

self.onmessage = async (event: MessageEvent) => {
  if (event.data !== 'run') return;
  try {
    const info = await engine.crsInfo('EPSG:3035');
    answered += 1;
    postMessage({ answered, authority: info.authority });
  } catch (error) {
    postMessage({ error: String(error) });
  }
};
