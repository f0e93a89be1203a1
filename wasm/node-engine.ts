/**
 * Node only: the GDAL engine on the machine's own files.
 */
import { createEngine, type EngineOptions } from './engine-core.js';
import type { GdalEngine } from './engine.js';
import { nodeGdalModule } from './gdal-module-node.js';
import { inHostCallOrder } from './host-call-order-node.js';
import { hostFileSystem } from './host-fs-node.js';

/** Options of `createNodeEngine`. */
export type NodeEngineOptions = EngineOptions;

/**
 * A GDAL engine that reads and writes host files directly (`fileSystem: 'host'`): paths are
 * absolute or relative to the working directory, inputs may come from any number of folders in
 * one call, and outputs go straight to disk. All Node engines share the process's one gdal3.js
 * module, loaded by the first call that needs GDAL (file methods never load it) and unloaded
 * when the last engine that used it is closed. Calls and file methods made without awaiting the
 * earlier ones keep their order where they touch the same files (`host-call-order-node.ts`).
 *
 * @example
 * const engine = createNodeEngine();
 * await engine.warp(['data/dem.tif'], 'out/dem-3035.tif', ['-t_srs', 'EPSG:3035', '-tr', '100', '100', '-r', 'bilinear']);
 * const info = await engine.info('out/dem-3035.tif');
 * await engine.close();
 */
export function createNodeEngine(options: NodeEngineOptions = {}): GdalEngine {
  return inHostCallOrder(createEngine(nodeGdalModule, hostFileSystem, options));
}
