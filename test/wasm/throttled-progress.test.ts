import { describe, expect, it } from 'vitest';
import { throttledProgress } from '../../wasm/throttled-progress.js';

describe('throttledProgress', () => {
  it('passes on one report per thousandth of progress, and the end', () => {
    const seen: number[] = [];
    const report = throttledProgress((fraction) => seen.push(fraction));
    for (let i = 0; i <= 10_000; i++) report(i / 10_000);
    expect(seen.length).toBe(1001);
    expect(seen[0]).toBe(0);
    expect(seen[1]).toBe(0.001);
    expect(seen.at(-1)).toBe(1);
  });

  it('passes on a new message and a fraction that goes back at once', () => {
    const seen: Array<[number, string | undefined]> = [];
    const report = throttledProgress((fraction, message) => seen.push([fraction, message]));
    report(0.5, 'warping');
    report(0.5001, 'warping');
    report(0.5002, 'writing');
    report(0.1, 'writing');
    report(1, 'writing');
    report(1, 'writing');
    expect(seen).toEqual([
      [0.5, 'warping'],
      [0.5002, 'writing'],
      [0.1, 'writing'],
      [1, 'writing'],
      [1, 'writing'],
    ]);
  });
});
