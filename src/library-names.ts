import * as api from './api.js';

/** Exports of the Node or browser entry only (the rest come from `api.ts`). */
const ENTRY_ONLY = [
  'fsStore',
  'createNodeEngine',
  'createMemoryEngine',
  'NodeInputHasher',
  'defaultGdalAssets',
  'gdalAssetsAt',
  'startBrowseServer',
  'createWorkerEngine',
  'createBrowserEngine',
  'requestPersistentStorage',
];

let names: readonly string[] | undefined;

/**
 * The names geodata exports. A class body that calls `process(...)` or `new Reprojector(...)`
 * refers to them freely; they are library code, not user code, so they are not reported as
 * unhashed references. Read at call time: `api.ts` imports the pipeline, which imports this.
 */
export function libraryNames(): readonly string[] {
  names ??= [...Object.keys(api), ...ENTRY_ONLY].sort();
  return names;
}
