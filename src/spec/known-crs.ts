import { CRS_REGISTRY_VERSION, ENCODED_CRS_CODES } from './crs-codes.js';

export { CRS_REGISTRY_VERSION };

const decoded = new Map<string, ReadonlySet<number>>();

/**
 * Whether the CRS database of the bundled GDAL knows `authority:code`; `undefined` for an authority
 * not tabled here (IGNF, IAU_2015, ...), which only GDAL can judge. Lets `new SpatialSpec` refuse
 * `EPSG:99999` at once instead of when GDAL first meets it, deep inside a computation.
 * @example isKnownCrsCode('EPSG', '3035') // true
 */
export function isKnownCrsCode(authority: string, code: string): boolean | undefined {
  const codes = codesOf(authority.toUpperCase());
  if (!codes) return undefined;
  return /^\d+$/.test(code) && codes.has(Number(code));
}

function codesOf(authority: string): ReadonlySet<number> | undefined {
  const cached = decoded.get(authority);
  if (cached) return cached;
  if (!Object.hasOwn(ENCODED_CRS_CODES, authority)) return undefined;
  const codes = new Set<number>();
  for (const [first, last] of crsCodeRuns(authority)) for (let code = first; code <= last; code++) codes.add(code);
  decoded.set(authority, codes);
  return codes;
}

/** The runs of consecutive codes of a tabled authority, as `[first, last]`, in order. */
export function crsCodeRuns(authority: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let previous = 0;
  for (const run of ENCODED_CRS_CODES[authority]!.split(',')) {
    const [gap, extra = '0'] = run.split('.');
    const first = previous + parseInt(gap!, 36);
    previous = first + parseInt(extra, 36);
    runs.push([first, previous]);
  }
  return runs;
}
