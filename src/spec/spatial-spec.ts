import canonicalize from 'canonicalize';
import type { GdalEngine } from '../../wasm/engine.js';
import { getConfig } from '../config.js';
import { CrsError, InvalidInputError, jsonForMessage } from '../errors.js';
import { checkSelection, mergeSelections, splitSubdataset, type ArraySelection } from '../formats/array-selection.js';
import { engineReadable } from '../formats/engine-input.js';
import { type Affine, applyAffine, gdalToAffine, isRotated, validateAffine, affineToGdal, type GeoTransform } from './affine.js';
import { exactGrid } from './exact-grid.js';
import { tileWindows, windowTransform, type TileGrid } from './tiles.js';
import { isGeographicHint, normalizeCrs, proj4Definition, validateCrs } from './crs.js';

/** `[left, bottom, right, top]` in the spec's CRS. */
export type Bounds = readonly [number, number, number, number];

/** What `new SpatialSpec(...)` accepts. `transform` and `shape` go together or not at all. */
export interface SpatialSpecInit {
  crs: string;
  transform?: Affine | readonly number[] | AffineObject;
  /** `[height, width]` in pixels. */
  shape?: readonly [number, number] | readonly number[];
}

/** The `{ a, b, c, d, e, f }` form pygeodata writes in `spec.json`. */
export interface AffineObject {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

/** The JSON form of a spec, as written to `spec.json` (pygeodata-compatible, plus derived facts). */
export interface SpatialSpecJSON {
  crs: string;
  transform: AffineObject | null;
  shape: [number, number] | null;
  resolution?: [number, number] | null;
  bounds?: Bounds | null;
}

/**
 * The grid every dataset of a pipeline adapts to: a CRS, an affine transform and a shape.
 * May be partial (CRS only): a processor then completes it, for example from its source's
 * footprint at native resolution.
 *
 * @example
 * const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [100, 0, 4321000, 0, -100, 3210000], shape: [500, 400] });
 * spec.resolution // [100, 100]
 * spec.bounds     // [4321000, 3160000, 4361000, 3210000]
 */
export class SpatialSpec {
  readonly crs: string;
  readonly transform: Affine | undefined;
  readonly shape: readonly [number, number] | undefined;

  constructor(init: SpatialSpecInit) {
    if (!init || typeof init !== 'object') {
      throw new InvalidInputError(`SpatialSpec needs { crs, transform?, shape? }, got ${jsonForMessage(init)}`);
    }
    const unknown = Object.keys(init).filter((k) => !['crs', 'transform', 'shape'].includes(k));
    if (unknown.length) {
      throw new InvalidInputError(`SpatialSpec got unknown option(s) ${unknown.join(', ')}; it takes crs, transform and shape`);
    }
    this.crs = validateCrs(init.crs);
    const hasTransform = init.transform !== undefined && init.transform !== null;
    const hasShape = init.shape !== undefined && init.shape !== null;
    if (hasTransform !== hasShape) {
      throw new InvalidInputError(
        `SpatialSpec needs transform and shape together (got only ${hasTransform ? 'transform' : 'shape'}); give both, or only crs for a partial spec`,
      );
    }
    this.transform = hasTransform ? validateAffine(toAffineArray(init.transform!)) : undefined;
    this.shape = hasShape ? validateShape(init.shape!) : undefined;
    Object.freeze(this);
  }

  /**
   * The spec of a raster file: its CRS (as an authority code when it has one), transform and shape.
   * Reads the header through GDAL (default: the configured engine). netCDF/HDF5 files (also as
   * `NETCDF:"file":variable`) and GeoTIFFs in codecs the engine lacks are read as GDAL reads them;
   * `selection` picks the variable of a file with several.
   * @example getConfig().update({ spec: await SpatialSpec.fromRasterFile('reference.tif') });
   * @example await SpatialSpec.fromRasterFile('tmmx.nc', undefined, { variable: 'air_temperature' })
   */
  static async fromRasterFile(path: string, engine: GdalEngine = getConfig().engine, selection?: ArraySelection): Promise<SpatialSpec> {
    const split = splitSubdataset(path);
    const chosen = mergeSelections(split?.selection, selection && checkSelection(selection, 'SpatialSpec.fromRasterFile'), 'SpatialSpec.fromRasterFile');
    const readable = await engineReadable(split?.path ?? path, engine, { name: path, ...(chosen ? { selection: chosen } : {}) });
    const info = await engine.info(readable);
    const wkt = info.coordinateSystem?.wkt;
    if (!wkt) {
      throw new CrsError(`${path} has no coordinate reference system; give the CRS explicitly (new SpatialSpec({ crs, transform, shape }))`);
    }
    // gdalinfo rounds the geotransform to 16 digits; the grid read through a VRT is exact.
    const grid = await exactGrid(engine, readable);
    return new SpatialSpec({
      crs: normalizeCrs(wkt),
      transform: gdalToAffine(grid.geoTransform),
      shape: [grid.height, grid.width],
    });
  }

