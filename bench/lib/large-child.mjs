// One geodata process of bench/large.ts: a Reprojector entry of the generated input to EPSG:3035
// through the compiled package, into a fresh cache.
import { Data, Reprojector, SpatialSpec, getConfig, produce, register } from 'geodata';

const [root, source, compress] = process.argv.slice(2);

class LargeWarp extends Data {
  get processor() {
    return new Reprojector(source, { resampling: 'bilinear', ...(compress === 'default' ? {} : { compress }) });
  }
}
register(LargeWarp);

getConfig().update({ root, spec: new SpatialSpec({ crs: 'EPSG:3035' }) });
const entry = await produce(new LargeWarp());
process.stdout.write(`${JSON.stringify({ size: entry.meta.output.size, path: entry.path })}\n`);
await getConfig().engine.close();
