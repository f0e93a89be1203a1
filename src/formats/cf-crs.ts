import { numberAttribute, textAttribute, type ArrayFile, type ArrayVariable, type Attributes } from './array-file.js';

/** A variable's CRS and the grid-mapping attributes it came from. */
export interface CfCrs {
  /** WKT, a PROJ string or an authority code; undefined when the file gives none (as GDAL). */
  crs: string | undefined;
  gridMapping: Attributes | undefined;
}

/**
 * The CRS of a variable, in the order GDAL 3.6's netCDF driver looks: the grid-mapping variable's
 * `spatial_ref` (GDAL's own) or `crs_wkt` WKT, else its CF parameters (`grid_mapping_name` and
 * friends, turned into a PROJ string here); without a `grid_mapping`, a `crs` attribute of the
 * variable itself (written by older rioxarray). Coordinates in degrees without a grid mapping get
 * no CRS, exactly as in GDAL 3.6: give the Reprojector a `srcCrs` then.
 *
 * @example cfCrs(file, variable).crs // 'GEOGCS["WGS 84",...]' for gridMET's `crs` variable
 */
export function cfCrs(file: ArrayFile, variable: ArrayVariable): CfCrs {
  const reference = textAttribute(variable.attributes, 'grid_mapping')?.trim();
  if (!reference) {
    const own = textAttribute(variable.attributes, 'crs')?.trim();
    return { crs: own || undefined, gridMapping: undefined };
  }
  // CF 1.7 allows "name: coordinates [name: coordinates]"; GDAL reads the first name.
  const name = reference.split(/[\s:]+/)[0]!;
  const prefix = variable.name.includes('/') ? variable.name.slice(0, variable.name.lastIndexOf('/') + 1) : '';
  const holder = file.variables.find((candidate) => candidate.name === `${prefix}${name}` || candidate.name === name || candidate.name === `/${name}`);
  if (!holder) return { crs: undefined, gridMapping: undefined };
  const attributes = holder.attributes;
  const wkt = textAttribute(attributes, 'spatial_ref')?.trim() || textAttribute(attributes, 'crs_wkt')?.trim();
  return { crs: wkt || cfWkt(attributes), gridMapping: attributes };
}

type Params = Record<string, number | string | undefined>;

/** GDAL's WKT1 projection name and parameters for the CF mappings GDAL builds with its own setters. */
const WKT1: Record<string, (n: (key: string, fallback: number) => number, sp: number[]) => [string, Array<[string, number]>]> = {
  transverse_mercator: (n) => ['Transverse_Mercator', [['latitude_of_origin', n('latitude_of_projection_origin', 0)], ['central_meridian', n('longitude_of_central_meridian', 0)], ['scale_factor', n('scale_factor_at_central_meridian', 1)]]],
  albers_conical_equal_area: (n, sp) => ['Albers_Conic_Equal_Area', [['standard_parallel_1', sp[0] ?? 0], ['standard_parallel_2', sp[1] ?? sp[0] ?? 0], ['latitude_of_center', n('latitude_of_projection_origin', 0)], ['longitude_of_center', n('longitude_of_central_meridian', 0)]]],
  lambert_azimuthal_equal_area: (n) => ['Lambert_Azimuthal_Equal_Area', [['latitude_of_center', n('latitude_of_projection_origin', 0)], ['longitude_of_center', n('longitude_of_projection_origin', 0)]]],
  azimuthal_equidistant: (n) => ['Azimuthal_Equidistant', [['latitude_of_center', n('latitude_of_projection_origin', 0)], ['longitude_of_center', n('longitude_of_projection_origin', 0)]]],
  lambert_cylindrical_equal_area: (n, sp) => ['Cylindrical_Equal_Area', [['standard_parallel_1', sp[0] ?? 0], ['central_meridian', n('longitude_of_central_meridian', 0)]]],
  orthographic: (n) => ['Orthographic', [['latitude_of_origin', n('latitude_of_projection_origin', 0)], ['central_meridian', n('longitude_of_projection_origin', 0)]]],
  sinusoidal: (n) => ['Sinusoidal', [['longitude_of_center', n('longitude_of_central_meridian', n('longitude_of_projection_origin', 0))]]],
  geostationary: (n) => ['Geostationary_Satellite', [['central_meridian', n('longitude_of_projection_origin', 0)], ['satellite_height', n('perspective_point_height', 0)]]],
  polar_stereographic: (n, sp) => [
    'Polar_Stereographic',
    [
      // GDAL's Polar_Stereographic takes the standard parallel (variant B) as its latitude of origin.
      ['latitude_of_origin', sp[0] ?? n('latitude_of_projection_origin', 90)],
      ['central_meridian', n('straight_vertical_longitude_from_pole', n('longitude_of_projection_origin', 0))],
      ['scale_factor', sp.length ? 1 : n('scale_factor_at_projection_origin', 1)],
    ],
  ],
  stereographic: (n) => ['Stereographic', [['latitude_of_origin', n('latitude_of_projection_origin', 0)], ['central_meridian', n('longitude_of_projection_origin', 0)], ['scale_factor', n('scale_factor_at_projection_origin', 1)]]],
};

