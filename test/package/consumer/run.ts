// Runs the pipeline on dem.tif in the cache `cache/`, and prints one JSON line: each target's class,
// state hash and whether it was computed. Run under tsx (`node --import tsx run.ts`) and, compiled
// by tsc, under plain node (`node build/run.js`).
import { getConfig, produce } from 'geodata';
import { SPEC, targets } from './pipeline.js';

getConfig().update({ root: 'cache', spec: SPEC });
const results = [];
for (const target of targets('dem.tif')) {
  const entry = await produce(target);
  results.push({ className: entry.meta.class_name, stateHash: entry.stateHash, computed: entry.computed });
}
console.log(JSON.stringify(results));
await getConfig().engine.close();
