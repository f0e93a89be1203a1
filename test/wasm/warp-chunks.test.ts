import { describe, expect, it } from 'vitest';
import { certainChunks, halves, keepsShape, type ChunkTreeInputs, type OutputWindow, type SourceWindowBounds } from '../../wasm/warp-chunks.js';

/** A source that maps the output one to one: its window is the output window's own size. */
const sameShape = async (window: OutputWindow): Promise<SourceWindowBounds[]> => [{ columns: [window.width, window.width], lines: [window.height, window.height] }];

/** 1024x1024 Float32 in 256 tiles at 1 MB of warp memory: 4 MB of output alone, 8 MB with its source. */
const inputs = (overrides: Partial<ChunkTreeInputs>): ChunkTreeInputs => ({
  width: 1024,
  height: 1024,
  blockWidth: 256,
  blockHeight: 256,
  memoryLimit: 1024 * 1024,
  pixelBits: 32,
  optimizeSize: 'auto',
  sourceWindows: sameShape,
  wanted: 4,
  ...overrides,
});

describe('GDAL’s OPTIMIZE_SIZE=AUTO rule (keepsShape)', () => {
  it('holds while the source’s ratio along the window’s long side is under six times the window’s', () => {
    const wide = { x: 0, y: 0, width: 512, height: 256 }; // ratio 2: the source's columns over lines must stay under 12
    expect(keepsShape(wide, { columns: [1199, 1199], lines: [100, 100] })).toBe(true);
    expect(keepsShape(wide, { columns: [1200, 1200], lines: [100, 100] })).toBe(false);
    // Bounds, not values: the most columns over the fewest lines decides.
    expect(keepsShape(wide, { columns: [300, 1300], lines: [100, 400] })).toBe(false);
    // A source taller than the window is never too far from its shape along the long side.
    expect(keepsShape(wide, { columns: [10, 10], lines: [5000, 5000] })).toBe(true);
  });

  it('takes a square window’s height as its long side, and an empty source side as uncertain', () => {
    const square = { x: 0, y: 0, width: 256, height: 256 };
    expect(keepsShape(square, { columns: [100, 100], lines: [599, 599] })).toBe(true);
    expect(keepsShape(square, { columns: [100, 100], lines: [600, 600] })).toBe(false);
    expect(keepsShape(square, { columns: [2000, 2000], lines: [100, 100] })).toBe(true);
    expect(keepsShape(square, { columns: [0, 3], lines: [50, 50] })).toBe(false);
  });
});

describe('the windows GDAL’s chunk tree is certain to hold (certainChunks)', () => {
  it('halves across the longer side at a multiple of the tile', () => {
    expect(halves({ x: 0, y: 0, width: 1000, height: 600 }, 256, 256)).toEqual([
      { x: 0, y: 0, width: 256, height: 600 },
      { x: 256, y: 0, width: 744, height: 600 },
    ]);
    expect(halves({ x: 0, y: 0, width: 1000, height: 500 }, 256, 256)).toBeUndefined();
  });

  it('cuts where the memory is over the limit and the source keeps its shape, in the order GDAL cuts', async () => {
    expect(await certainChunks(inputs({}))).toEqual([
      { x: 0, y: 0, width: 512, height: 512 },
      { x: 512, y: 0, width: 512, height: 512 },
      { x: 0, y: 512, width: 512, height: 512 },
      { x: 512, y: 512, width: 512, height: 512 },
    ]);
  });

  it('stops where GDAL’s AUTO may be off: a source region far thinner than the window', async () => {
    // The whole (square) output reads a strip of 100x2048 source pixels: GDAL cuts it at the exact half, off the tiles.
    const strip = async (window: OutputWindow): Promise<SourceWindowBounds[]> => [{ columns: [100, 100], lines: [window.height * 2, window.height * 2] }];
    expect(await certainChunks(inputs({ sourceWindows: strip }))).toEqual([{ x: 0, y: 0, width: 1024, height: 1024 }]);
    // Asked to cut on tiles (-wo OPTIMIZE_SIZE=YES), GDAL does whatever the shape.
    expect(await certainChunks(inputs({ sourceWindows: strip, optimizeSize: 'yes' }))).toHaveLength(4);
  });

  it('stops where the memory may be under the limit, or where the source cannot be bounded', async () => {
    expect(await certainChunks(inputs({ memoryLimit: 8 * 1024 * 1024 }))).toHaveLength(1);
    // Over 4 MB with the source only: the halves (2 MB + 2 MB) are not certain to be cut again.
    expect(await certainChunks(inputs({ memoryLimit: 4 * 1024 * 1024, wanted: 8 }))).toEqual([
      { x: 0, y: 0, width: 1024, height: 512 },
      { x: 0, y: 512, width: 1024, height: 512 },
    ]);
    expect(await certainChunks(inputs({ sourceWindows: async () => undefined }))).toHaveLength(1);
    // With OPTIMIZE_SIZE=YES too, though the output alone is over the limit: GDAL computes the
    // source window first, and skips a window whose points mostly fail to transform, halves and all.
    expect(await certainChunks(inputs({ sourceWindows: async () => undefined, optimizeSize: 'yes' }))).toHaveLength(1);
    // A second source the window misses: GDAL's AUTO cannot compare an empty source region, and cuts that source's tree at the exact half.
    const twoSources = async (window: OutputWindow): Promise<SourceWindowBounds[]> => [...(await sameShape(window)), { columns: [0, 0], lines: [0, 0] }];
    expect(await certainChunks(inputs({ sourceWindows: twoSources }))).toHaveLength(1);
  });
});