  /** A partial spec (CRS only) from a vector file's first layer with a CRS. */
  static async fromVectorFile(path: string, engine: GdalEngine = getConfig().engine): Promise<SpatialSpec> {
    const info = await engine.vectorInfo(path);
    for (const layer of info.layers) {
      for (const field of layer.geometryFields) {
        if (field.coordinateSystem?.wkt) return new SpatialSpec({ crs: normalizeCrs(field.coordinateSystem.wkt) });
      }
    }
    throw new CrsError(`${path} has no layer with a coordinate reference system; give the CRS explicitly`);
  }

  /** Reads the JSON form (`spec.json`, `toJSON()`), or a JSON string of it. */
  static fromJSON(json: string | SpatialSpecJSON | SpatialSpecInit): SpatialSpec {
    let value: unknown = json;
    if (typeof json === 'string') {
      try {
        value = JSON.parse(json);
      } catch (error) {
        throw new InvalidInputError(`SpatialSpec.fromJSON got a string that is not JSON: ${(error as Error).message}`);
      }
    }
    if (!value || typeof value !== 'object') throw new InvalidInputError(`SpatialSpec.fromJSON needs an object, got ${JSON.stringify(value)}`);
    const { crs, transform, shape } = value as Record<string, unknown>;
    return new SpatialSpec({
      crs: crs as string,
      transform: (transform ?? undefined) as SpatialSpecInit['transform'],
      shape: (shape ?? undefined) as SpatialSpecInit['shape'],
    });
  }

  /** True when transform and shape are set (not CRS only). */
  get isFullyDefined(): boolean {
    return this.transform !== undefined && this.shape !== undefined;
  }

  get height(): number | undefined {
    return this.shape?.[0];
  }

  get width(): number | undefined {
    return this.shape?.[1];
  }

  /** Pixel size `[x, y]`, positive, along the pixel's own axes (also for rotated grids). */
  get resolution(): [number, number] | undefined {
    const t = this.transform;
    if (!t) return undefined;
    return [Math.hypot(t[0], t[3]), Math.hypot(t[1], t[4])];
  }

  /** True when the grid is rotated or sheared (not north-up). */
  get isRotated(): boolean {
    return this.transform !== undefined && isRotated(this.transform);
  }

  /** `[left, bottom, right, top]`: the envelope of the four corners in the spec's CRS. */
  get bounds(): Bounds | undefined {
    const corners = this.corners();
    if (!corners) return undefined;
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }

  /** `[left, right, bottom, top]`, the order plotting libraries take. */
  get extent(): [number, number, number, number] | undefined {
    const b = this.bounds;
    return b && [b[0], b[2], b[1], b[3]];
  }

  /** The transform in GDAL's geotransform order. */
  get geoTransform(): GeoTransform | undefined {
    return this.transform && affineToGdal(this.transform);
  }

  /** Map coordinates of the four corners: upper-left, upper-right, lower-right, lower-left. */
  corners(): Array<[number, number]> | undefined {
    if (!this.transform || !this.shape) return undefined;
    const [h, w] = this.shape;
    return [applyAffine(this.transform, 0, 0), applyAffine(this.transform, w, 0), applyAffine(this.transform, w, h), applyAffine(this.transform, 0, h)];
  }

  /** Whether the CRS is geographic (degrees), when known without GDAL. */
  get isGeographic(): boolean | undefined {
    return isGeographicHint(this.crs);
  }

  /**
   * `[latMin, lonMin, latMax, lonMax]` of the grid, from its outline sampled densely (corners alone
   * miss the bulge of a projected edge). Uses proj4 when it knows the CRS, else the engine.
   */
  async latLonBounds(engine?: GdalEngine): Promise<[number, number, number, number] | undefined> {
    const outline = this.outline(16);
    if (!outline) return undefined;
    let points: Array<[number, number]>;
    const definition = proj4Definition(this.crs);
    if (definition) {
      // proj4 (131 kB) loads on first use: a page that only describes grids never needs it.
      const { default: proj4 } = await import('proj4');
      const convert = proj4(definition, 'EPSG:4326');
      points = outline.map((p) => convert.forward(p) as [number, number]);
    } else if (engine) {
      points = await engine.transformPoints(this.crs, 'EPSG:4326', outline);
    } else {
      throw new CrsError(`lat/lon bounds of CRS ${this.crs.slice(0, 60)} need GDAL: pass an engine to latLonBounds()`);
    }
    const finite = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (finite.length === 0) return undefined;
    const lons = finite.map((p) => p[0]);
    const lats = finite.map((p) => p[1]);
    return [Math.min(...lats), Math.min(...lons), Math.max(...lats), Math.max(...lons)];
  }

