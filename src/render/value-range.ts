/**
 * The value range a colormap spans: given, the min/max of the valid pixels, or a percentile clip
 * such as `'p2-p98'` that keeps a few outliers from washing out the picture.
 */
import { InvalidInputError, describeValue } from '../errors.js';
import { validityTest, type Band } from './band.js';

/**
 * The `range` option: `[min, max]`, `'minmax'` (the default) or `'pLOW-pHIGH'` percentiles of
 * the valid values (e.g. `'p2-p98'`, `'p0.5-p99.5'`).
 */
export type RangeOption = readonly [number, number] | 'minmax' | `p${number}-p${number}`;

/**
 * Resolves the range option for a band into `[min, max]` with min < max.
 * A band with no valid pixel gets [0, 1]; a constant band gets [value, value + 1], so its pixels
 * take the colormap's lowest colour as matplotlib draws them. Where value + 1 rounds back to value
 * (beyond 2^53) the range ends at the next representable number instead (below it at the largest
 * finite number), so it never collapses to a point.
 * @example resolveRange({ width: 3, height: 1, data: [5, 1, 9] }) // [1, 9]
 * @example resolveRange(band, 'p2-p98')
 */
export function resolveRange(band: Band, option: RangeOption = 'minmax'): [number, number] {
  if (Array.isArray(option)) return checkExplicitRange(option);
  if (option === 'minmax') return widen(minMax(band));
  if (typeof option === 'string') {
    const match = /^p(\d+(?:\.\d+)?)-p(\d+(?:\.\d+)?)$/.exec(option);
    const low = match ? Number(match[1]) : NaN;
    const high = match ? Number(match[2]) : NaN;
    if (match && low < high && high <= 100) return widen(percentiles(band, low, high));
  }
  throw new InvalidInputError(
    `range ${describeValue(option)} is not [min, max], 'minmax' or percentiles like 'p2-p98' (low < high <= 100)`,
  );
}

function checkExplicitRange(range: readonly unknown[]): [number, number] {
  const [min, max] = range;
  if (range.length !== 2 || typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max)) {
    throw new InvalidInputError(`range ${describeValue(range)} is not [min, max] with two finite numbers`);
  }
  if (min > max) throw new InvalidInputError(`range [${min}, ${max}] has min >= max; give the lower value first: [${max}, ${min}]`);
  if (min === max) throw new InvalidInputError(`range [${min}, ${max}] has min >= max (an empty range); make max larger than min`);
  return [min, max];
}

function minMax(band: Band): [number, number] | undefined {
  const valid = validityTest(band);
  let min = Infinity;
  let max = -Infinity;
  const data = band.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!valid(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? [min, max] : undefined;
}

/**
 * Percentiles with linear interpolation between ranks (numpy's default method). Uses selection
 * rather than a full sort: linear time, which matters on rasters of millions of pixels.
 */
function percentiles(band: Band, low: number, high: number): [number, number] | undefined {
  const valid = validityTest(band);
  const buffer = new Float64Array(band.data.length);
  let count = 0;
  for (let i = 0; i < band.data.length; i++) {
    const v = band.data[i]!;
    if (valid(v)) buffer[count++] = v;
  }
  if (count === 0) return undefined;
  const values = buffer.subarray(0, count);
  return [percentile(values, low), percentile(values, high)];
}

function percentile(values: Float64Array, percent: number): number {
  const position = (percent / 100) * (values.length - 1);
  const below = Math.floor(position);
  const lower = select(values, below);
  if (below + 1 >= values.length || position === below) return lower;
  // After selection everything past `below` is >= lower; the smallest of them is the next rank.
  let next = Infinity;
  for (let i = below + 1; i < values.length; i++) if (values[i]! < next) next = values[i]!;
  return lower + (position - below) * (next - lower);
}

/**
 * The k-th smallest value (0-based), rearranging `values` so that everything before index k is
 * <= it and everything after is >= it (Hoare's quickselect, median-of-three pivot).
 */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const a = values[left]!;
    const b = values[(left + right) >>> 1]!;
    const c = values[right]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break; // j < k < i: values[k] equals the pivot
  }
  return values[k]!;
}

function widen(range: [number, number] | undefined): [number, number] {
  if (!range) return [0, 1];
  const [value, max] = range;
  if (value < max) return range;
  if (value + 1 > value) return [value, value + 1];
  const above = nextAfter(value, 1);
  return Number.isFinite(above) ? [value, above] : [nextAfter(value, -1), value];
}

/** The neighbouring double of a finite `value` upwards (direction 1) or downwards (-1). */
function nextAfter(value: number, direction: 1 | -1): number {
  if (value === 0) return direction * Number.MIN_VALUE;
  const bits = new BigInt64Array(Float64Array.of(value).buffer);
  // For doubles of one sign the bit patterns are ordered like the values: step the pattern by one.
  bits[0] = bits[0]! + ((value > 0) === (direction > 0) ? 1n : -1n);
  return new Float64Array(bits.buffer)[0]!;
}
