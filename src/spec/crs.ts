import { CrsError } from '../errors.js';
import { CRS_REGISTRY_VERSION, isKnownCrsCode } from './known-crs.js';

/**
 * CRS strings. geodata keeps a CRS as the string the user (or the file) gave, normalised to an
 * authority code where the WKT carries one, so that `EPSG:32632` from a file and `EPSG:32632` typed
 * by hand hash the same. EPSG and ESRI codes are checked against the CRS database of the bundled
 * GDAL (a table generated from it); WKT and PROJ strings are only checked for form here, since
 * judging them needs GDAL, which reports its own error when something is computed.
 */

const AUTHORITY_CODE = /^[A-Za-z][A-Za-z0-9_]*:[A-Za-z0-9_.]+(\+[A-Za-z0-9_.]+)?$/;
const URN = /^urn:ogc:def:crs:/i;
const URN_CODE = /^urn:ogc:def:crs:([A-Za-z]+):[^:]*:(\w+)$/i;
const WKT_START = /^[A-Z][A-Z0-9_]*\s*\[/;
const NAMED = /^(WGS84|WGS72|NAD27|NAD83|CRS84)$/i;

/**
 * Checks that a value can be a CRS (an authority code, WKT, PROJ string, PROJJSON or a name GDAL
 * knows) and returns it trimmed. Authority codes are upper-cased (`epsg:4326` → `EPSG:4326`).
 * @example validateCrs('epsg:3035') // 'EPSG:3035'
 */
export function validateCrs(value: unknown, what = 'crs'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CrsError(
      `${what} must be a non-empty string such as "EPSG:3035", a WKT or a PROJ string, got ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  const crs = value.trim();
  if (AUTHORITY_CODE.test(crs)) {
    const [authority, written] = crs.split(':') as [string, string];
    // EPSG and ESRI codes are integers, as GDAL reads them: EPSG:032631 is EPSG:32631, and must hash alike.
    const integerCodes = /^(EPSG|ESRI)$/i.test(authority);
    const code = integerCodes ? written.replace(/(^|\+)0+(?=\d)/g, '$1') : written;
    const normalized = `${authority.toUpperCase()}:${code}`;
    // A compound code (`EPSG:32632+5773`) names a horizontal and a vertical CRS of one authority.
    for (const part of code.split('+')) checkKnown(authority, part, normalized, what);
    return normalized;
  }
  const urn = URN_CODE.exec(crs);
  if (urn) checkKnown(urn[1]!, urn[2]!, crs, what);
  if (URN.test(crs) || NAMED.test(crs) || crs.includes('+proj=') || crs.startsWith('{')) return crs;
  if (WKT_START.test(crs)) {
    if (!bracketsBalance(crs)) throw new CrsError(`${what} looks like WKT but its brackets do not balance: ${abbreviate(crs)}`);
    return crs;
  }
  throw new CrsError(
    `${what} ${abbreviate(crs)} is not a CRS: use an authority code ("EPSG:4326"), WKT, a PROJ string ("+proj=utm +zone=32 +datum=WGS84") or PROJJSON`,
  );
}

function checkKnown(authority: string, code: string, crs: string, what: string): void {
  if (isKnownCrsCode(authority, code) !== false) return;
  throw new CrsError(
    `${what} ${abbreviate(crs)} is unknown: ${authority.toUpperCase()}:${code} is not a CRS in GDAL's database (${CRS_REGISTRY_VERSION}); ` +
      'check the code (https://epsg.io lists them) or give the CRS as WKT or a PROJ string',
  );
}

/** The authority code of a WKT's outermost CRS (`ID["EPSG",4326]` or WKT1 `AUTHORITY["EPSG","4326"]`). */
export function authorityFromWkt(wkt: string): string | undefined {
  const text = wkt.trim();
  if (!text.endsWith(']')) return undefined;
  // The outermost ID is the last child of the root node: it closes just before the root's final bracket.
  const wkt2 = /,\s*ID\["([^"]+)",\s*"?([^"\]]+)"?\]\s*\]$/.exec(text);
  const wkt1 = /,\s*AUTHORITY\["([^"]+)",\s*"([^"]+)"\]\s*\]$/.exec(text);
  const match = wkt2 ?? wkt1;
  if (!match) return undefined;
  // A nested node ending the root (for example a BASEGEOGCRS's ID) would be followed by more brackets.
  return `${match[1]!.toUpperCase()}:${match[2]}`;
}

/** Prefers the authority code of a WKT when it has one, so equal CRSs get equal strings. */
export function normalizeCrs(crs: string): string {
  const valid = validateCrs(crs);
  if (WKT_START.test(valid)) return authorityFromWkt(valid) ?? valid;
  return valid;
}

/** Whether a CRS is geographic (degrees), when that can be told without PROJ; else undefined. */
export function isGeographicHint(crs: string): boolean | undefined {
  if (/^(EPSG:4326|EPSG:4258|EPSG:4269|EPSG:4267|OGC:CRS84|WGS84|CRS84|NAD83|NAD27)$/i.test(crs)) return true;
  if (/^EPSG:(3857|3035|327\d\d|326\d\d|258\d\d|2154|3395|27700|28992|31370)$/i.test(crs)) return false;
  if (/^\s*(GEOGCRS|GEOGCS|GEODCRS|GEOGRAPHICCRS)\s*\[/i.test(crs)) return true;
  if (/^\s*(PROJCRS|PROJCS|PROJECTEDCRS)\s*\[/i.test(crs)) return false;
  if (/\+proj=(longlat|latlong|lonlat|latlon)\b/.test(crs)) return true;
  if (crs.includes('+proj=')) return false;
  return undefined;
}

/** A definition proj4js understands for this CRS, when one is known without GDAL. */
export function proj4Definition(crs: string): string | undefined {
  const upper = crs.toUpperCase();
  if (upper === 'EPSG:4326' || upper === 'WGS84' || upper === 'OGC:CRS84' || upper === 'CRS84') return 'EPSG:4326';
  if (upper === 'EPSG:3857') return 'EPSG:3857';
  const utm = /^EPSG:32([67])(\d\d)$/.exec(upper);
  if (utm && Number(utm[2]) >= 1 && Number(utm[2]) <= 60) {
    return `+proj=utm +zone=${Number(utm[2])}${utm[1] === '7' ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  }
  if (upper === 'EPSG:3035') {
    return '+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';
  }
  if (crs.includes('+proj=')) return crs;
  return undefined;
}

function bracketsBalance(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (const ch of text) {
    if (ch === '"') inString = !inString;
    else if (!inString && (ch === '[' || ch === '(')) depth++;
    else if (!inString && (ch === ']' || ch === ')')) {
      depth--;
      if (depth < 0) return false;
    }
  }
  return depth === 0 && !inString;
}

function abbreviate(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}
