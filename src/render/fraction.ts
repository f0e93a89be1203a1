/**
 * Where a value lies in a range, as a fraction: 0 at min, 1 at max. Float64 rasters may hold
 * values near ±1.8e308, where `max - min` overflows to Infinity and the plain formula gives 0 or
 * NaN for every pixel; halving every term first keeps such ranges finite.
 */

/**
 * `(value - min) / (max - min)`, without overflow for any finite min < max.
 * @example fractionOf(5, 0, 10) // 0.5
 * @example fractionOf(1.7e308, -1.7e308, 1.7e308) // 1
 */
export function fractionOf(value: number, min: number, max: number): number {
  const span = max - min;
  if (Number.isFinite(span)) return (value - min) / span;
  return (value / 2 - min / 2) / (max / 2 - min / 2);
}
