import type { FormatIo } from './format-io.js';

/** Placeholder until TIFF transcoding lands: every TIFF goes to GDAL as it is. */
export async function transcodeTiffIfNeeded(path: string, _io: FormatIo, _name: string): Promise<string> {
  return path;
}