/**
 * The CRS of CF grid-mapping parameters as GDAL 3.6's netCDF driver builds it, names included (a
 * geographic CRS "unknown" on datum "unnamed" and ellipsoid "Spheroid" when the ellipsoid is
 * given, WGS 84 when not), so that GDAL finds it the same CRS as native GDAL's: WKT1 for the
 * mappings GDAL builds with its setters (a geostationary one sweeping along X keeps its PROJ
 * string as an extension, as in GDAL), a PROJ string for the others.
 * @example cfWkt({ grid_mapping_name: 'latitude_longitude' }) // 'EPSG:4326'
 */
export function cfWkt(attributes: Attributes): string | undefined {
  const proj = cfProjString(attributes);
  if (!proj || proj === 'EPSG:4326') return proj;
  const mapping = textAttribute(attributes, 'grid_mapping_name') ?? '';
  const n = (key: string, fallback: number) => numberAttribute(attributes, key) ?? fallback;
  const parallels = attributes['standard_parallel'];
  const sp = Array.isArray(parallels) ? parallels : [];
  const geogcs = geographicWkt(attributes);
  if (mapping === 'latitude_longitude') return geogcs;
  const build = WKT1[mapping];
  if (!build) return proj;
  const [projection, params] = build(n, sp);
  const all: Array<[string, number]> = [...params, ['false_easting', n('false_easting', 0)], ['false_northing', n('false_northing', 0)]];
  const sweepX = mapping === 'geostationary' && proj.includes('+sweep=x');
  return (
    `PROJCS["unnamed",${geogcs},PROJECTION["${projection}"],${all.map(([key, value]) => `PARAMETER["${key}",${value}]`).join(',')},` +
    `UNIT["metre",1,AUTHORITY["EPSG","9001"]]${sweepX ? `,EXTENSION["PROJ4","${proj}"]` : ''}]`
  );
}

function geographicWkt(attributes: Attributes): string {
  const ellipsoid = ellipsoidParams(attributes);
  const primeMeridian = numberAttribute(attributes, 'longitude_of_prime_meridian') ?? 0;
  if (ellipsoid.datum === 'WGS84' && primeMeridian === 0) {
    return 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]';
  }
  const a = Number(ellipsoid.R ?? ellipsoid.a ?? 6378137);
  const rf = ellipsoid.R !== undefined ? 0 : ellipsoid.rf !== undefined ? Number(ellipsoid.rf) : ellipsoid.b !== undefined ? a / (a - Number(ellipsoid.b)) : ellipsoid.ellps === 'WGS84' ? 298.257223563 : 0;
  return `GEOGCS["unknown",DATUM["unnamed",SPHEROID["${rf === 0 ? 'Sphere' : 'Spheroid'}",${a},${rf}]],PRIMEM["Greenwich",${primeMeridian}],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]]]`;
}

/**
 * A PROJ string for CF grid-mapping parameters (CF conventions, appendix F), or undefined for a
 * mapping geodata does not know.
 * @example cfProjString({ grid_mapping_name: 'sinusoidal', longitude_of_central_meridian: [0] }) // '+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs'
 */
