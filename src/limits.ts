import { getConfig } from './config.js';
import { formatBytes } from './format.js';

/**
 * Size limits: what geodata refuses before it spends time and memory on something that cannot
 * end well (an archive that inflates without end, a grid no typed array can hold). Set them with
 * `getConfig().update({ limits: { ... } })`; a key left out keeps its default.
 */
export interface Limits {
  /**
   * The most bytes an archive may inflate to on import (its uncompressed tar). Import holds the
   * members in memory until all are checked, so this also bounds its memory. Default 4 GiB.
   */
  archiveBytes: number;
  /**
   * The most bytes one raster output may take uncompressed (width x height x bands x bytes per
   * sample). `load()` reads an output whole into typed arrays, and Node reads files of at most
   * 2 GiB at once, so larger grids are refused before they are computed. Default 2 GiB - 1.
   */
  rasterBytes: number;
}

/** The defaults of {@link Limits}. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  archiveBytes: 4 * 2 ** 30,
  rasterBytes: 2 ** 31 - 1,
});

/** The limits in force: the configured ones over the defaults. */
export function getLimits(): Limits {
  return { ...DEFAULT_LIMITS, ...getConfig().limits };
}

/** Why a `limits` config value is wrong, or undefined when it is right (used by the config check). */
export function limitsProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'an object such as { archiveBytes: 2 ** 30, rasterBytes: 2 ** 31 - 1 }';
  for (const [key, limit] of Object.entries(value)) {
    if (!(key in DEFAULT_LIMITS)) return `an object with the keys ${Object.keys(DEFAULT_LIMITS).join(', ')} (not ${JSON.stringify(key)})`;
    if (typeof limit !== 'number' || !(limit > 0)) return `an object whose ${key} is a positive number of bytes`;
  }
  return undefined;
}

/** Bytes in words, for messages: "40 GB (40,000,000,000 bytes)". */
export function describeBytes(bytes: number): string {
  return `${formatBytes(bytes)} (${Math.round(bytes).toLocaleString('en-US')} bytes)`;
}
