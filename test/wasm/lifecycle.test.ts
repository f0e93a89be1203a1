import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createNodeEngine, nodeGdalModule } from '../../wasm/node.js';
import { HAS_DATA, NO_DATA_REASON, sample, scratchFolder } from './fixtures.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe.skipIf(!HAS_DATA)(`engine lifecycle${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  it('does not load GDAL to create an engine or to use host files, and loads it on the first GDAL call', async () => {
    const { folder, cleanup } = scratchFolder('lifecycle');
    const engine = createNodeEngine();
    try {
      const file = path.join(folder, 'a', 'b.bin');
      await engine.fs.mkdir(path.join(folder, 'a'));
      await engine.fs.writeFile(file, new Uint8Array([7, 8]));
      expect(await engine.fs.exists(file)).toBe(true);
      expect(Array.from(await engine.fs.readFile(file))).toEqual([7, 8]);
      await engine.fs.remove(file);
      expect(await engine.fs.exists(file)).toBe(false);
      expect(nodeGdalModule.loaded).toBeUndefined();

      await engine.info(sample('elev.tif'));
      expect(nodeGdalModule.loaded).toBeDefined();
    } finally {
      await engine.close();
      cleanup();
    }
  });

  it('shares one module between engines, unloads it when the last one closes, and starts again after', async () => {
    const first = createNodeEngine();
    const second = createNodeEngine();
    await first.info(sample('elev.tif'));
    const runtime = nodeGdalModule.loaded;
    await second.info(sample('elev.tif'));
    expect(nodeGdalModule.loaded).toBe(runtime);

    await first.close();
    expect(nodeGdalModule.loaded).toBe(runtime);
    await second.close();
    expect(nodeGdalModule.loaded).toBeUndefined();

    expect((await second.info(sample('elev.tif'))).size).toEqual([95, 90]);
    expect(nodeGdalModule.loaded).toBeDefined();
    expect(nodeGdalModule.loaded).not.toBe(runtime);
    await second.close();
    await first.close(); // closing twice is harmless
  });

  it('works when the working directory is not the repository root', () => {
    const { folder, cleanup } = scratchFolder('cwd');
    try {
      const script = path.join(folder, 'run.mts');
      const entry = path.join(REPO, 'wasm', 'node.ts');
      writeFileSync(
        script,
        [
          `import { createNodeEngine } from ${JSON.stringify(entry)};`,
          'const engine = createNodeEngine();',
          `const info = await engine.info(${JSON.stringify(path.relative(folder, sample('elev.tif')))});`,
          "await engine.warp([info.description], 'out.tif', ['-t_srs', 'EPSG:3035']);",
          "console.log(JSON.stringify({ size: info.size, out: (await engine.info('out.tif')).description }));",
          'await engine.close();',
        ].join('\n'),
      );
      const tsx = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');
      const result = spawnSync(process.execPath, [tsx, script], { cwd: folder, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({ size: [95, 90], out: path.join(folder, 'out.tif') });
    } finally {
      cleanup();
    }
  });
});
