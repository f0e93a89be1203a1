// Node only: export to and import from archive files. Never reached from the browser entry.
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { FileError } from '../errors.js';
import {
  exportEntries as exportToBytes,
  importArchive as importBytes,
  type ExportOptions,
  type ImportOptions,
  type ImportReport,
} from './export-import.js';

/**
 * Packs entries into a `.tar.gz` (see the browser-safe `exportEntries`) and, given `path`, also
 * writes it there (through a temporary file, so a failed export leaves no half archive).
 * @example await exportEntries(['68107b'], { path: 'elevation.tar.gz' });
 */
export async function exportEntries(
  selection: string | readonly string[],
  options: ExportOptions & { path?: string } = {},
): Promise<Uint8Array> {
  // A folder given as the archive (-o exports/) is refused before any entry is read and packed.
  if (options.path !== undefined && (await stat(resolve(options.path)).catch(() => undefined))?.isDirectory()) {
    const path = resolve(options.path);
    throw new FileError(`cannot write the export archive ${path}: it is a folder; name the archive file, such as ${join(path, 'entries.tar.gz')}`, path);
  }
  const bytes = await exportToBytes(selection, options);
  if (options.path !== undefined) {
    const path = resolve(options.path);
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw new FileError(`cannot write the export archive ${path}: ${(error as Error).message}; check that its folder exists and is writable`, path, { cause: error });
    }
  }
  return bytes;
}

/**
 * Imports an archive made by `exportEntries`, given as bytes or as a file path (see the
 * browser-safe `importArchive` for what is checked and what is skipped).
 * @example const { added } = await importArchive('elevation.tar.gz');
 */
export async function importArchive(archive: Uint8Array | string, options: ImportOptions = {}): Promise<ImportReport> {
  if (typeof archive !== 'string') return importBytes(archive, options);
  const path = resolve(archive);
  let bytes: Uint8Array;
  try {
    // The compressed archive is read whole (it is what was downloaded); what it inflates to is bounded (limits.archiveBytes).
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'it does not exist'
        : code === 'EISDIR'
          ? 'it is a folder; give the .tar.gz file that geodata export wrote'
          : (error as Error).message;
    throw new FileError(`cannot read the archive ${path}: ${why}`, path, { cause: error });
  }
  return importBytes(bytes, { name: basename(path), origin: path, ...options });
}
