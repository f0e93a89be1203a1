/**
 * Tick values and labels for a colour bar: round numbers (1, 2 or 5 times a power of ten) inside
 * the value range, printed with as many decimals as the step needs and a real minus sign.
 */
import { InvalidInputError, describeValue } from '../errors.js';

const MULTIPLIERS = [1, 2, 5];

/**
 * At most `maxCount` round tick values inside [min, max], the step being the smallest of
 * 1, 2 or 5 × 10^k that fits. Values are exact decimals (no 0.30000000000000004).
 * @example niceTicks(0, 87, 6) // [0, 20, 40, 60, 80]
 * @example niceTicks(-1.3, 2.9, 5) // [-1, 0, 1, 2]
 */
export function niceTicks(min: number, max: number, maxCount: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min >= max) {
    throw new InvalidInputError(`tick range [${describeValue(min)}, ${describeValue(max)}] needs finite values with min < max`);
  }
  if (!Number.isInteger(maxCount) || maxCount < 1) {
    throw new InvalidInputError(`tick count ${describeValue(maxCount)} is not a positive integer`);
  }
  // max - min overflows to Infinity for ranges near ±1.8e308: there, divide before subtracting.
  const span = Number.isFinite(max - min) ? (max - min) / maxCount : max / maxCount - min / maxCount;
  let exponent = Math.floor(Math.log10(span)) - 1;
  for (;;) {
    for (const multiplier of MULTIPLIERS) {
      const step = multiplier * 10 ** exponent;
      const first = Math.ceil(min / step - 1e-9);
      const last = Math.floor(max / step + 1e-9);
      if (last - first + 1 <= maxCount) return range(first, last).map((k) => roundTo(k * step, exponent));
    }
    exponent++;
  }
}

/**
 * Labels for tick values, all with the same number of decimals (enough for the step between
 * them), and `−` (U+2212) for negatives. Very large or very small values use exponent form.
 * @example formatTicks([-0.5, 0, 0.5]) // ['−0.5', '0.0', '0.5']
 */
export function formatTicks(values: readonly number[]): string[] {
  if (values.length === 0) return [];
  const step = values.length > 1 ? Math.abs(values[1]! - values[0]!) : Math.abs(values[0]!) || 1;
  const largest = Math.max(...values.map(Math.abs));
  const useExponent = largest >= 1e6 || (step < 1e-4 && largest > 0);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-6));
  return values.map((v) => {
    const text = useExponent ? exponentForm(v) : v.toFixed(decimals);
    // toFixed can give "-0.0" for a tiny negative; a tick at zero reads as zero.
    return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text.replace(/-/g, '\u2212');
  });
}

function exponentForm(value: number): string {
  if (value === 0) return '0';
  return Number(value.toPrecision(6)).toExponential().replace('e+', 'e').replace(/-/g, '\u2212');
}

function range(first: number, last: number): number[] {
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}

/** Rounds to the decimals a step of 10^exponent has, so 3 * 0.1 prints as 0.3. */
function roundTo(value: number, exponent: number): number {
  const decimals = Math.max(0, -exponent);
  return decimals > 0 ? Number(value.toFixed(Math.min(decimals, 100))) : value;
}
