import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrsError, FileError, GdalError, InvalidInputError } from '../../src/errors.js';
import { Rasterizer } from '../../src/processors/rasterizer.js';
import { SpatialSpec } from '../../src/spec/spatial-spec.js';
import { createNodeEngine } from '../../wasm/node.js';
import { count, expectOnGrid, expectSameBands, HAS_DATA, hasCommand, NO_DATA_REASON, readBands, resolveInput, run, sample, useScratchFolder } from './helpers.js';

const HAS_NATIVE = hasCommand('gdal_rasterize') && hasCommand('ogr2ogr');
const NATIVE = HAS_NATIVE ? '' : ' (skipped: native gdal_rasterize/ogr2ogr are not installed)';

/** Two overlapping squares, written in reverse id order, one without a value of `v`. */
const SQUARES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', id: 7, properties: { v: 5, kind: 'forest' }, geometry: { type: 'Polygon', coordinates: [[[6.0, 49.6], [6.2, 49.6], [6.2, 49.8], [6.0, 49.8], [6.0, 49.6]]] } },
    { type: 'Feature', id: 3, properties: { v: null, kind: 'water' }, geometry: { type: 'Polygon', coordinates: [[[6.1, 49.7], [6.3, 49.7], [6.3, 49.9], [6.1, 49.9], [6.1, 49.7]]] } },
  ],
};
/** 0.01° pixels over 6.0–6.4 E, 49.6–50.0 N: each square covers 20x20 pixel centres, overlapping 10x10. */
const SQUARES_GRID = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.01, 0, 6.0, 0, -0.01, 50.0], shape: [40, 40] });

