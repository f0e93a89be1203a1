import { describe, expect, it } from 'vitest';
import { CrsError } from '../../src/errors.js';
import { crsFactsFromWkt, parseWkt } from '../../wasm/wkt.js';

const WKT1_UTM = `PROJCS["WGS 84 / UTM zone 32N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",9],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32632"]]`;

const WKT2_FEET = `PROJCRS["custom",
    BASEGEOGCRS["WGS 84", DATUM["World Geodetic System 1984", ELLIPSOID["WGS 84",6378137,298.257223563, LENGTHUNIT["metre",1]]],
        PRIMEM["Greenwich",0, ANGLEUNIT["degree",0.0174532925199433]], ID["EPSG",4326]],
    CONVERSION["UTM zone 32N", METHOD["Transverse Mercator", ID["EPSG",9807]],
        PARAMETER["False easting",500000, LENGTHUNIT["metre",1], ID["EPSG",8806]]],
    CS[Cartesian,2],
        AXIS["easting",east, ORDER[1], LENGTHUNIT["US survey foot",0.304800609601219]],
        AXIS["northing",north, ORDER[2], LENGTHUNIT["US survey foot",0.304800609601219]]]`;

describe('WKT reading', () => {
  it('parses keywords, quoted strings with doubled quotes, bare words and numbers', () => {
    expect(parseWkt('AXIS["say ""x""",east,ORDER[1]]')).toEqual({
      keyword: 'AXIS',
      children: ['say "x"', 'east', { keyword: 'ORDER', children: [1] }],
    });
    expect(parseWkt('UNIT["f", -1.5e-3 ]').children).toEqual(['f', -0.0015]);
  });

  it('rejects unbalanced WKT with a CrsError', () => {
    expect(() => parseWkt('GEOGCRS["WGS 84"')).toThrow(CrsError);
    expect(() => parseWkt('GEOGCRS["WGS 84"]]')).toThrow(CrsError);
  });

  it('reads the root authority of WKT1, not a nested one', () => {
    expect(crsFactsFromWkt(WKT1_UTM)).toEqual({ authority: 'EPSG:32632', isGeographic: false, linearUnitMetres: 1 });
  });

  it('reads the linear unit of a WKT2 projected CRS from its axes, and no authority when the root has none', () => {
    expect(crsFactsFromWkt(WKT2_FEET)).toEqual({ isGeographic: false, linearUnitMetres: 0.304800609601219 });
  });

  it('tells geographic CRSs: GEOGCS, GEOGCRS, and GEODCRS with an ellipsoidal CS but not a Cartesian one', () => {
    expect(crsFactsFromWkt('GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]]')).toEqual({ authority: 'EPSG:4326', isGeographic: true });
    expect(crsFactsFromWkt('GEODCRS["x",CS[ellipsoidal,2]]').isGeographic).toBe(true);
    expect(crsFactsFromWkt('GEODCRS["x",CS[Cartesian,3],LENGTHUNIT["metre",1]]')).toEqual({ isGeographic: false, linearUnitMetres: 1 });
  });

  it('looks through BOUNDCRS and COMPOUNDCRS to the horizontal CRS', () => {
    const bound = `BOUNDCRS[SOURCECRS[${WKT1_UTM}],TARGETCRS[GEOGCRS["WGS 84"]],ABRIDGEDTRANSFORMATION["x"]]`;
    expect(crsFactsFromWkt(bound)).toEqual({ isGeographic: false, linearUnitMetres: 1 });
    const compound = 'COMPOUNDCRS["x",GEOGCRS["WGS 84",CS[ellipsoidal,2]],VERTCRS["h"],ID["EPSG",9705]]';
    expect(crsFactsFromWkt(compound)).toEqual({ authority: 'EPSG:9705', isGeographic: true });
  });
});
