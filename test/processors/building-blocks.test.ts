import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { parseVrtGrid } from '../../src/spec/exact-grid.js';
import { gdalNumber } from '../../src/formats/gdal-text.js';
import { jsonNumber } from '../../src/processors/output-type.js';
import { gdalResampling, validateResampling } from '../../src/processors/resampling.js';
import { targetGrid } from '../../src/processors/target-grid.js';
import { sqlLiteral, sqlName } from '../../src/processors/vector-source.js';
import { setVrtBandMetadata } from '../../src/processors/vrt-bands.js';
import { SpatialSpec } from '../../src/spec/spatial-spec.js';
import { colorTableText } from '../../src/terrain/color-table.js';
import { degreeScale, verticalUnitMetres } from '../../src/terrain/dem-scale.js';

const VRT = `<VRTDataset rasterXSize="95" rasterYSize="90">
  <GeoTransform>  5.7416666666666663e+00,  8.3333333333333367e-03,  0.0000000000000000e+00,  5.0191666666666663e+01,  0.0000000000000000e+00, -8.3333333333333332e-03</GeoTransform>
  <VRTRasterBand dataType="Int16" band="1">
    <Scale>2</Scale>
    <SimpleSource />
  </VRTRasterBand>
  <VRTRasterBand dataType="Int16" band="2" />
</VRTDataset>`;

describe('processor building blocks', () => {
  it('reads a VRT grid with all 17 digits, so the doubles are exact', () => {
    expect(parseVrtGrid(VRT)).toEqual({ width: 95, height: 90, geoTransform: [5.741666666666666, 0.008333333333333337, 0, 50.19166666666666, 0, -0.008333333333333333] });
    expect(parseVrtGrid('<VRTDataset rasterXSize="2" rasterYSize="2"></VRTDataset>')).toBeUndefined();
  });

  it('sets band scale, offset and description in a VRT, replacing existing ones and opening self-closed bands', () => {
    const xml = setVrtBandMetadata(VRT, [{ scale: 0.5, description: 'a & b' }, { offset: NaN }], 'test.vrt');
    expect(xml.match(/<Scale>[^<]*<\/Scale>/g)).toEqual(['<Scale>0.5</Scale>']);
    expect(xml).toContain('<Description>a &amp; b</Description>');
    expect(xml).toContain('<VRTRasterBand dataType="Int16" band="2">\n    <Offset>nan</Offset></VRTRasterBand>');
    expect(() => setVrtBandMetadata(VRT, [{ scale: 1 }], 'test.vrt')).toThrow('the VRT test.vrt has 2 band(s), but metadata for 1 was given');
  });

  it("turns a spec into gdalwarp's -te/-tr with the spec's own numbers", () => {
    const spec = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.1, 0, 5.7, 0, -0.1, 50.2], shape: [8, 9] });
    expect(targetGrid(spec, 'Test')).toEqual({
      crs: 'EPSG:4326',
      width: 9,
      height: 8,
      args: ['-te', '5.7', String(50.2 - 0.1 * 8), String(5.7 + 0.1 * 9), '50.2', '-tr', '0.1', '0.1'],
    });
    const southUp = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.1, 0, 5.7, 0, 0.1, 49.4], shape: [8, 9] });
    expect(() => targetGrid(southUp, 'Test')).toThrow(
      new InvalidInputError(`Test cannot produce ${southUp}: GDAL writes north-up grids only (pixel width a > 0 and pixel height e < 0), got a = 0.1, e = 0.1`),
    );
  });

  it('writes numbers for GDAL arguments and for JSON settings without losing NaN', () => {
    expect([gdalNumber(NaN), gdalNumber(-Infinity), gdalNumber(0.1 + 0.2)]).toEqual(['nan', '-inf', '0.30000000000000004']);
    expect([jsonNumber(NaN), jsonNumber(Infinity), jsonNumber(-3)]).toEqual(['NaN', 'Infinity', -3]);
  });

  it("maps resampling names to gdalwarp's", () => {
    expect(gdalResampling(validateResampling('nearest'))).toBe('near');
    expect(gdalResampling(validateResampling('q3'))).toBe('q3');
    expect(() => validateResampling('near')).toThrow(InvalidInputError);
  });

  it('quotes names and values for OGR SQL', () => {
    // OGR SQL reads a quote in a name escaped with a backslash, not doubled as in SQL.
    expect(sqlName('my "layer"')).toBe('"my \\"layer\\""');
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral(0.1)).toBe('0.1');
  });

  it("writes gdaldem's colour file and knows elevation units", () => {
    expect(colorTableText([[100, 0, 0, 0], ['50%', 1, 2, 3, 4], ['nv', 0, 0, 0, 0]], 'test')).toBe('100 0 0 0\n50% 1 2 3 4\nnv 0 0 0 0\n');
    expect([verticalUnitMetres(undefined, 'x'), verticalUnitMetres('Metre', 'x'), verticalUnitMetres('ft', 'x')]).toEqual([1, 1, 0.3048]);
    expect(degreeScale(0)).toBeCloseTo(110946.24, 1);
    expect(degreeScale(60)).toBeLessThan(degreeScale(30));
  });
});
