/**
 * The geographic CRS a CRS is based on, as WKT2, for the points GDAL's warper tests in it.
 *
 * GDAL 3.8's warper (`GDALWarpOperation::Initialize`) transforms longitude 0, latitude ±89.9999
 * from the geographic CRS of the warp's source (`OGRSpatialReference::CloneGeogCS`: the source's
 * datum, prime meridian and angular unit) into the output, and samples source windows on a grid
 * when such a point falls in the output. Only the engine's WKT2 export and point transformation
 * are reachable from here (gdal3.js does not export `OSRCloneGeogCS`), so the geographic CRS is
 * read off the WKT2: the CRS itself when geographic, a projected CRS's `BASEGEOGCRS`, and a
 * `BOUNDCRS` (a PROJ string's `+towgs84`) keeps its transformation to WGS 84 around it.
 */

/** A WKT node: its keyword and its items (the text between its brackets, split at top-level commas). */
interface WktNode {
  keyword: string;
  items: string[];
}

/**
 * The geographic CRS `wkt` (WKT2) is based on, as WKT2 whose coordinates are in that CRS's
 * angular unit, or undefined for a CRS this function does not read (compound, engineering,
 * geocentric...): the caller then assumes the worst.
 */
export function baseGeographicWkt(wkt: string): string | undefined {
  const root = parseNode(wkt);
  if (!root) return undefined;
  if (root.keyword === 'GEOGCRS' || root.keyword === 'GEOGRAPHICCRS') return wkt.trim();
  if (root.keyword === 'PROJCRS' || root.keyword === 'PROJECTEDCRS') {
    const base = root.items.map(parseNode).find((item) => item?.keyword === 'BASEGEOGCRS');
    return base && geographicFromBase(base);
  }
  if (root.keyword === 'BOUNDCRS') {
    const [source, ...rest] = root.items;
    const inner = source === undefined ? undefined : parseNode(source);
    const geographic = inner?.keyword === 'SOURCECRS' && inner.items.length === 1 ? baseGeographicWkt(inner.items[0]!) : undefined;
    return geographic && `BOUNDCRS[SOURCECRS[${geographic}],${rest.join(',')}]`;
  }
  return undefined;
}

/** A `BASEGEOGCRS` as a `GEOGCRS` of its own: its name, datum and prime meridian, with a longitude-latitude CS in its angular unit. */
function geographicFromBase(base: WktNode): string | undefined {
  const parsed = base.items.map((item) => ({ item, node: parseNode(item) }));
  // Its unit: an ANGLEUNIT of its own, else its prime meridian's, else degrees.
  const primeMeridian = parsed.find(({ node }) => node?.keyword === 'PRIMEM' || node?.keyword === 'PRIMEMERIDIAN')?.node;
  const unit =
    parsed.find(({ node }) => node?.keyword === 'ANGLEUNIT')?.item ??
    primeMeridian?.items.find((item) => parseNode(item)?.keyword === 'ANGLEUNIT') ??
    'ANGLEUNIT["degree",0.0174532925199433]';
  const kept = parsed.filter(({ node }, index) => index === 0 || (node && !['ID', 'USAGE', 'REMARK', 'ANGLEUNIT'].includes(node.keyword)));
  if (kept.length < 2) return undefined;
  const axes = `CS[ellipsoidal,2],AXIS["longitude",east,ORDER[1],${unit}],AXIS["latitude",north,ORDER[2],${unit}]`;
  return `GEOGCRS[${kept.map(({ item }) => item).join(',')},${axes}]`;
}

/** `KEYWORD[items]` (or with parentheses), or undefined for anything else (a quoted name, a number). */
function parseNode(text: string): WktNode | undefined {
  const trimmed = text.trim();
  const match = /^([A-Za-z][A-Za-z0-9_]*)\s*[[(]/.exec(trimmed);
  if (!match || !/[\])]$/.test(trimmed)) return undefined;
  return { keyword: match[1]!.toUpperCase(), items: topLevelItems(trimmed.slice(match[0].length, -1)) };
}

/** The comma-separated items of a node's content, commas inside quotes or brackets left alone. */
function topLevelItems(content: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < content.length; index += 1) {
    const char = content[index];
    if (quoted) {
      // A doubled quote is a quote inside the string.
      if (char === '"') {
        if (content[index + 1] === '"') index += 1;
        else quoted = false;
      }
    } else if (char === '"') quoted = true;
    else if (char === '[' || char === '(') depth += 1;
    else if (char === ']' || char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      items.push(content.slice(start, index).trim());
      start = index + 1;
    }
  }
  items.push(content.slice(start).trim());
  return items;
}
