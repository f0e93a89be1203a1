import { getConfig } from '../config.js';
import type { Tracked } from '../data/tracked.js';
import { driverForExtension } from '../drivers/builtin.js';
import type { Driver } from '../drivers/driver.js';
import { InvalidInputError, PipelineError } from '../errors.js';
import { defaultRegistry } from '../fingerprint/index.js';
import { currentRecording } from './active.js';
import { checkEntry, type EntryMeta } from './entry.js';
import { entryFolder } from './layout.js';

/** Where a state hash prefix points. */
export interface EntryLocation {
  stateHash: string;
  objectType: 'data' | 'figure';
}

/**
 * The entries (data and figures) whose state hash starts with `prefix`.
 * @example await findEntries('68107b') // [{ stateHash: '68107bf3…', objectType: 'data' }]
 */
export async function findEntries(prefix: string): Promise<EntryLocation[]> {
  if (typeof prefix !== 'string' || !/^[0-9a-f]{1,64}$/i.test(prefix)) {
    throw new InvalidInputError(`hash prefix ${JSON.stringify(prefix)} must be 1 to 64 hexadecimal digits`);
  }
  const store = getConfig().store;
  const found: EntryLocation[] = [];
  for (const objectType of ['data', 'figure'] as const) {
    const folder = entryFolder(objectType);
    const hashes = new Set((await store.keys(`${folder}/${prefix.toLowerCase()}`)).map((key) => key.slice(folder.length + 1).split('/')[0]!));
    for (const stateHash of [...hashes].sort()) found.push({ stateHash, objectType });
  }
  return found;
}

/** The single entry a prefix names; a clear error when it names none or several. */
export async function resolveEntryPrefix(prefix: string): Promise<EntryLocation> {
  const found = await findEntries(prefix);
  if (found.length === 0) throw new PipelineError(`no cache entry has a hash starting with ${prefix} in ${getConfig().store.name}`);
  if (found.length > 1) {
    const shown = found.slice(0, 8).map((f) => f.stateHash.slice(0, 16)).join(', ');
    throw new PipelineError(`hash prefix ${prefix} is ambiguous: it matches ${found.length} entries (${shown}${found.length > 8 ? ', ...' : ''}); give more digits`);
  }
  return found[0]!;
}

/**
 * The cached output of the entry whose state hash starts with `prefix`, read by its class's
 * driver, without running anything. The class must be registered in this process.
 * @example const raster = await loadFromHash('68107bf3');
 */
export async function loadFromHash<T = unknown>(prefix: string): Promise<T> {
  const location = await resolveEntryPrefix(prefix);
  const check = await checkEntry(location.objectType, location.stateHash, { bytes: true });
  if (check.state !== 'valid') {
    const why = check.state === 'absent' ? 'it vanished' : check.state === 'outdated' ? `it was written by an older geodata (${check.problem}); load it through its class to compute it again` : check.problem;
    throw new PipelineError(`entry ${location.stateHash.slice(0, 12)} cannot be read: ${why}`);
  }
  const meta = check.meta;
  // Inside a computation, the entry read by its hash is one of its recorded dependencies.
  currentRecording()?.addEntry({ state_hash: meta.state_hash, class_name: meta.class_name, object_type: meta.object_type, sha256: meta.output.sha256, via: 'hash' });
  const cls = defaultRegistry.get(meta.class_name);
  if (!cls) {
    throw new PipelineError(
      `entry ${location.stateHash.slice(0, 12)} was produced by class ${meta.class_name}, which is not registered in this process: import the module that defines it (and @register it) first`,
    );
  }
  const spec = check.spec;
  return (await driverFor(cls, meta).read(check.bytes!, { name: meta.output.file, ...(spec ? { spec } : {}) })) as T;
}

/** The class's own driver when its prototype names one without needing parameters; else by extension. */
function driverFor(cls: Function, meta: EntryMeta): Driver {
  try {
    const bare = Object.create(cls.prototype as object) as Tracked;
    const driver = bare.driver;
    if (driver) return driver;
  } catch {
    // A driver getter that needs parameters: fall back to the extension.
  }
  return driverForExtension(meta.output.file.slice(meta.output.file.lastIndexOf('.') + 1));
}

