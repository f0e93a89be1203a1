import type * as GeotiffParts from './geotiff-parts.js';
import { getPlatform } from '../platform.js';

/** The parts of geotiff.js geodata uses. */
export type GeotiffModule = typeof GeotiffParts;

let loading: Promise<GeotiffModule> | undefined;

/**
 * geotiff.js, imported on first use rather than with geodata: the `geodata` command and most pages
 * never decode pixels, and geotiff.js is 35 modules (its codecs, loaded by it on demand, more).
 * The platform prepares it once (Node: native DEFLATE). A failed import is tried again next time.
 * @example const { fromArrayBuffer } = await loadGeotiff();
 */
export function loadGeotiff(): Promise<GeotiffModule> {
  const importParts = () => import('./geotiff-parts.js');
  const platform = getPlatform();
  loading ??= (platform.importGeotiff ? platform.importGeotiff(importParts) : importParts()).then(
    (geotiff) => {
      getPlatform().prepareGeotiff?.(geotiff);
      return geotiff;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
