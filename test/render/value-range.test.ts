import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { renderRaster, resolveRange } from '../../src/render/index.js';
import { decodePng, pixel, opaque } from './helpers.js';

describe('resolveRange', () => {
  it('takes the min and max of valid values, skipping nodata, NaN and infinities', () => {
    const band = { width: 6, height: 1, data: Float64Array.of(-9999, 3, Number.NaN, 7, Infinity, 5), nodata: -9999 };
    expect(resolveRange(band)).toEqual([3, 7]);
    expect(resolveRange(band, 'minmax')).toEqual([3, 7]);
  });

  it('treats the single-precision rounding of nodata as nodata in Float32 data', () => {
    const band = { width: 3, height: 1, data: Float32Array.of(-3.4e38, 10, 20), nodata: -3.4e38 };
    expect(resolveRange(band)).toEqual([10, 20]);
  });

  it('computes percentiles with linear interpolation between ranks, as numpy does', () => {
    // 1..101: the p-th percentile is 1 + p exactly; 0..10: the median is 5, p25 is 2.5.
    const hundred = { width: 101, height: 1, data: Float64Array.from({ length: 101 }, (_, i) => 101 - i) };
    expect(resolveRange(hundred, 'p2-p98')).toEqual([3, 99]);
    const eleven = { width: 11, height: 1, data: Float64Array.from({ length: 11 }, (_, i) => i) };
    expect(resolveRange(eleven, 'p25-p50')).toEqual([2.5, 5]);
    expect(resolveRange(eleven, 'p0.5-p99.5')).toEqual([0.05, 9.95]);
  });

  it('agrees with percentiles read from a fully sorted copy, on 200 generated samples with and without duplicates', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + Math.floor(random() * 400);
      // Every third sample draws from only 5 values, so ties dominate.
      const data = Float64Array.from({ length: n }, () => (trial % 3 === 0 ? Math.floor(random() * 5) : random() * 100));
      const sorted = data.slice().sort();
      const reference = (p: number) => {
        const position = (p / 100) * (n - 1);
        const below = Math.floor(position);
        return sorted[below]! + (position - below) * (sorted[Math.min(n - 1, below + 1)]! - sorted[below]!);
      };
      const low = Math.floor(random() * 50);
      const high = 50 + Math.ceil(random() * 50);
      const [min, max] = resolveRange({ width: n, height: 1, data }, `p${low}-p${high}`);
      const expectedMin = reference(low);
      const expectedMax = reference(high) > expectedMin ? reference(high) : expectedMin + 1;
      expect(min).toBeCloseTo(expectedMin, 9);
      expect(max).toBeCloseTo(expectedMax, 9);
    }
  });

  it('ignores nodata when ranking percentiles', () => {
    const band = { width: 5, height: 1, data: Int16Array.of(-32768, 0, 10, -32768, 20), nodata: -32768 };
    expect(resolveRange(band, 'p0-p100')).toEqual([0, 20]);
  });

  it('gives [0, 1] when no pixel is valid and [v, v + 1] for a constant band', () => {
    expect(resolveRange({ width: 2, height: 1, data: [Number.NaN, Number.NaN] })).toEqual([0, 1]);
    expect(resolveRange({ width: 2, height: 1, data: [4, 4] })).toEqual([4, 5]);
  });

  it('widens a constant band where v + 1 rounds to v by one step of the float grid, downwards at the largest double', () => {
    // Between 2^56 and 2^57 doubles are 16 apart; at Number.MAX_VALUE the step is 2^971.
    expect(resolveRange({ width: 2, height: 1, data: [1e17, 1e17] })).toEqual([1e17, 1e17 + 16]);
    expect(resolveRange({ width: 2, height: 1, data: [-1e17, -1e17] })).toEqual([-1e17, -1e17 + 16]);
    expect(resolveRange({ width: 1, height: 1, data: [Number.MAX_VALUE] })).toEqual([Number.MAX_VALUE - 2 ** 971, Number.MAX_VALUE]);
    expect(resolveRange({ width: 1, height: 1, data: [-Number.MAX_VALUE] })).toEqual([-Number.MAX_VALUE, -Number.MAX_VALUE + 2 ** 971]);
    expect(resolveRange({ width: 2, height: 1, data: [1e17, 1e17] }, 'p2-p98')).toEqual([1e17, 1e17 + 16]);
  });

  it('draws a colour bar for a constant band of 1e17, its pixels in the lowest colour', async () => {
    const image = decodePng(await renderRaster({ width: 2, height: 1, data: new Float64Array([1e17, 1e17]) }, { colormap: 'viridis', colorbar: true }));
    expect(image.width).toBeGreaterThan(2);
    expect(pixel(image, 4, 4)).toEqual(opaque('#440154'));
  });

  it('returns an explicit range unchanged', () => {
    expect(resolveRange({ width: 1, height: 1, data: [100] }, [-5, 5])).toEqual([-5, 5]);
  });

  it('rejects min >= max, non-finite bounds and unknown strings, naming the value', () => {
    const band = { width: 1, height: 1, data: [1] };
    expect(() => resolveRange(band, [10, 5])).toThrow(InvalidInputError);
    expect(() => resolveRange(band, [10, 5])).toThrow('range [10, 5] has min >= max; give the lower value first: [5, 10]');
    expect(() => resolveRange(band, [3, 3])).toThrow('range [3, 3] has min >= max');
    expect(() => resolveRange(band, [0, Number.NaN])).toThrow('range [0, NaN] is not [min, max] with two finite numbers');
    expect(() => resolveRange(band, 'p98-p2' as 'p98-p2')).toThrow(`range "p98-p2" is not [min, max], 'minmax' or percentiles`);
  });
});
