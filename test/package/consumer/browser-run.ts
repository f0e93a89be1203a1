// The same pipeline in a page: bundled for browsers (the `geodata` browser entry: IndexedDB, GDAL in
// a worker), on the bytes of the same dem.tif, served next to the page.
import { getConfig, produce } from 'geodata';
import { SPEC, targets } from './pipeline.js';

async function runPipeline() {
  const dem = new Uint8Array(await (await fetch('/dem.tif')).arrayBuffer());
  getConfig().update({ spec: SPEC });
  const results = [];
  for (const target of targets(dem)) {
    const entry = await produce(target);
    results.push({ className: entry.meta.class_name, stateHash: entry.stateHash, computed: entry.computed });
  }
  return results;
}

(window as unknown as { runPipeline: typeof runPipeline }).runPipeline = runPipeline;