  /** Points along the grid's outline, `perSide` per edge. */
  outline(perSide: number): Array<[number, number]> | undefined {
    if (!this.transform || !this.shape) return undefined;
    const [h, w] = this.shape;
    const points: Array<[number, number]> = [];
    for (let i = 0; i < perSide; i++) {
      const f = i / perSide;
      points.push(applyAffine(this.transform, f * w, 0));
      points.push(applyAffine(this.transform, w, f * h));
      points.push(applyAffine(this.transform, w - f * w, h));
      points.push(applyAffine(this.transform, 0, h - f * h));
    }
    return points;
  }

  /**
   * Equality of CRS string, shape and transform. `tolerance` (in CRS units) allows tiny
   * floating-point differences in the transform; the default demands exact equality.
   */
  equals(other: SpatialSpec, tolerance = 0): boolean {
    if (this.crs !== other.crs) return false;
    if ((this.shape === undefined) !== (other.shape === undefined)) return false;
    if (this.shape && other.shape && (this.shape[0] !== other.shape[0] || this.shape[1] !== other.shape[1])) return false;
    if (this.transform && other.transform) {
      return this.transform.every((v, i) => Math.abs(v - other.transform![i]!) <= tolerance);
    }
    return this.transform === other.transform;
  }

  /**
   * Splits the grid into `rows` × `cols` tile specs, row-major (left to right, then top to
   * bottom). The split is exact: each tile keeps the CRS, pixel size and rotation, its origin is a
   * pixel corner of this grid, and together the tiles cover every pixel once. Tile sizes differ by
   * at most one pixel. Needs a full spec (transform and shape).
   *
   * With `halo: n`, each tile spec also covers `n` pixels of its neighbours on every side
   * (clipped at this grid's edges, which stay the only grid edges), so a neighbourhood step per
   * tile sees what it sees in the untiled grid; `new Mosaic(tileData, { rows, cols, halo: n })`
   * crops the halo off again.
   * @example spec.tiles({ rows: 4, cols: 4 }) // 16 specs; mosaic them back with new Mosaic(tileData, { rows: 4, cols: 4 })
   * @example spec.tiles({ rows: 4, cols: 4, halo: 1 }) // for slope or hillshade per tile: new Mosaic(new Slope(dem), { rows: 4, cols: 4, halo: 1 })
   */
  tiles(grid: TileGrid): SpatialSpec[] {
    if (!this.transform || !this.shape) {
      throw new InvalidInputError(`${this} has no grid to split into tiles: give it a transform and shape`);
    }
    const transform = this.transform;
    return tileWindows(this.shape, grid).map(({ outer }) => this.with({ transform: windowTransform(transform, outer.rowOff, outer.colOff), shape: outer.shape }));
  }

  /** A copy with some fields replaced. */
  with(changes: Partial<SpatialSpecInit>): SpatialSpec {
    return new SpatialSpec({ crs: this.crs, transform: this.transform, shape: this.shape, ...changes });
  }

  /** The JSON form written to `spec.json`: crs, transform as `{a..f}`, shape, and derived resolution and bounds. */
  toJSON(): SpatialSpecJSON {
    const t = this.transform;
    return {
      crs: this.crs,
      transform: t ? { a: t[0], b: t[1], c: t[2], d: t[3], e: t[4], f: t[5] } : null,
      shape: this.shape ? [this.shape[0], this.shape[1]] : null,
      resolution: this.resolution ?? null,
      bounds: this.bounds ?? null,
    };
  }

  /** Canonical JSON (RFC 8785) of what defines the grid, no derived values: stable input for hashing. */
  toCanonicalJSON(): string {
    return canonicalize({ crs: this.crs, transform: this.transform ? [...this.transform] : null, shape: this.shape ? [...this.shape] : null })!;
  }

  toString(): string {
    if (!this.transform || !this.shape) return `SpatialSpec(${shortCrs(this.crs)}, CRS only)`;
    const [rx, ry] = this.resolution!;
    const b = this.bounds!;
    const unit = this.isGeographic ? '°' : '';
    const res = rx === ry ? `${fmt(rx)}${unit}` : `${fmt(rx)} x ${fmt(ry)}${unit}`;
    return `SpatialSpec(${shortCrs(this.crs)}, ${this.shape[0]}x${this.shape[1]} px at ${res}${this.isRotated ? ' rotated' : ''}, bounds [${b.map(fmt).join(', ')}])`;
  }
}

function toAffineArray(transform: NonNullable<SpatialSpecInit['transform']>): unknown {
  if (Array.isArray(transform)) return transform;
  if (typeof transform === 'object' && transform !== null && 'a' in transform) {
    const t = transform as AffineObject;
    return [t.a, t.b, t.c, t.d, t.e, t.f];
  }
  return transform;
}

function validateShape(value: unknown): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => Number.isInteger(v) && v > 0)) {
    throw new InvalidInputError(`shape must be [height, width] with two positive integers, got ${jsonForMessage(value)}`);
  }
  return [value[0], value[1]] as const;
}

function shortCrs(crs: string): string {
  return crs.length > 40 ? `${crs.slice(0, 37)}...` : crs;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}
