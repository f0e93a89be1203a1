// The per-tile pipeline of the scale-out example: a generated DEM, and slope and hillshade of it.
// Workers import this module (geodata worker examples/scale-out/pipeline.ts --redis ...), and so
// does the client (run.ts): the same code on every machine.
import { Data, Hillshade, Mosaic, Raster, register, Slope, SpatialSpec, type TileGrid } from 'geodata';

/**
 * 1024 x 1024 px at 30 m (UTM 32N), split into 16 tiles of 256 x 256, each computed with a halo of
 * 1 px (slope and hillshade read 3x3 neighbourhoods), so the mosaics equal the untiled run.
 */
export const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [30, 0, 600000, 0, -30, 5200000], shape: [1024, 1024] });
export const GRID: TileGrid = { rows: 4, cols: 4, halo: 1 };

/** Hills from map coordinates: any tile of the grid gets exactly its pixels of the whole. */
@register
export class Dem extends Data<Raster> {
  async _process(spec: SpatialSpec) {
    const [h, w] = spec.shape!;
    const [a, , c, , e, f] = spec.transform!;
    const z = new Float32Array(h * w);
    for (let row = 0; row < h; row++) {
      for (let col = 0; col < w; col++) {
        const x = c + a * (col + 0.5);
        const y = f + e * (row + 0.5);
        z[row * w + col] = 800 + 300 * Math.sin(x / 2300) * Math.cos(y / 1700) + 80 * Math.sin((x + y) / 530);
      }
    }
    await Raster.fromArrays([z], spec).write(this.ensureProcessedPath(spec));
  }
}

/** What the client asks for: slope and hillshade of every tile, each mosaicked into the full grid. */
export function targets(grid: TileGrid = GRID) {
  return [new Mosaic(new Slope(new Dem()), grid), new Mosaic(new Hillshade(new Dem()), grid)];
}
