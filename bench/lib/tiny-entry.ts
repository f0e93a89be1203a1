// A tiny entry for bench/scale-out.ts: what is left of its time is the queue's own cost (job
// round trip, the worker's checks). Workers import this module too.
import { Data, Raster, register, SpatialSpec } from 'geodata';

@register
export class Tiny extends Data<Raster> {
  constructor(public n: number) {
    super();
  }
  async _process(spec: SpatialSpec) {
    await Raster.fromArrays([new Float32Array(spec.shape![0] * spec.shape![1]).fill(this.n)], spec).write(this.ensureProcessedPath(spec));
  }
}
