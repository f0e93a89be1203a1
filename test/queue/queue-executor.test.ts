import { describe, expect, it } from 'vitest';
import { Data, Raster, SpatialSpec, getConfig, process, register } from '../../src/node.js';
import { queueExecutor } from '../../src/queue/index.js';
import { useTempCache } from '../helpers/cache.js';
import { REDIS_SERVER, startRedis } from './queue-helpers.js';

// The client side in this process, with a real Redis and no worker: a call that reaches Redis
// queues its job and, with no worker, ends by its timeout; one that cannot reach it fails sooner.
const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [8, 8] });

class Queued extends Data<Raster> {
  async _process(spec: SpatialSpec) {
    await Raster.fromArrays([new Float32Array(spec.width! * spec.height!)], spec).write(this.ensureProcessedPath(spec));
  }
}
register(Queued);

describe.skipIf(!REDIS_SERVER)('the queue executor in a long-lived client', () => {
  useTempCache('geodata-queue-executor');

  it('serves calls again once Redis is back after an outage that failed the calls waiting through it', async () => {
    let redis = await startRedis();
    const executor = queueExecutor({ redis: redis.url, lostAfterMs: 500, timeout: 1000 });
    getConfig().update({ executor });
    const [first, second, third] = SPEC.tiles({ rows: 1, cols: 3 });
    try {
      await expect(process(new Queued(), first)).rejects.toThrow(/^waited 1\.0 s for the job computing Queued/);
      await redis.stop();
      await expect(process(new Queued(), second)).rejects.toThrow(`lost the connection to Redis at ${redis.url}`);
      redis = await startRedis(Number(new URL(redis.url).port));
      // Calls made before the executor has reconnected may still fail as lost; then they reach Redis.
      let message = '';
      for (const end = Date.now() + 10_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
        message = await process(new Queued(), third).then(
          () => 'computed',
          (error: Error) => error.message,
        );
        if (!message.includes('lost the connection')) break;
      }
      expect(message).toMatch(/^waited 1\.0 s for the job computing Queued \(entry [0-9a-f]{12}\) on queue geodata/);
    } finally {
      await executor.close();
      await redis.stop();
    }
  });
});