describe.skipIf(!HAS_DATA)(`Rasterizer${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const engine = createNodeEngine();
  const scratch = useScratchFolder('rasterizer');
  /** elev.tif's grid, read exactly from the file (EPSG:4326, 95x90). */
  let elevGrid: SpatialSpec;
  const lux = sample('lux.shp');
  beforeAll(async () => {
    const elev = await readBands(sample('elev.tif'));
    const [x, xres, , y, , yres] = elev.geoTransform as [number, number, number, number, number, number];
    elevGrid = new SpatialSpec({ crs: 'EPSG:4326', transform: [xres, 0, x, 0, yres, y], shape: [elev.height, elev.width] });
  });
  afterAll(async () => {
    await engine.close();
  });

  async function rasterize(processor: Rasterizer, spec: SpatialSpec, name: string) {
    const outputPath = scratch.path(name);
    await processor.run({ spec, outputPath, engine, resolveInput });
    const raster = await readBands(outputPath);
    expectOnGrid(raster, spec);
    return { outputPath, raster };
  }

  function nativeRasterize(source: string, spec: SpatialSpec, name: string, args: string[]) {
    const [left, bottom, right, top] = spec.bounds!;
    const [xres, yres] = spec.resolution!;
    const out = scratch.path(name);
    run('gdal_rasterize', ['-q', '-te', String(left), String(bottom), String(right), String(top), '-tr', String(xres), String(yres), ...args, source, out]);
    return readBands(out);
  }

  it.skipIf(!HAS_NATIVE)(`burns a constant into lux.shp's polygons on elev.tif's grid exactly like native gdal_rasterize${NATIVE}`, async () => {
    const { raster } = await rasterize(new Rasterizer(lux), elevGrid, 'burn-1.tif');
    const native = await nativeRasterize(lux, elevGrid, 'native-burn-1.tif', ['-burn', '1', '-ot', 'Byte', '-init', '0']);
    expectSameBands(raster, native);
    expect(count(raster.bands[0]!, 1)).toBeGreaterThan(4000);
    expect(count(raster.bands[0]!, 1) + count(raster.bands[0]!, 0)).toBe(95 * 90);
  });

  it.skipIf(!HAS_NATIVE)(`burns the ID_2 (Real) and POP (Integer64) attributes exactly like native gdal_rasterize${NATIVE}`, async () => {
    const real = await rasterize(new Rasterizer(lux, { attribute: 'ID_2' }), elevGrid, 'attribute-id2.tif');
    expectSameBands(real.raster, await nativeRasterize(lux, elevGrid, 'native-id2.tif', ['-a', 'ID_2', '-ot', 'Float64', '-init', '0']));
    expect(new Set(real.raster.bands[0])).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    expect((await engine.info(real.outputPath)).bands[0]!.type).toBe('Float64');

    const integer = await rasterize(new Rasterizer(lux, { attribute: 'POP' }), elevGrid, 'attribute-pop.tif');
    expectSameBands(integer.raster, await nativeRasterize(lux, elevGrid, 'native-pop.tif', ['-a', 'POP', '-ot', 'Int32', '-init', '0']));
    expect((await engine.info(integer.outputPath)).bands[0]!.type).toBe('Int32');
    expect(Math.max(...integer.raster.bands[0]!)).toBe(182607);
  });

  it.skipIf(!HAS_NATIVE)(`burns the feature index 1..12 in feature order exactly like native gdal_rasterize of FID + 1${NATIVE}`, async () => {
    const { outputPath, raster } = await rasterize(new Rasterizer(lux, { burn: 'index' }), elevGrid, 'index.tif');
    const native = await nativeRasterize(lux, elevGrid, 'native-index.tif', ['-sql', 'SELECT FID + 1 AS i FROM lux', '-a', 'i', '-ot', 'Int32', '-init', '0']);
    expectSameBands(raster, native);
    expect(new Set(raster.bands[0])).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    expect((await engine.info(outputPath)).bands[0]!.type).toBe('Int32');
  });

  it.skipIf(!HAS_NATIVE)(`burns every touched pixel with allTouched exactly like native gdal_rasterize -at${NATIVE}`, async () => {
    const { raster } = await rasterize(new Rasterizer(lux, { allTouched: true, burn: 3 }), elevGrid, 'all-touched.tif');
    const native = await nativeRasterize(lux, elevGrid, 'native-all-touched.tif', ['-at', '-burn', '3', '-ot', 'Byte', '-init', '0']);
    expectSameBands(raster, native);
    const centres = await rasterize(new Rasterizer(lux, { burn: 3 }), elevGrid, 'centres.tif');
    expect(count(raster.bands[0]!, 3)).toBeGreaterThan(count(centres.raster.bands[0]!, 3));
  });

  it.skipIf(!HAS_NATIVE)(`reprojects lux.shp onto an EPSG:3035 grid: as native ogr2ogr + gdal_rasterize, and Luxembourg's area${NATIVE}`, async () => {
    const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [500, 0, 4010000, 0, -500, 3020000], shape: [180, 130] });
    const { raster } = await rasterize(new Rasterizer(lux, { burn: 'index' }), spec, 'lux-3035.tif');
    const reprojected = scratch.path('lux3035.shp');
    run('ogr2ogr', ['-q', '-t_srs', 'EPSG:3035', reprojected, lux]);
    const native = await nativeRasterize(reprojected, spec, 'native-lux-3035.tif', ['-sql', 'SELECT FID + 1 AS i FROM lux3035', '-a', 'i', '-ot', 'Int32', '-init', '0']);
    expectSameBands(raster, native);
    // 2565 km² (the polygons' area in this equal-area CRS) in 0.25 km² pixels, within 1 %.
    const burned = 130 * 180 - count(raster.bands[0]!, 0);
    expect(Math.abs(burned * 0.25 - 2565)).toBeLessThan(25.65);
  });

  for (const format of [
    { ext: 'gpkg', args: ['-f', 'GPKG'], indexSql: 'SELECT fid + 0 AS i, geom FROM lux' },
    // Without a spatial index FlatGeobuf keeps the features in the Shapefile's order (with one they
    // are sorted along a Hilbert curve, which reorders the feature index).
    { ext: 'fgb', args: ['-f', 'FlatGeobuf', '-lco', 'SPATIAL_INDEX=NO'], indexSql: 'SELECT FID + 1 AS i FROM lux' },
  ] as const) {
    it.skipIf(!HAS_NATIVE)(`burns lux.shp converted to .${format.ext} exactly as the Shapefile and as native gdal_rasterize of the .${format.ext}${NATIVE}`, async () => {
      const file = scratch.path(`lux.${format.ext}`);
      run('ogr2ogr', ['-q', ...format.args, file, lux]);
      const info = await engine.vectorInfo(file);
      expect(info.layers.map((layer) => [layer.name, layer.featureCount])).toEqual([['lux', 12]]);

      const constant = await rasterize(new Rasterizer(file), elevGrid, `${format.ext}-burn-1.tif`);
      expectSameBands(constant.raster, (await rasterize(new Rasterizer(lux), elevGrid, `shp-burn-1-for-${format.ext}.tif`)).raster);
      expectSameBands(constant.raster, await nativeRasterize(file, elevGrid, `native-${format.ext}-burn-1.tif`, ['-burn', '1', '-ot', 'Byte', '-init', '0']));
      expect(count(constant.raster.bands[0]!, 1)).toBeGreaterThan(4000);

      const pop = await rasterize(new Rasterizer(file, { attribute: 'POP' }), elevGrid, `${format.ext}-pop.tif`);
      expectSameBands(pop.raster, (await rasterize(new Rasterizer(lux, { attribute: 'POP' }), elevGrid, `shp-pop-for-${format.ext}.tif`)).raster);
      expectSameBands(pop.raster, await nativeRasterize(file, elevGrid, `native-${format.ext}-pop.tif`, ['-a', 'POP', '-ot', 'Int32', '-init', '0']));
      expect((await engine.info(pop.outputPath)).bands[0]!.type).toBe('Int32');
      expect(Math.max(...pop.raster.bands[0]!)).toBe(182607);

      // A GeoPackage counts its feature ids from 1 (read through SQLite, which needs the geometry
      // column named), a FlatGeobuf from 0: the index is 1..12 in both.
      const index = await rasterize(new Rasterizer(file, { burn: 'index' }), elevGrid, `${format.ext}-index.tif`);
      expectSameBands(index.raster, (await rasterize(new Rasterizer(lux, { burn: 'index' }), elevGrid, `shp-index-for-${format.ext}.tif`)).raster);
      expectSameBands(index.raster, await nativeRasterize(file, elevGrid, `native-${format.ext}-index.tif`, ['-sql', format.indexSql, '-a', 'i', '-ot', 'Int32', '-init', '0']));
      expect(new Set(index.raster.bands[0])).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    });
  }

  it('burns a GeoJSON written here: index in file order (not its ids), later features over earlier ones', async () => {
    const file = scratch.path('squares.geojson');
    writeFileSync(file, JSON.stringify(SQUARES));
    const { raster } = await rasterize(new Rasterizer(file, { burn: 'index' }), SQUARES_GRID, 'squares-index.tif');
    expect([count(raster.bands[0]!, 0), count(raster.bands[0]!, 1), count(raster.bands[0]!, 2)]).toEqual([900, 300, 400]);
    const attribute = await rasterize(new Rasterizer(file, { attribute: 'v', fill: -1 }), SQUARES_GRID, 'squares-v.tif');
    expect([count(attribute.raster.bands[0]!, -1), count(attribute.raster.bands[0]!, 5), count(attribute.raster.bands[0]!, 0)]).toEqual([900, 300, 400]);
  });

  it('reprojects a GeoJSON onto a UTM grid', async () => {
    const file = scratch.path('squares-utm.geojson');
    writeFileSync(file, JSON.stringify(SQUARES));
    const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [100, 0, 280000, 0, -100, 5535000], shape: [400, 300] });
    const { raster } = await rasterize(new Rasterizer(file), spec, 'squares-utm.tif');
    // The union of the squares is 0.07 square degrees around 49.75° N, about 560 km², in 0.01 km² pixels.
    const area = count(raster.bands[0]!, 1) * 0.01;
    const expected = 0.07 * 111.2 * 111.32 * Math.cos((49.75 * Math.PI) / 180);
    expect(Math.abs(area - expected) / expected).toBeLessThan(0.02);
  });

  it('burns an empty layer as all fill with a warning, also reprojected or numbered, instead of failing on a scratch FlatGeobuf', async () => {
    const file = scratch.path('empty.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [] }));
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const utm = new SpatialSpec({ crs: 'EPSG:32632', transform: [1000, 0, 280000, 0, -1000, 5535000], shape: [40, 30] });
    const reprojected = scratch.path('empty-utm.tif');
    await new Rasterizer(file, { fill: 7 }).run({ spec: utm, outputPath: reprojected, engine, resolveInput, warn });
    const burned = await readBands(reprojected);
    expectOnGrid(burned, utm);
    expect(count(burned.bands[0]!, 7)).toBe(40 * 30);
    expect(warnings).toEqual([`Rasterizer: layer empty of ${file} has no features: every pixel is the fill value 7; check that the file holds what you meant to burn`]);

    const numbered = scratch.path('empty-index.tif');
    await new Rasterizer(file, { burn: 'index' }).run({ spec: SQUARES_GRID, outputPath: numbered, engine, resolveInput });
    const index = await readBands(numbered);
    expectOnGrid(index, SQUARES_GRID);
    expect(count(index.bands[0]!, 0)).toBe(40 * 40);
    expect((await engine.info(numbered)).bands[0]!.type).toBe('Int32');
  });

  it('refuses a layer without geometries (a CSV of x, y columns), naming it, instead of writing only the fill or asking for its CRS', async () => {
    const file = scratch.path('points.csv');
    writeFileSync(file, 'id,x,y\n1,6.1,49.7\n2,6.2,49.8\n');
    const outputPath = scratch.path('points.tif');
    const message = `Rasterizer: layer points of ${file} has no geometry column, so it has nothing to burn; give a layer with geometries (a CSV needs a WKT column, or a conversion with its coordinate columns named: ogr2ogr -oo X_POSSIBLE_NAMES=x -oo Y_POSSIBLE_NAMES=y out.gpkg in.csv)`;
    await expect(new Rasterizer(file, { srcCrs: 'EPSG:4326' }).run({ spec: SQUARES_GRID, outputPath, engine, resolveInput })).rejects.toThrow(new InvalidInputError(message));
    await expect(new Rasterizer(file).run({ spec: SQUARES_GRID, outputPath, engine, resolveInput })).rejects.toThrow(new InvalidInputError(message));
    expect(existsSync(outputPath)).toBe(false);
  });

  it('refuses bandPerValue on a Latin-1 Shapefile without .cpg (every band burned nothing), and burns each value once a .cpg names the encoding', async () => {
    const folder = scratch.path('latin');
    mkdirSync(folder);
    const source = `${folder}/names.geojson`;
    writeFileSync(source, JSON.stringify({ ...SQUARES, features: SQUARES.features.map((feature, index) => ({ ...feature, properties: { name: ['Rédange', 'Ösling'][index] } })) }));
    await engine.vectorTranslate(source, `${folder}/names.shp`, ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=LATIN1']);
    rmSync(`${folder}/names.cpg`);
    const outputPath = scratch.path('latin.tif');
    await expect(new Rasterizer(`${folder}/names.shp`, { bandPerValue: 'name' }).run({ spec: SQUARES_GRID, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError(
        `Rasterizer bandPerValue: field name of layer names (${folder}/names.shp) holds text that is not UTF-8 ("R\uFFFDdange"), which no band could match; add a .cpg file beside the .shp naming the encoding of its .dbf (such as ISO-8859-1)`,
      ),
    );
    expect(existsSync(outputPath)).toBe(false);

    writeFileSync(`${folder}/names.cpg`, 'ISO-8859-1');
    const { raster } = await rasterize(new Rasterizer(`${folder}/names.shp`, { bandPerValue: 'name' }), SQUARES_GRID, 'latin-cpg.tif');
    expect((await engine.info(scratch.path('latin-cpg.tif'))).bands.map((band) => band.description)).toEqual(['Rédange', 'Ösling']);
    expect(raster.bands.map((band) => count(band, 1))).toEqual([400, 400]);
  });

  it('writes one band per value of a Date and a DateTime field of a GeoPackage, each burning its own feature (SQLite matched none)', async () => {
    const source = scratch.path('dates.geojson');
    const dates = [['2020-01-01', '2020-01-01T10:00:00Z'], ['2021-06-15', '2021-06-15T12:30:00Z']];
    writeFileSync(source, JSON.stringify({ ...SQUARES, features: SQUARES.features.map((feature, index) => ({ ...feature, properties: { day: dates[index]![0], time: dates[index]![1] } })) }));
    const file = scratch.path('dates.gpkg');
    await engine.vectorTranslate(source, file, ['-f', 'GPKG']);
    const fields = (await engine.vectorInfo(file)).layers[0]!.fields.map((field) => [field.name, field.type]);
    expect(fields).toEqual([['day', 'Date'], ['time', 'DateTime']]);
    const day = await rasterize(new Rasterizer(file, { bandPerValue: 'day' }), SQUARES_GRID, 'dates-day.tif');
    expect((await engine.info(day.outputPath)).bands.map((band) => band.description)).toEqual(['2020/01/01', '2021/06/15']);
    expect(day.raster.bands.map((band) => count(band, 1))).toEqual([400, 400]);
    const time = await rasterize(new Rasterizer(file, { bandPerValue: 'time' }), SQUARES_GRID, 'dates-time.tif');
    expect((await engine.info(time.outputPath)).bands.map((band) => band.description)).toEqual(['2020/01/01 10:00:00+00', '2021/06/15 12:30:00+00']);
    expect(time.raster.bands.map((band) => count(band, 1))).toEqual([400, 400]);
  });

  it.skipIf(!HAS_NATIVE)(`writes one 0/1 band per NAME_1 value, named after it, each as native gdal_rasterize -where${NATIVE}`, async () => {
    const { outputPath, raster } = await rasterize(new Rasterizer(lux, { bandPerValue: 'NAME_1' }), elevGrid, 'per-value.tif');
    const info = await engine.info(outputPath);
    const names = ['Diekirch', 'Grevenmacher', 'Luxembourg'];
    expect(info.bands.map((band) => band.description)).toEqual(names);
    expect(info.bands.map((band) => band.type)).toEqual(['Byte', 'Byte', 'Byte']);
    for (const [index, name] of names.entries()) {
      const native = await nativeRasterize(lux, elevGrid, `native-${name}.tif`, ['-where', `NAME_1 = '${name}'`, '-burn', '1', '-ot', 'Byte', '-init', '0']);
      expect(raster.bands[index]).toEqual(native.bands[0]);
      expect(count(raster.bands[index]!, 1)).toBeGreaterThan(500);
    }
    const any = await rasterize(new Rasterizer(lux), elevGrid, 'per-value-union.tif');
    const sum = raster.bands[0]!.map((value, pixel) => value + raster.bands[1]![pixel]! + raster.bands[2]![pixel]!);
    expect(Array.from(sum)).toEqual(Array.from(any.raster.bands[0]!));
  });

  it('writes one band per value of a Real field that GDAL prints with 15 digits (1/3, 0.1 + 0.2), each burning its own feature', async () => {
    const file = scratch.path('reals.geojson');
    const values = [0.1, 0.1 + 0.2, 1 / 3, null];
    writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      features: values.map((r, index) => ({
        type: 'Feature',
        properties: { r },
        geometry: { type: 'Polygon', coordinates: [[[6 + index / 10, 49.6], [6.05 + index / 10, 49.6], [6.05 + index / 10, 49.65], [6 + index / 10, 49.65], [6 + index / 10, 49.6]]] },
      })),
    }));
    const { outputPath, raster } = await rasterize(new Rasterizer(file, { bandPerValue: 'r' }), SQUARES_GRID, 'per-real-value.tif');
    expect((await engine.info(outputPath)).bands.map((band) => band.description)).toEqual(['0.1', '0.30000000000000004', '0.3333333333333333']);
    // Each band burns the 5x5 pixels of its own square only.
    expect(raster.bands.map((band) => count(band, 1))).toEqual([25, 25, 25]);
    expect(raster.bands.map((band) => band.indexOf(1) % 40)).toEqual([0, 10, 20]);
  });

  it('writes one band per value of a Boolean field (0 and 1, as GDAL burns it) instead of saying no feature has a value', async () => {
    const file = scratch.path('booleans.geojson');
    writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      features: [true, false, true].map((flooded, index) => ({
        type: 'Feature',
        properties: { flooded },
        geometry: { type: 'Polygon', coordinates: [[[6 + index / 10, 49.6], [6.05 + index / 10, 49.6], [6.05 + index / 10, 49.65], [6 + index / 10, 49.65], [6 + index / 10, 49.6]]] },
      })),
    }));
    expect((await engine.vectorInfo(file)).layers[0]!.fields).toEqual([expect.objectContaining({ name: 'flooded', type: 'Integer', subType: 'Boolean' })]);
    const { outputPath, raster } = await rasterize(new Rasterizer(file, { bandPerValue: 'flooded' }), SQUARES_GRID, 'per-boolean-value.tif');
    expect((await engine.info(outputPath)).bands.map((band) => band.description)).toEqual(['0', '1']);
    expect(raster.bands.map((band) => count(band, 1))).toEqual([25, 50]);
    expect(raster.bands[0]!.indexOf(1) % 40).toBe(10);
  });

  it('refuses to burn a list field (GDAL\'s IntegerList), saying so, instead of saying no feature has a value', async () => {
    const file = scratch.path('lists.geojson');
    writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      features: [[1, 2], [3]].map((codes, index) => ({
        type: 'Feature',
        properties: { codes },
        geometry: { type: 'Polygon', coordinates: [[[6 + index / 10, 49.6], [6.05 + index / 10, 49.6], [6.05 + index / 10, 49.65], [6 + index / 10, 49.65], [6 + index / 10, 49.6]]] },
      })),
    }));
    for (const options of [{ bandPerValue: 'codes' }, { attribute: 'codes' }]) {
      const option = Object.keys(options)[0]!;
      await expect(rasterize(new Rasterizer(file, options), SQUARES_GRID, `list-${option}.tif`)).rejects.toThrow(
        `Rasterizer ${option}: field "codes" of layer lists (${file}) is a list (IntegerList), which cannot be burned; burn a field holding one value per feature (ogr2ogr -sql can make one)`,
      );
    }
  });

  it('burns a layer and fields whose names hold double quotes (OGR SQL escapes them as \\", not as SQL\'s "")', async () => {
    const file = scratch.path('quoted-names.geojson');
    writeFileSync(file, JSON.stringify({
      type: 'FeatureCollection',
      name: 'the "best" layer',
      features: [['a', 0.5], ['b', 1 / 3]].map(([kind, share], index) => ({
        type: 'Feature',
        properties: { 'kind "k"': kind, 'share "s"': share },
        geometry: { type: 'Polygon', coordinates: [[[6 + index / 10, 49.6], [6.05 + index / 10, 49.6], [6.05 + index / 10, 49.65], [6 + index / 10, 49.65], [6 + index / 10, 49.6]]] },
      })),
    }));
    const kinds = await rasterize(new Rasterizer(file, { bandPerValue: 'kind "k"' }), SQUARES_GRID, 'quoted-kinds.tif');
    expect(kinds.raster.bands.map((band) => count(band, 1))).toEqual([25, 25]);
    const shares = await rasterize(new Rasterizer(file, { bandPerValue: 'share "s"' }), SQUARES_GRID, 'quoted-shares.tif');
    expect(shares.raster.bands.map((band) => count(band, 1))).toEqual([25, 25]);
    const index = await rasterize(new Rasterizer(file, { burn: 'index', layer: 'the "best" layer' }), SQUARES_GRID, 'quoted-index.tif');
    expect([count(index.raster.bands[0]!, 1), count(index.raster.bands[0]!, 2)]).toEqual([25, 25]);
  });

  it('refuses a fill equal to the burn value when constructed', () => {
    expect(() => new Rasterizer(lux, { burn: 0 })).toThrow(
      new InvalidInputError('Rasterizer fill 0 equals the burn value 0: burned pixels and empty pixels could not be told apart; choose another fill value'),
    );
    expect(() => new Rasterizer(lux, { burn: 2, fill: 2 })).toThrow(InvalidInputError);
    expect(() => new Rasterizer(lux, { burn: 2, nodata: 2 })).toThrow(
      new InvalidInputError('Rasterizer nodata 2 equals the burn value 2: burned pixels and nodata pixels could not be told apart; choose another nodata value'),
    );
  });

  it('refuses a fill equal to an attribute value or a feature index, before writing anything', async () => {
    const outputPath = scratch.path('collision.tif');
    await expect(new Rasterizer(lux, { attribute: 'ID_2', fill: 3 }).run({ spec: elevGrid, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError('Rasterizer fill 3 equals a value of field ID_2 (unset values burn as 0): burned pixels and empty pixels could not be told apart; choose another fill value'),
    );
    await expect(new Rasterizer(lux, { burn: 'index', fill: 12 }).run({ spec: elevGrid, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError('Rasterizer fill 12 equals a feature index (1..12): burned pixels and empty pixels could not be told apart; choose another fill value'),
    );
    const file = scratch.path('squares-null.geojson');
    writeFileSync(file, JSON.stringify(SQUARES));
    // The second square has no v: GDAL burns it as 0, the default fill.
    await expect(new Rasterizer(file, { attribute: 'v' }).run({ spec: SQUARES_GRID, outputPath, engine, resolveInput })).rejects.toThrow(/fill 0 equals a value of field v/);
    expect(existsSync(outputPath)).toBe(false);
  });

  it('refuses a fill or nodata that the derived output type cannot hold (GDAL rounded or clamped it), before writing anything', async () => {
    const outputPath = scratch.path('unstorable.tif');
    await expect(new Rasterizer(lux, { attribute: 'POP', fill: 0.5 }).run({ spec: elevGrid, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError('Rasterizer fill 0.5 cannot be stored as int32, the output type for a value of field POP (unset values burn as 0); give a dtype that holds it, or choose a value the type holds'),
    );
    await expect(new Rasterizer(lux, { burn: 'index', nodata: 0.5 }).run({ spec: elevGrid, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError('Rasterizer nodata 0.5 cannot be stored as int32, the output type for a feature index (1..12); give a dtype that holds it, or choose a value the type holds'),
    );
    await expect(new Rasterizer(lux, { bandPerValue: 'NAME_1', fill: -1 }).run({ spec: elevGrid, outputPath, engine, resolveInput })).rejects.toThrow(
      new InvalidInputError('Rasterizer fill -1 cannot be stored as uint8, the output type for the value 1 burned into each band; give a dtype that holds it, or choose a value the type holds'),
    );
    expect(existsSync(outputPath)).toBe(false);
    // A type that holds them: written as asked.
    await new Rasterizer(lux, { attribute: 'POP', fill: 0.5, dtype: 'float32' }).run({ spec: elevGrid, outputPath, engine, resolveInput });
    expect((await readBands(outputPath)).bands[0]![0]).toBe(0.5);
  });

  it('refuses a vector without a CRS (a shapefile without .prj), naming it, and burns it with srcCrs', async () => {
    const folder = scratch.path('no-prj');
    mkdirSync(folder);
    for (const ext of ['shp', 'shx', 'dbf']) copyFileSync(sample(`box.${ext}`), `${folder}/box.${ext}`);
    const spec = new SpatialSpec({ crs: 'EPSG:32618', transform: [1000, 0, 170000, 0, -1000, 2760000], shape: [70, 90] });
    const outputPath = scratch.path('box.tif');
    const error = await new Rasterizer(`${folder}/box.shp`).run({ spec, outputPath, engine, resolveInput }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CrsError);
    expect((error as Error).message).toBe(
      `Rasterizer: ${folder}/box.shp has no coordinate reference system (layer box); give the CRS its coordinates are in with the srcCrs option (for example { srcCrs: 'EPSG:4326' }), or add a .prj file`,
    );
    expect(existsSync(outputPath)).toBe(false);

    const same = await rasterize(new Rasterizer(`${folder}/box.shp`, { srcCrs: 'EPSG:32618', sidecars: ['.shx', '.dbf'] }), spec, 'box-same.tif');
    expect(count(same.raster.bands[0]!, 1)).toBe(75 * 50);
    // In the neighbouring UTM zone the box is a skewed quadrilateral of 3752 km² (its corners
    // transformed); 1 km² pixels, within 2 %.
    const other = await rasterize(new Rasterizer(`${folder}/box.shp`, { srcCrs: 'EPSG:32618' }), new SpatialSpec({ crs: 'EPSG:32617', transform: [1000, 0, 780000, 0, -1000, 2760000], shape: [70, 80] }), 'box-other.tif');
    expect(Math.abs(count(other.raster.bands[0]!, 1) - 3752) / 3752).toBeLessThan(0.02);
  });

  it('refuses unknown fields, text attributes, unknown layers, missing files and rasters, naming them and saying what to give', async () => {
    const outputPath = scratch.path('bad.tif');
    const context = { spec: elevGrid, outputPath, engine, resolveInput };
    await expect(new Rasterizer(lux, { attribute: 'NAME' }).run(context)).rejects.toThrow(
      new InvalidInputError(
        `Rasterizer attribute: layer lux of ${lux} has no field "NAME"; its fields are ID_1 (Real), NAME_1 (String), ID_2 (Real), NAME_2 (String), AREA (Real), POP (Integer64)`,
      ),
    );
    await expect(new Rasterizer(lux, { attribute: 'NAME_2' }).run(context)).rejects.toThrow(
      new InvalidInputError(`Rasterizer attribute: field NAME_2 of ${lux} is of type String, not a number; burn a numeric field, or use bandPerValue for categories`),
    );
    await expect(new Rasterizer(lux, { layer: 'roads' }).run(context)).rejects.toThrow(new InvalidInputError(`Rasterizer: ${lux} has no layer "roads"; its layers are "lux"`));
    await expect(new Rasterizer(sample('nothing.shp')).run(context)).rejects.toBeInstanceOf(FileError);
    const raster = sample('elev.tif');
    await expect(new Rasterizer(raster).run(context)).rejects.toThrow(
      new GdalError(
        `Rasterizer source ${raster}: cannot open ${raster} for vectorInfo: \`${raster}' not recognized as a supported file format. It is not a vector file GDAL reads here: give GeoJSON, a Shapefile (the .shp beside its .shx and .dbf, or zipped and named .shp.zip), GeoPackage, FlatGeobuf, KML (a KMZ unzipped) or CSV; a raster goes to a Reprojector.`,
        { operation: 'vectorInfo', path: raster, gdalMessage: `\`${raster}' not recognized as a supported file format.`, errorNumber: 4 },
      ),
    );
    expect(existsSync(outputPath)).toBe(false);
  });

  it('refuses a rotated target grid, conflicting burn options and values the dtype cannot hold', async () => {
    const rotated = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.01, 0.001, 6, 0.001, -0.01, 50], shape: [10, 10] });
    await expect(new Rasterizer(lux).run({ spec: rotated, outputPath: scratch.path('rot.tif'), engine, resolveInput })).rejects.toThrow(/cannot produce the rotated grid/);
    expect(() => new Rasterizer(lux, { burn: 1, attribute: 'ID_2' })).toThrow(new InvalidInputError('Rasterizer takes one of burn, attribute and bandPerValue, got burn and attribute'));
    expect(() => new Rasterizer(lux, { burn: 300, dtype: 'uint8' })).toThrow(new InvalidInputError('Rasterizer burn 300 cannot be stored as uint8; choose another dtype'));
    expect(() => new Rasterizer(lux, { burn: 'all' as never })).toThrow(InvalidInputError);
    await expect(new Rasterizer(lux, { attribute: 'POP', dtype: 'uint16' }).run({ spec: elevGrid, outputPath: scratch.path('pop16.tif'), engine, resolveInput })).rejects.toThrow(
      new InvalidInputError(`Rasterizer: value 176820 of field POP (${lux}) cannot be stored as uint16; choose another dtype`),
    );
  });

  it('reports a COG burn half done when burning ends, and done only after the COG copy', async () => {
    const fractions: number[] = [];
    const outputPath = scratch.path('progress-cog.tif');
    await new Rasterizer(lux, { cog: true }).run({ spec: elevGrid, outputPath, engine, resolveInput, onProgress: (fraction) => fractions.push(fraction) });
    // Each GDAL call reports its own 0 to 1: burning is the first half, the copy the second.
    expect(fractions).toEqual([0.5, 1]);
  });

  it('writes a 1-bit mask for dtype bool, a COG with cog: true, and records nodata', async () => {
    const mask = await rasterize(new Rasterizer(lux, { dtype: 'bool' }), elevGrid, 'mask.tif');
    const info = await engine.info(mask.outputPath);
    expect((info.bands[0] as { metadata?: Record<string, Record<string, string>> }).metadata?.IMAGE_STRUCTURE).toEqual({ NBITS: '1' });
    const plain = await rasterize(new Rasterizer(lux), elevGrid, 'mask-plain.tif');
    expect(mask.raster.bands).toEqual(plain.raster.bands);

    const cog = await rasterize(new Rasterizer(lux, { burn: 'index', cog: true, nodata: 0 }), elevGrid, 'index-cog.tif');
    const cogInfo = await engine.info(cog.outputPath);
    expect(cogInfo.metadata?.IMAGE_STRUCTURE).toMatchObject({ LAYOUT: 'COG' });
    expect(cog.raster.noData).toBe(0);
    expect(new Set(cog.raster.bands[0])).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  });

  it("lists a shapefile's usual sidecars as optional inputs, sidecars it is given as inputs, and describes JSON-able settings", () => {
    const processor = new Rasterizer(lux, { burn: 'index', allTouched: true, fill: NaN, dtype: 'float32' });
    expect(processor.inputs()).toEqual([lux]);
    expect(processor.optionalInputs()).toEqual([sample('lux.shx'), sample('lux.dbf'), sample('lux.prj'), sample('lux.cpg')]);
    expect(new Rasterizer('https://example.org/lux.shp').optionalInputs()).toEqual([]);
    expect(processor.settings()).toEqual({ burn: 'index', allTouched: true, dtype: 'float32', fill: 'NaN' });
    expect(new Rasterizer('data/zones.gpkg').inputs()).toEqual(['data/zones.gpkg']);
    expect(new Rasterizer('data/ZONES.SHP', { sidecars: ['.shx', '.dbf', '.cpg'] }).inputs()).toEqual(['data/ZONES.SHP', 'data/ZONES.SHX', 'data/ZONES.DBF', 'data/ZONES.CPG']);
    expect(new Rasterizer('data/ZONES.SHP', { sidecars: ['.shx', '.dbf', '.cpg'] }).optionalInputs()).toEqual([]);
    expect(new Rasterizer(lux).settings()).toEqual({ burn: 1 });
    expect(new Rasterizer(lux, { bandPerValue: 'NAME_1' }).settings()).toEqual({ bandPerValue: 'NAME_1' });
  });
});
