/**
 * The module Web Worker behind the browser platform's off-thread work (`compute-client.ts`):
 * renders figures to PNG, deflates and inflates GeoTIFF tiles, and fetches the page's scripts for
 * the fingerprint (a bundle is megabytes), so a page's thread is never held for the
 * hundreds of milliseconds these take on large rasters. Nothing here starts GDAL.
 *
 * Bundlers that understand `new Worker(new URL('./compute-worker.js', import.meta.url))` bundle
 * it on their own; otherwise serve the built file next to geodata's bundle, or name its URL with
 * `configureComputeWorker({ worker })`.
 */
import { webDeflateCodec } from '../formats/deflate-codec.js';
import { renderRasterHere } from '../render/render-raster.js';
import { serializeError } from '../../wasm/worker-protocol.js';
import type { ComputeRequest, ComputeResponse } from './compute-protocol.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ComputeRequest>) => void) | null;
  postMessage(message: ComputeResponse, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

/**
 * A script's bytes, transferred to the page, which decodes them in slices: a string of megabytes
 * sent as text is copied (and a UTF-8 decode done) in one task of the page.
 */
async function fetchBody(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

scope.onmessage = async (event) => {
  const request = event.data;
  try {
    const value =
      request.op === 'renderPng'
        ? await renderRasterHere(request.band, request.options)
        : request.op === 'deflate'
          ? await webDeflateCodec.deflate(request.bytes, 6)
          : request.op === 'inflate'
            ? await webDeflateCodec.inflate(request.bytes)
            : await fetchBody(request.url);
    // A fresh array of its own buffer: handed over, not copied.
    const own = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice();
    scope.postMessage({ id: request.id, value: own }, [own.buffer as ArrayBuffer]);
  } catch (error) {
    scope.postMessage({ id: request.id, error: serializeError(error) });
  }
};
