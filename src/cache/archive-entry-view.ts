import { PipelineError } from '../errors.js';
import type { StoreAdapter } from '../store/adapter.js';

/**
 * A read-only store over the files of one archive entry, as they will be written: the import
 * judges an entry with the same `checkEntry` a load uses, before it is written, so it never adds
 * an entry this cache would then read as damaged or outdated. The bytes are the archive's own
 * views (no copy: an output may be gigabytes); every write throws.
 * @example const check = await checkEntry('data', hash, { store: archiveEntryView(files) });
 */
export function archiveEntryView(files: ReadonlyArray<readonly [string, Uint8Array]>): StoreAdapter {
  const byKey = new Map(files);
  const mtimeMs = Date.now();
  const sorted = [...byKey.keys()].sort();
  const refuse = async (): Promise<never> => {
    throw new PipelineError('an archive entry being checked is read-only; this is a bug in geodata');
  };
  return {
    name: 'archive entry',
    get: async (key) => byKey.get(key),
    has: async (key) => byKey.has(key),
    stat: async (key) => {
      const bytes = byKey.get(key);
      return bytes ? { size: bytes.length, mtimeMs } : undefined;
    },
    keys: async (prefix = '') => sorted.filter((key) => key.startsWith(prefix)),
    set: refuse,
    setMany: refuse,
    remove: refuse,
    removePrefix: refuse,
    lock: refuse,
  };
}
