import { getConfig } from '../config.js';
import { joinKey } from '../store/adapter.js';

/** Which top-level folder holds an object type's entries. */
export function entryFolder(objectType: 'data' | 'figure'): string {
  const layout = getConfig().layout;
  return objectType === 'figure' ? layout.figures : layout.data;
}

/** `data_processed/<state_hash>/` */
export function entryPrefix(objectType: 'data' | 'figure', stateHash: string): string {
  return `${joinKey(entryFolder(objectType), stateHash)}/`;
}

export const META_FILE = 'meta.json';
export const PARAMETERS_FILE = 'parameters.json';
export const SPEC_FILE = 'spec.json';

/** `.source/code/<source_hash>/` */
export function codePrefix(sourceHash: string): string {
  return `${joinKey(getConfig().layout.source, 'code', sourceHash)}/`;
}

/** `.source/snapshots/<dep_tree_hash>/` */
export function snapshotPrefix(depTreeHash: string): string {
  return `${joinKey(getConfig().layout.source, 'snapshots', depTreeHash)}/`;
}
