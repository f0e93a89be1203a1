import type { GdalEngine } from '../wasm/engine.js';
import { isLazyStartEngine } from '../wasm/lazy-start-engine.js';
import type { Workspace } from './platform.js';

/**
 * The workspace of an engine with its own file system (a browser's, or a memory engine's in
 * tests): the engine's in-memory files, reached through the engine's file methods.
 */
export function engineWorkspace(engine: GdalEngine): Workspace {
  return {
    tempFolder: '/tmp',
    readFile: (path) => engine.readFile(path),
    writeFile: (path, bytes) => engine.writeFile(path, bytes),
    exists: (path) => engine.exists(path),
    size: (path) => engine.size(path),
    rename: (from, to) => engine.rename(from, to),
    remove: (path) => engine.remove(path),
    removeFolder: (path) => engine.removeTree(path),
    mkdir: (path) => engine.mkdir(path),
    ...(isLazyStartEngine(engine) ? { deferFile: (path: string, size: number, read: () => Promise<Uint8Array>) => engine.deferFile(path, size, read) } : {}),
  };
}
