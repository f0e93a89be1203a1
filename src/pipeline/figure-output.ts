/**
 * What a page shows: a figure's committed bytes, or an object URL for an `<img>`, straight from
 * the cache. A cached figure is read from the store alone: GDAL is not started, no file is copied
 * into its file system and nothing is decoded.
 */
import type { Tracked } from '../data/tracked.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { outputBytes } from './process.js';

/** A figure's output, as `figureBytes` returns it. */
export interface FigureOutput {
  /** The file's bytes, as committed (PNG, SVG, ...). */
  bytes: Uint8Array;
  /** Its media type, from the extension (`image/png`, `image/svg+xml`, ...). */
  type: string;
  /** The output's file name (`slope_map.png`). */
  file: string;
  stateHash: string;
  /** Whether this call computed the figure (false: it came from the cache). */
  computed: boolean;
}

const MEDIA_TYPES: Record<string, string> = {
  png: 'image/png',
  svg: 'image/svg+xml',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  pdf: 'application/pdf',
  html: 'text/html',
  json: 'application/json',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};

/** The media type of an output file name; `application/octet-stream` when unknown. */
export function mediaType(file: string): string {
  return MEDIA_TYPES[file.slice(file.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The bytes of a figure (computed if missing or stale, else read from the cache) and their media
 * type. Works for any entry, not only figures.
 * @example
 * const { bytes, type } = await figureBytes(new SlopeMap());
 * await writeFile(`slope.${type === 'image/svg+xml' ? 'svg' : 'png'}`, bytes);
 */
export async function figureBytes(figure: Tracked, spec?: SpatialSpec): Promise<FigureOutput> {
  const { bytes, meta, stateHash, computed } = await outputBytes(figure, spec);
  return { bytes, type: mediaType(meta.output.file), file: meta.output.file, stateHash, computed };
}

/**
 * An object URL (`blob:…`) of a figure, for `<img src>` in a page: made from the cached bytes,
 * without starting GDAL. Release it with `URL.revokeObjectURL(url)` when the image is gone.
 * The page's Content-Security-Policy must allow `img-src blob:`.
 * @example
 * img.src = await figureUrl(new SlopeMap());
 */
export async function figureUrl(figure: Tracked, spec?: SpatialSpec): Promise<string> {
  const { bytes, type } = await figureBytes(figure, spec);
  return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
}
