/**
 * The messages between the page and `compute-worker.ts`: geodata's own heavy JavaScript (figure
 * rendering, DEFLATE of GeoTIFF tiles) done off the page's thread. Plain data only.
 */
import type { Band } from '../render/band.js';
import type { RenderPngOptions } from '../render/render-raster.js';
import type { SerializedError } from '../../wasm/worker-protocol.js';

/** Work for the compute worker. */
export type ComputeWork =
  | { op: 'renderPng'; band: Band; options: RenderPngOptions }
  | { op: 'deflate'; bytes: Uint8Array }
  | { op: 'inflate'; bytes: Uint8Array }
  /** The body of a GET (a page's script, for the fingerprint's module reader); fails when not OK. */
  | { op: 'fetch'; url: string };

/** A piece of work with the id its answer carries. */
export type ComputeRequest = ComputeWork & { id: number };

/** Its answer: the bytes (transferred), or the error as plain data. */
export type ComputeResponse = { id: number; value: Uint8Array } | { id: number; error: SerializedError };
