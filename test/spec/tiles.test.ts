import { describe, expect, it } from 'vitest';
import { InvalidInputError, SpatialSpec } from '../../src/node.js';
import { tileWindows } from '../../src/spec/tiles.js';

const parent = new SpatialSpec({ crs: 'EPSG:32632', transform: [30, 0, 600000, 0, -30, 5200000], shape: [10, 11] });

describe('spec.tiles', () => {
  it('splits a grid row-major into tiles whose sizes differ by at most one pixel', () => {
    const tiles = parent.tiles({ rows: 3, cols: 2 });
    expect(tiles.map((t) => t.shape)).toEqual([[4, 6], [4, 5], [3, 6], [3, 5], [3, 6], [3, 5]]);
    expect(tiles.map((t) => [t.transform![2], t.transform![5]])).toEqual([
      [600000, 5200000], [600180, 5200000],
      [600000, 5199880], [600180, 5199880],
      [600000, 5199790], [600180, 5199790],
    ]);
    for (const tile of tiles) {
      expect(tile.crs).toBe('EPSG:32632');
      expect([tile.transform![0], tile.transform![1], tile.transform![3], tile.transform![4]]).toEqual([30, 0, 0, -30]);
    }
  });

  it('covers every pixel of the parent exactly once', () => {
    const shape: [number, number] = [37, 53];
    const seen = new Uint8Array(shape[0] * shape[1]);
    for (const w of tileWindows(shape, { rows: 4, cols: 7 })) {
      for (let r = 0; r < w.shape[0]; r++) for (let c = 0; c < w.shape[1]; c++) seen[(w.rowOff + r) * shape[1] + w.colOff + c]!++;
    }
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it('keeps a rotated grid exact: each tile origin is the parent pixel corner', () => {
    const rotated = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 2, 1000, 3, -10, 2000], shape: [8, 8] });
    const tiles = rotated.tiles({ rows: 2, cols: 2 });
    // Tile (1, 1) starts at pixel (col 4, row 4): x = 10*4 + 2*4 + 1000, y = 3*4 - 10*4 + 2000.
    expect(tiles[3]!.transform).toEqual([10, 2, 1048, 3, -10, 1972]);
    expect(tiles[3]!.shape).toEqual([4, 4]);
  });

  it('one tile is the parent itself', () => {
    expect(parent.tiles({ rows: 1, cols: 1 })[0]!.equals(parent)).toBe(true);
  });

  it('grows each tile spec by the halo, clipped at the parent grid edges', () => {
    const tiles = parent.tiles({ rows: 2, cols: 3, halo: 1 });
    // Cores: rows [0,5) [5,10), cols [0,4) [4,8) [8,11); with the halo: rows [0,6) [4,10), cols [0,5) [3,9) [7,11).
    expect(tiles.map((t) => t.shape)).toEqual([[6, 5], [6, 6], [6, 4], [6, 5], [6, 6], [6, 4]]);
    expect(tiles.map((t) => [t.transform![2], t.transform![5]])).toEqual([
      [600000, 5200000], [600090, 5200000], [600210, 5200000],
      [600000, 5199880], [600090, 5199880], [600210, 5199880],
    ]);
    const windows = tileWindows([10, 11], { rows: 2, cols: 3, halo: 1 });
    expect(windows[4]).toEqual({ row: 1, col: 1, rowOff: 5, colOff: 4, shape: [5, 4], outer: { rowOff: 4, colOff: 3, shape: [6, 6] } });
    // A halo as large as the grid: every tile spec is the parent.
    expect(parent.tiles({ rows: 2, cols: 2, halo: 20 }).every((t) => t.equals(parent))).toBe(true);
    expect(parent.tiles({ rows: 2, cols: 2, halo: 0 }).map(String)).toEqual(parent.tiles({ rows: 2, cols: 2 }).map(String));
  });

  it('refuses splits that cannot be made, saying why', () => {
    expect(() => parent.tiles({ rows: 2, cols: 2, halo: -1 })).toThrow('tiles: halo must be a whole number of pixels, 0 or more (1 for 3x3 steps such as slope), got -1');
    expect(() => parent.tiles({ rows: 0, cols: 2 })).toThrow(new InvalidInputError('tiles: rows must be a positive integer, got 0'));
    expect(() => parent.tiles({ rows: 2, cols: 1.5 })).toThrow('tiles: cols must be a positive integer, got 1.5');
    expect(() => parent.tiles({ rows: 11, cols: 1 })).toThrow('a 10x11 px grid cannot be split into 11 rows and 1 columns of at least one pixel; use fewer tiles');
    expect(() => new SpatialSpec({ crs: 'EPSG:4326' }).tiles({ rows: 2, cols: 2 })).toThrow('has no grid to split into tiles: give it a transform and shape');
  });
});
