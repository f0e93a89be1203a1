import type { Raster } from '../../src/raster/raster.js';
import { describe, expect, it } from 'vitest';
import { syntheticTerrain, syntheticTerrainAsync, TERRAIN_SLICE_PIXELS, terrainInSlices } from '../../src/synthetic/synthetic-terrain.js';
import { yieldToEventLoop } from '../../src/yield-to-event-loop.js';

function bytes(raster: Raster): Buffer {
  const data = raster.band(0).data;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

describe('syntheticTerrainAsync', () => {
  it('gives the bytes, grid and nodata of syntheticTerrain', async () => {
    const options = { size: 300, pixel: 25, seed: 7 };
    const whole = syntheticTerrain(options);
    const sliced = await syntheticTerrainAsync(options);
    expect(bytes(sliced).equals(bytes(whole))).toBe(true);
    expect(sliced.spec.equals(whole.spec)).toBe(true);
    expect(sliced.nodata).toEqual(whole.nodata);
  });

  it('pauses between slices of TERRAIN_SLICE_PIXELS pixels (whole rows), never before the first or after the last', async () => {
    const size = 300;
    const rows = Math.floor(TERRAIN_SLICE_PIXELS / size); // 13 rows a slice: 24 slices
    let pauses = 0;
    await terrainInSlices({ size }, async () => {
      pauses += 1;
    });
    expect(rows).toBe(13);
    expect(pauses).toBe(Math.ceil(size / rows) - 1);
    let tiny = 0;
    await terrainInSlices({ size: 64 }, async () => {
      tiny += 1;
    });
    expect(tiny).toBe(0);
  });
});

describe('yieldToEventLoop', () => {
  it('lets a task queued before it run before the caller goes on', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('queued task'));
    await yieldToEventLoop();
    order.push('caller');
    expect(order).toEqual(['queued task', 'caller']);
  });
});
