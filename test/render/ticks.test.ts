import { describe, expect, it } from 'vitest';
import { formatTicks, niceTicks } from '../../src/render/index.js';

describe('colour bar ticks', () => {
  it('picks the smallest 1-2-5 step that keeps the count within the limit', () => {
    expect(niceTicks(0, 87, 6)).toEqual([0, 20, 40, 60, 80]);
    expect(niceTicks(0, 100, 11)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(niceTicks(-1.3, 2.9, 5)).toEqual([-1, 0, 1, 2]);
    expect(niceTicks(147, 548, 8)).toEqual([150, 200, 250, 300, 350, 400, 450, 500]);
  });

  it('gives exact decimals for small steps', () => {
    expect(niceTicks(0, 1, 11)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceTicks(0.101, 0.109, 3)).toEqual([0.105]);
  });

  it('formats labels with the decimals the step needs and a real minus sign', () => {
    expect(formatTicks([-0.5, 0, 0.5])).toEqual(['\u22120.5', '0.0', '0.5']);
    expect(formatTicks([-20, -10, 0, 10])).toEqual(['\u221220', '\u221210', '0', '10']);
    expect(formatTicks([0.3, 0.4])).toEqual(['0.3', '0.4']);
    expect(formatTicks([1000000, 2000000])).toEqual(['1e6', '2e6']);
  });

  it('gives round ticks for a range whose width overflows a double', () => {
    expect(niceTicks(-1.7e308, 1.7e308, 5)).toEqual([-1e308, 0, 1e308]);
    expect(formatTicks(niceTicks(-1.7e308, 1.7e308, 5))).toEqual(['\u22121e308', '0', '1e308']);
  });

  it('rejects an empty or reversed range', () => {
    expect(() => niceTicks(5, 5, 4)).toThrow('tick range [5, 5] needs finite values with min < max');
    expect(() => niceTicks(0, Number.NaN, 4)).toThrow('needs finite values');
  });
});
