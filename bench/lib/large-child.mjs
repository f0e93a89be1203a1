// One geodata process of bench/large.ts: a Reprojector entry of the generated input to EPSG:3035
// through the compiled package, into a fresh cache. After the compression, `-te xmin ymin xmax ymax
// -tr xres yres` may give the grid (else the spec names only the CRS).
import { Data, Reprojector, SpatialSpec, getConfig, produce, register } from 'geodata';

const [root, source, compress, ...gridArgs] = process.argv.slice(2);

class LargeWarp extends Data {
  get processor() {
    return new Reprojector(source, { resampling: 'bilinear', ...(compress === 'default' ? {} : { compress }) });
  }
}
register(LargeWarp);

function spec() {
  if (gridArgs[0] !== '-te') return new SpatialSpec({ crs: 'EPSG:3035' });
  const [xmin, ymin, xmax, ymax, , xres, yres] = gridArgs.slice(1).map(Number);
  const shape = [Math.round((ymax - ymin) / yres), Math.round((xmax - xmin) / xres)];
  return new SpatialSpec({ crs: 'EPSG:3035', transform: [xres, 0, xmin, 0, -yres, ymax], shape });
}
getConfig().update({ root, spec: spec() });
const entry = await produce(new LargeWarp());
process.stdout.write(`${JSON.stringify({ size: entry.meta.output.size, path: entry.path })}\n`);
await getConfig().engine.close();
