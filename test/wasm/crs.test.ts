import proj4 from 'proj4';
import { afterAll, describe, expect, it } from 'vitest';
import { CrsError } from '../../src/errors.js';
import { createNodeEngine } from '../../wasm/node.js';

const LAEA_EUROPE = '+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m +no_defs';
const UTM_32N = '+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs';

describe('engine CRS methods', () => {
  const engine = createNodeEngine();
  afterAll(() => engine.close());

  it('gives the WKT2 of EPSG:3035 with its authority as the root ID', async () => {
    const wkt = await engine.crsToWkt('EPSG:3035');
    expect(wkt.startsWith('PROJCRS["ETRS89-extended / LAEA Europe",')).toBe(true);
    expect(wkt.endsWith('ID["EPSG",3035]]')).toBe(true);
  });

  it('describes EPSG:4326 as geographic, with a PROJ.4 string and no linear unit', async () => {
    const info = await engine.crsInfo('EPSG:4326');
    expect(info).toMatchObject({ authority: 'EPSG:4326', isGeographic: true, proj4: '+proj=longlat +datum=WGS84 +no_defs' });
    expect(info.linearUnitMetres).toBeUndefined();
    expect(info.wkt.startsWith('GEOGCRS["WGS 84"')).toBe(true);
  });

  it('describes EPSG:3035 as projected in metres with its PROJ.4 string', async () => {
    const info = await engine.crsInfo('EPSG:3035');
    expect(info).toMatchObject({ authority: 'EPSG:3035', isGeographic: false, linearUnitMetres: 1, proj4: LAEA_EUROPE });
  });

  it('describes a PROJ string in US feet: no authority, 0.3048006 metres per unit', async () => {
    const info = await engine.crsInfo('+proj=utm +zone=32 +datum=WGS84 +units=us-ft');
    expect(info.authority).toBeUndefined();
    expect(info.isGeographic).toBe(false);
    expect(info.linearUnitMetres).toBeCloseTo(1200 / 3937, 12);
    expect(info.proj4).toBe('+proj=utm +zone=32 +datum=WGS84 +units=us-ft +no_defs');
  });

  it('accepts WKT as input and recognises its authority', async () => {
    const wkt = await engine.crsToWkt('EPSG:32632');
    const info = await engine.crsInfo(wkt);
    expect(info.authority).toBe('EPSG:32632');
    expect(info.wkt).toBe(wkt);
  });

  it('throws CrsError naming an unknown CRS', async () => {
    await expect(engine.crsToWkt('EPSG:99999')).rejects.toThrow(CrsError);
    await expect(engine.crsInfo('not a crs')).rejects.toThrow(/^unknown CRS "not a crs": /);
    await expect(engine.transformPoints('EPSG:4326', 'EPSG:99999', [[0, 0]])).rejects.toThrow(/^unknown CRS "EPSG:99999": .*crs not found/);
  });

  it('transforms lon/lat to EPSG:3035 and UTM 32N in x/y order, as proj4js does', async () => {
    const points: Array<[number, number]> = [
      [10.5, 46.6],
      [6.1, 49.6],
      [10, 52],
    ];
    const laea = await engine.transformPoints('EPSG:4326', 'EPSG:3035', points);
    const utm = await engine.transformPoints('EPSG:4326', 'EPSG:32632', points);
    points.forEach((point, index) => {
      const [x, y] = proj4('EPSG:4326', LAEA_EUROPE, point);
      expect(laea[index]![0]).toBeCloseTo(x!, 3);
      expect(laea[index]![1]).toBeCloseTo(y!, 3);
      const [ux, uy] = proj4('EPSG:4326', UTM_32N, point);
      expect(utm[index]![0]).toBeCloseTo(ux!, 3);
      expect(utm[index]![1]).toBeCloseTo(uy!, 3);
    });
    expect(laea[2]).toEqual([4321000, 3210000]);
  });

  it('transforms back to lon/lat in x/y order', async () => {
    const [point] = await engine.transformPoints('EPSG:3035', 'EPSG:4326', [[4321000, 3210000]]);
    expect(point![0]).toBeCloseTo(10, 9);
    expect(point![1]).toBeCloseTo(52, 9);
  });

  it('returns NaN for points outside the projection and transforms the others', async () => {
    const result = await engine.transformPoints('EPSG:4326', 'EPSG:3035', [
      [10, 52],
      [200, 95],
    ]);
    expect(result[0]).toEqual([4321000, 3210000]);
    expect(result[1]).toEqual([Number.NaN, Number.NaN]);
  });

  it('returns an empty list for no points', async () => {
    expect(await engine.transformPoints('EPSG:4326', 'EPSG:3035', [])).toEqual([]);
  });
});
