import { CrsError } from '../src/errors.js';

/**
 * A small WKT reader (WKT1 and WKT2), enough to answer questions GDAL's exported C API cannot:
 * OSRIsGeographic and OSRGetLinearUnits are not exported by gdal3.js, so those facts are read from
 * the WKT GDAL writes.
 */
export interface WktNode {
  keyword: string;
  /** Quoted strings and bare words (`north`, `Cartesian`) as strings, numbers as numbers. */
  children: Array<WktNode | string | number>;
}

const TOKEN = /\s*(?:("(?:[^"]|"")*")|([A-Za-z_][A-Za-z0-9_]*)|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|([[(])|([\])])|(,))/y;

/**
 * Parses WKT into a tree.
 * @example parseWkt('GEOGCRS["WGS 84",ID["EPSG",4326]]').children[1] // { keyword: 'ID', children: ['EPSG', 4326] }
 */
export function parseWkt(text: string): WktNode {
  TOKEN.lastIndex = 0;
  const stack: WktNode[] = [];
  let root: WktNode | undefined;
  let pendingWord: string | undefined;
  const fail = (why: string): never => {
    throw new CrsError(`cannot read WKT (${why} at character ${TOKEN.lastIndex}): ${text.slice(0, 60)}...`);
  };
  const flushWord = () => {
    if (pendingWord === undefined) return;
    stack.at(-1)?.children.push(pendingWord);
    pendingWord = undefined;
  };
  while (TOKEN.lastIndex < text.trimEnd().length) {
    const match = TOKEN.exec(text);
    if (!match) fail('unexpected character');
    const [, quoted, word, number, open, close] = match!;
    if (quoted !== undefined) stack.at(-1)?.children.push(quoted.slice(1, -1).replaceAll('""', '"'));
    else if (word !== undefined) {
      flushWord();
      pendingWord = word;
    } else if (number !== undefined) stack.at(-1)?.children.push(Number(number));
    else if (open !== undefined) {
      if (pendingWord === undefined) fail('bracket without keyword');
      const node: WktNode = { keyword: pendingWord!.toUpperCase(), children: [] };
      pendingWord = undefined;
      if (stack.length === 0) root = node;
      else stack.at(-1)!.children.push(node);
      stack.push(node);
    } else if (close !== undefined) {
      flushWord();
      if (!stack.pop()) fail('unbalanced bracket');
    } else flushWord();
  }
  if (!root || stack.length > 0) fail('unbalanced brackets');
  return root!;
}

function child(node: WktNode, ...keywords: string[]): WktNode | undefined {
  return node.children.find((item): item is WktNode => typeof item === 'object' && keywords.includes(item.keyword));
}

const GEOGRAPHIC = ['GEOGCRS', 'GEOGRAPHICCRS', 'GEOGCS'];
const GEODETIC = ['GEODCRS', 'GEODETICCRS'];
const PROJECTED = ['PROJCRS', 'PROJECTEDCRS', 'PROJCS'];

/** The horizontal CRS a WKT is about: inside a BOUNDCRS, the source; inside a COMPOUNDCRS, the first part. */
function horizontal(node: WktNode): WktNode {
  if (node.keyword === 'BOUNDCRS') {
    const source = child(node, 'SOURCECRS');
    const inner = source?.children.find((item): item is WktNode => typeof item === 'object');
    return inner ? horizontal(inner) : node;
  }
  if (node.keyword === 'COMPOUNDCRS' || node.keyword === 'COMPD_CS') {
    const first = node.children.find((item): item is WktNode => typeof item === 'object' && item.keyword !== 'ID' && item.keyword !== 'AUTHORITY');
    return first ? horizontal(first) : node;
  }
  return node;
}

function unitFactor(unit: WktNode | undefined): number | undefined {
  const factor = unit?.children[1];
  return typeof factor === 'number' ? factor : undefined;
}

/** Facts about a CRS read from its WKT. */
export interface WktCrsFacts {
  authority?: string;
  isGeographic: boolean;
  linearUnitMetres?: number;
}

/**
 * The authority code (from the root's own `ID`/`AUTHORITY`, not a nested one), whether the CRS is
 * geographic (root `GEOGCRS`/`GEOGCS`, or `GEODCRS` with an ellipsoidal CS), and for other CRSs
 * the metres per linear unit.
 * @example crsFactsFromWkt(wkt3035) // { authority: 'EPSG:3035', isGeographic: false, linearUnitMetres: 1 }
 */
export function crsFactsFromWkt(wkt: string): WktCrsFacts {
  const root = parseWkt(wkt);
  const facts: WktCrsFacts = { isGeographic: false };
  const id = child(root, 'ID', 'AUTHORITY');
  if (id && typeof id.children[0] === 'string' && id.children[1] !== undefined) {
    facts.authority = `${id.children[0].toUpperCase()}:${id.children[1]}`;
  }
  const crs = horizontal(root);
  const cs = child(crs, 'CS');
  facts.isGeographic = GEOGRAPHIC.includes(crs.keyword) || (GEODETIC.includes(crs.keyword) && cs?.children[0] === 'ellipsoidal');
  if (!facts.isGeographic) {
    // WKT2 puts the unit after the axes, or inside each axis; WKT1 has a top-level UNIT.
    const axis = child(crs, 'AXIS');
    const unit = child(crs, 'LENGTHUNIT') ?? (axis && child(axis, 'LENGTHUNIT')) ?? (PROJECTED.includes(crs.keyword) ? child(crs, 'UNIT') : undefined);
    const factor = unitFactor(unit);
    if (factor !== undefined) facts.linearUnitMetres = factor;
  }
  return facts;
}
