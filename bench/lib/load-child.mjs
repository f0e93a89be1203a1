// One process of bench/load.ts: computes (first run) or loads the cached 4000x4000 Float32 entry
// through the compiled package, and prints how long load() took inside the process.
import { Data, getConfig, load, register, syntheticTerrain } from 'geodata';

const [root, size] = [process.argv[2], Number(process.argv[3])];

class BenchTerrain extends Data {
  constructor(size) {
    super();
    this.size = size;
  }
  async _process(spec) {
    await syntheticTerrain({ size: this.size, pixel: 10 }).write(this.ensureProcessedPath(spec));
  }
}
register(BenchTerrain);

const spec = syntheticTerrain({ size: 1 }).spec.with({ transform: [10, 0, 620000, 0, -10, 5190000], shape: [size, size] });
getConfig().update({ root, spec });
const started = performance.now();
const raster = await load(new BenchTerrain(size));
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms, width: raster.width, first: raster.bands[0][12345] }) + '\n');
await getConfig().engine.close();
