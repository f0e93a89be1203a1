/**
 * The main job (`npm start`): a real pipeline on terrain the project generates itself.
 *
 *   npm start [-- --root <cache folder>]
 *
 * 1. writes a synthetic DEM (UTM 32N, 30 m) once, as a user's source file would be;
 * 2. reprojects it to the example spec (EPSG:3035, 40 m), computes slope and hillshade, and renders
 *    two figures — everything through the content-addressed cache;
 * 3. runs the same pipeline again, where every step is a cache hit;
 * 4. prints what it computed and where the outputs are.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getConfig, onPipelineEvent, produce, showProgress, syntheticTerrain } from '../src/node.js';
import { EXAMPLE_SPEC, exampleSteps } from './pipeline.js';

const { values } = parseArgs({ options: { root: { type: 'string', default: 'examples/output/cache' } } });
const root = resolve(values.root!);
const source = resolve(root, '..', 'source', 'terrain_utm32n.tif');

// Live progress on stderr while entries are computed (only in a terminal).
showProgress();

async function main(): Promise<void> {
  mkdirSync(resolve(source, '..'), { recursive: true });
  if (!existsSync(source)) {
    await syntheticTerrain({ size: 512, pixel: 30 }).write(source);
    console.log(`wrote the source DEM ${source}`);
  }
  getConfig().update({ root, spec: EXAMPLE_SPEC });
  console.log(`cache: ${root}\nspec:  ${EXAMPLE_SPEC}\n`);

  const computed: string[] = [];
  onPipelineEvent('commit', (event) => computed.push(event.className));
  for (const run of ['first run', 'second run']) {
    console.log(`${run}:`);
    for (const step of exampleSteps(source)) {
      computed.length = 0;
      const started = performance.now();
      const entry = await produce(step.instance);
      const what = entry.computed ? `computed (${computed.join(', ')})` : 'cache hit';
      console.log(`  ${step.name.padEnd(24)} ${what.padEnd(44)} ${((performance.now() - started) / 1000).toFixed(2).padStart(6)} s  ${entry.path}`);
    }
    console.log('');
  }
  console.log('Open the figures (PNG) above; run `npm start` again and every step is read from the cache.');
  await getConfig().engine.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
