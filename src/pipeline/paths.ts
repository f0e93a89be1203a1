import { getConfig } from '../config.js';
import type { Tracked } from '../data/tracked.js';
import { getPlatform } from '../platform.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { outputPathFor } from './active.js';
import { isHit, judgeEntry } from './recorded-check.js';
import { identify, outputFileName, prepareIdentity, type Identity } from './identity.js';
import { entryPrefix } from './layout.js';
import { resolveSpec } from './spec-resolution.js';

/**
 * Where a committed entry's output can be opened by GDAL: the file itself for a filesystem store;
 * for other stores a copy in the workspace, written by `process()`.
 */
export function committedOutputPath(identity: Identity, fileName: string): string {
  const store = getConfig().store;
  const key = entryPrefix(identity.objectType, identity.stateHash) + fileName;
  if (store.localPath) return store.localPath(key);
  return `${getPlatform().workspace().tempFolder}/geodata-cache/${safeName(store.name)}/${key}`;
}

/**
 * Output file names of entries produced or read in this process, by state hash: what an entry
 * holds can differ from what its class declares (a Figure whose `_process` returns SVG is stored
 * as `.svg`). A state hash always names the same output, so this only ever grows more right.
 */
const producedFiles = new Map<string, string>();

/** Notes the output file an entry holds, once `process()` has it. */
export function rememberOutputFile(stateHash: string, fileName: string): void {
  producedFiles.set(stateHash, fileName);
}

/**
 * `getProcessedPath()`: the entry's own output file once it was produced or read in this process,
 * else the file its class declares (for a Figure without an `ext`, `.png`).
 */
export function processedPath(instance: Tracked, spec: SpatialSpec | undefined): string {
  const resolved = resolveSpec(spec, instance.constructor.name);
  const identity = identify(instance, resolved);
  return committedOutputPath(identity, producedFiles.get(identity.stateHash) ?? outputFileName(instance));
}

export function stagingPath(instance: Tracked, spec: SpatialSpec | undefined): string {
  const resolved = resolveSpec(spec, instance.constructor.name);
  const identity = identify(instance, resolved);
  return outputPathFor(identity, instance, resolved, outputFileName(instance));
}

export async function entryIsProcessed(instance: Tracked, spec: SpatialSpec | undefined): Promise<boolean> {
  const resolved = resolveSpec(spec, instance.constructor.name);
  await prepareIdentity(instance);
  const identity = identify(instance, resolved);
  return isHit(await judgeEntry(identity.objectType, identity.stateHash));
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
}
