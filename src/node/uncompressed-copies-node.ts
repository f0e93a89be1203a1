/**
 * Node: uncompressed copies of the GeoTIFFs this process wrote and then DEFLATEd outside
 * WebAssembly, kept in its temporary folder so that its later GDAL steps read them instead of
 * the DEFLATE file. GDAL inflates inside WebAssembly at a fraction of native speed: a 4000x4000
 * Float32 slope took 0.49 s from an uncompressed file, 0.82 s from DEFLATE level 1 and 0.96 s
 * with predictor 3 (the cache's), so a slope and a hillshade of a warp just cached each save
 * about 0.45 s of a core. The copy is the file GDAL wrote before its tiles were compressed (no
 * extra work), or, for a warp split over the pool, its windows' tiles laid out a second time.
 *
 * A copy serves its file only while that file is the one it was made with: same device, inode,
 * size and modification time (the commit's rename into the cache keeps them; any rewrite does
 * not). Copies are removed with the temporary folder at exit, and the oldest first when they
 * would hold more than the budget. None are kept where the temporary folder is on another file
 * system than the outputs.
 */
import { mkdirSync, statSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { reportFileAccess } from '../../wasm/file-access.js';
import type { UncompressedCopies } from '../platform.js';
import { randomHex } from '../random-hex.js';

/** What the copies may hold on disk at most, by default (1 GiB: fifteen 4000x4000 Float32 rasters). */
export const DEFAULT_COPIES_BUDGET = 1024 ** 3;

interface Copy {
  path: string;
  bytes: number;
}

/** A file's identity: what a rename keeps and a rewrite changes. */
async function identityOf(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file, { bigint: true });
    return info.isFile() ? `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The copies kept under `folder()`, at most `budget` bytes.
 * @example
 * const copies = nodeUncompressedCopies(() => '/tmp/geodata-x/uncompressed');
 * const copy = copies.pathFor('/cache/staging/dem.tif'); // GDAL's uncompressed output moved there
 * await copies.remember('/cache/staging/dem.tif', copy);
 * await copies.of('/cache/data/ab/dem.tif'); // the copy, once the commit renamed the file there
 */
export function nodeUncompressedCopies(folder: () => string, budget = DEFAULT_COPIES_BUDGET): UncompressedCopies {
  // Keyed by file identity: entries are facts about files, which concurrent runs only add to.
  const copies = new Map<string, Copy>();
  let held = 0;

  const forget = async (key: string): Promise<void> => {
    const copy = copies.get(key);
    if (!copy) return;
    copies.delete(key);
    held -= copy.bytes;
    await rm(copy.path, { force: true });
  };

  return {
    pathFor(file) {
      try {
        const into = folder();
        mkdirSync(into, { recursive: true });
        // Only on the output's own file system: a copy is a rename there, and a temporary folder
        // elsewhere may be memory (a tmpfs /tmp), where 1 GiB of copies would be 1 GiB of RAM.
        if (statSync(into).dev !== statSync(path.dirname(path.resolve(file))).dev) return undefined;
        return path.join(into, `${randomHex()}-${path.basename(file)}`);
      } catch {
        return undefined;
      }
    },
    async remember(file, copy) {
      const [key, info] = await Promise.all([identityOf(file), stat(copy).catch(() => undefined)]);
      if (!key || !info?.isFile() || info.size > budget) {
        await rm(copy, { force: true });
        return;
      }
      await forget(key);
      copies.set(key, { path: copy, bytes: info.size });
      held += info.size;
      // Oldest first (the map keeps the order they were remembered in).
      for (const oldest of [...copies.keys()]) {
        if (held <= budget) break;
        await forget(oldest);
      }
    },
    async of(file) {
      const key = await identityOf(file);
      const copy = key === undefined ? undefined : copies.get(key);
      if (!copy) return undefined;
      if ((await stat(copy.path).catch(() => undefined))?.size !== copy.bytes) {
        await forget(key!);
        return undefined;
      }
      // GDAL reads the copy (a temporary file, which recorded dependencies leave out): the read
      // is the file's, as GDAL reading it would have reported it (a cache entry's, recorded).
      reportFileAccess({ read: [path.resolve(file)], absent: [] });
      return copy.path;
    },
  };
}
