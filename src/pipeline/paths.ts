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

export function processedPath(instance: Tracked, spec: SpatialSpec | undefined): string {
  const resolved = resolveSpec(spec, instance.constructor.name);
  const identity = identify(instance, resolved);
  return committedOutputPath(identity, outputFileName(instance));
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