export function cfProjString(attributes: Attributes): string | undefined {
  const n = (key: string, fallback?: number) => numberAttribute(attributes, key) ?? fallback;
  const parallels = attributes['standard_parallel'];
  const sp = Array.isArray(parallels) ? parallels : [];
  const falseOrigin: Params = { x_0: n('false_easting', 0), y_0: n('false_northing', 0) };
  const mapping = textAttribute(attributes, 'grid_mapping_name');
  let params: Params | undefined;
  switch (mapping) {
    case 'latitude_longitude':
      params = { proj: 'longlat' };
      break;
    case 'transverse_mercator':
      params = { proj: 'tmerc', lat_0: n('latitude_of_projection_origin', 0), lon_0: n('longitude_of_central_meridian', 0), k: n('scale_factor_at_central_meridian', 1), ...falseOrigin };
      break;
    case 'albers_conical_equal_area':
      params = { proj: 'aea', lat_0: n('latitude_of_projection_origin', 0), lon_0: n('longitude_of_central_meridian', 0), lat_1: sp[0] ?? 0, lat_2: sp[1] ?? sp[0] ?? 0, ...falseOrigin };
      break;
    case 'lambert_conformal_conic':
      params = { proj: 'lcc', lat_0: n('latitude_of_projection_origin', 0), lon_0: n('longitude_of_central_meridian', 0), lat_1: sp[0] ?? n('latitude_of_projection_origin', 0), lat_2: sp[1] ?? sp[0] ?? n('latitude_of_projection_origin', 0), ...falseOrigin };
      break;
    case 'lambert_azimuthal_equal_area':
      params = { proj: 'laea', lat_0: n('latitude_of_projection_origin', 0), lon_0: n('longitude_of_projection_origin', 0), ...falseOrigin };
      break;
    case 'azimuthal_equidistant':
      params = { proj: 'aeqd', lat_0: n('latitude_of_projection_origin', 0), lon_0: n('longitude_of_projection_origin', 0), ...falseOrigin };
      break;
    case 'lambert_cylindrical_equal_area':
      params = { proj: 'cea', lat_ts: sp[0] ?? 0, lon_0: n('longitude_of_central_meridian', 0), ...falseOrigin };
      break;
    case 'mercator':
      params =
        sp.length > 0
          ? { proj: 'merc', lat_ts: sp[0], lon_0: n('longitude_of_projection_origin', 0), ...falseOrigin }
          : { proj: 'merc', lon_0: n('longitude_of_projection_origin', 0), k: n('scale_factor_at_projection_origin', 1), ...falseOrigin };
      break;
    case 'orthographic':
      params = { proj: 'ortho', lat_0: n('latitude_of_projection_origin', 0), lon_0: n('longitude_of_projection_origin', 0), ...falseOrigin };
      break;
    case 'polar_stereographic':
      params = {
        proj: 'stere',
        lat_0: n('latitude_of_projection_origin', 90),
        lon_0: n('straight_vertical_longitude_from_pole', n('longitude_of_projection_origin', 0)),
        ...(sp.length > 0 ? { lat_ts: sp[0] } : { k: n('scale_factor_at_projection_origin', 1) }),
        ...falseOrigin,
      };
      break;
    case 'stereographic':
      params = { proj: 'stere', lat_0: n('latitude_of_projection_origin', 0), lon_0: n('longitude_of_projection_origin', 0), k: n('scale_factor_at_projection_origin', 1), ...falseOrigin };
      break;
    case 'sinusoidal':
      params = { proj: 'sinu', lon_0: n('longitude_of_central_meridian', n('longitude_of_projection_origin', 0)), ...falseOrigin };
      break;
    case 'geostationary':
      params = {
        proj: 'geos',
        lon_0: n('longitude_of_projection_origin', 0),
        h: n('perspective_point_height', 0),
        ...falseOrigin,
        sweep: textAttribute(attributes, 'sweep_angle_axis') ?? (textAttribute(attributes, 'fixed_angle_axis') === 'x' ? 'y' : 'x'),
      };
      break;
    case 'vertical_perspective':
      params = { proj: 'nsper', lat_0: n('latitude_of_projection_origin', 0), lon_0: n('longitude_of_projection_origin', 0), h: n('perspective_point_height', 0), ...falseOrigin };
      break;
    case 'oblique_mercator':
      params = {
        proj: 'omerc',
        lat_0: n('latitude_of_projection_origin', 0),
        lonc: n('longitude_of_projection_origin', 0),
        alpha: n('azimuth_of_central_line', 0),
        k: n('scale_factor_at_projection_origin', 1),
        ...falseOrigin,
      };
      break;
    case 'rotated_latitude_longitude':
      params = {
        proj: 'ob_tran',
        o_proj: 'longlat',
        o_lon_p: n('north_pole_grid_longitude', 0),
        o_lat_p: n('grid_north_pole_latitude', 90),
        lon_0: 180 + (n('grid_north_pole_longitude', 0) ?? 0),
      };
      break;
    default:
      return undefined;
  }
  const ellipsoid = ellipsoidParams(attributes);
  if (params.proj === 'longlat' && ellipsoid.datum === 'WGS84' && n('longitude_of_prime_meridian', 0) === 0) return 'EPSG:4326';
  const primeMeridian = n('longitude_of_prime_meridian', 0);
  const all: Params = { ...params, ...ellipsoid, ...(primeMeridian ? { pm: primeMeridian } : {}), ...(params.proj === 'longlat' || params.proj === 'ob_tran' ? {} : { units: 'm' }) };
  return `${Object.entries(all)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `+${key}=${value}`)
    .join(' ')} +no_defs`;
}

/** The ellipsoid from CF's `earth_radius`, or `semi_major_axis` with `inverse_flattening` or `semi_minor_axis`; WGS 84 when none is given, as in GDAL. */
function ellipsoidParams(attributes: Attributes): Params {
  const radius = numberAttribute(attributes, 'earth_radius');
  const a = numberAttribute(attributes, 'semi_major_axis');
  const rf = numberAttribute(attributes, 'inverse_flattening');
  const b = numberAttribute(attributes, 'semi_minor_axis');
  if (radius !== undefined) return { R: radius };
  if (a !== undefined && rf !== undefined) return rf === 0 ? { R: a } : a === 6378137 && rf === 298.257223563 ? { ellps: 'WGS84' } : { a, rf };
  if (a !== undefined && b !== undefined) return a === b ? { R: a } : { a, b };
  if (a !== undefined) return { R: a };
  return { datum: 'WGS84' };
}
