import type { GdalEngine } from '../../wasm/engine.js';

/**
 * Intermediate files of one processor run (warped VRTs, reprojected vectors, single bands), named
 * after the output and written next to it in the engine's file system, so they land on the same
 * disk (or in the same memory) and need no temporary folder of their own. `removeAll()` deletes
 * them, whatever happened.
 *
 * @example
 * const scratch = new ScratchFiles(engine, outputPath);
 * try {
 *   const vrt = scratch.path('warp', 'vrt');
 *   // ...
 * } finally {
 *   await scratch.removeAll();
 * }
 */
export class ScratchFiles {
  private readonly paths: string[] = [];

  constructor(
    private readonly engine: GdalEngine,
    private readonly outputPath: string,
  ) {}

  /** A new, unique path `<output>.<tag>-<random>.<ext>`, removed by `removeAll()`. */
  path(tag: string, ext: string): string {
    const path = `${this.outputPath}.${tag}-${Math.random().toString(36).slice(2, 10)}.${ext}`;
    this.paths.push(path);
    return path;
  }

  /** Removes every scratch file (missing ones are fine), newest first. */
  async removeAll(): Promise<void> {
    for (const path of this.paths.splice(0).reverse()) {
      await this.engine.fs.remove(path);
      await this.engine.fs.remove(`${path}.aux.xml`);
    }
  }
}
