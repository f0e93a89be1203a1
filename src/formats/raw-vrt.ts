import { gdalTypeName, dtypeInfo, type DType } from '../raster/dtype.js';
import type { GeoTransform } from '../spec/affine.js';
import { escapeXml, gdalNumber } from './gdal-text.js';

/** What a VRT over a raw, band-sequential, little-endian file needs to say. */
export interface RawVrt {
  width: number;
  height: number;
  dtype: DType;
  bandCount: number;
  /** The raw file's name, relative to the VRT (they sit in one folder). */
  rawName: string;
  crs?: string;
  geoTransform?: GeoTransform;
  nodata?: number;
  scale?: number;
  offset?: number;
  unit?: string;
  /** Metadata items per band (GDAL's NETCDF_VARNAME, NETCDF_DIM_time, ...). */
  bandMetadata?: Array<Record<string, string>>;
}

/**
 * The XML of a VRT whose bands are `VRTRawRasterBand`s over one raw file written band after
 * band, row after row (north first), little-endian: GDAL reads it like any raster, with the CRS,
 * geotransform, nodata, scale, offset and unit the source format carried.
 *
 * @example rawVrtXml({ width: 4, height: 3, dtype: 'uint16', bandCount: 1, rawName: 'tmmx.raw', crs: 'EPSG:4326', nodata: 32767 })
 */
export function rawVrtXml(vrt: RawVrt): string {
  const bytes = dtypeInfo(vrt.dtype).bytes;
  const lines = [`<VRTDataset rasterXSize="${vrt.width}" rasterYSize="${vrt.height}">`];
  if (vrt.crs) lines.push(`  <SRS>${escapeXml(vrt.crs)}</SRS>`);
  if (vrt.geoTransform) lines.push(`  <GeoTransform>${vrt.geoTransform.map(gdalNumber).join(', ')}</GeoTransform>`);
  for (let band = 0; band < vrt.bandCount; band++) {
    lines.push(`  <VRTRasterBand dataType="${gdalTypeName(vrt.dtype)}" band="${band + 1}" subClass="VRTRawRasterBand">`);
    const metadata = vrt.bandMetadata?.[band];
    if (metadata && Object.keys(metadata).length) {
      lines.push('    <Metadata>');
      for (const [key, value] of Object.entries(metadata)) lines.push(`      <MDI key="${escapeXml(key)}">${escapeXml(value)}</MDI>`);
      lines.push('    </Metadata>');
    }
    if (vrt.nodata !== undefined) lines.push(`    <NoDataValue>${gdalNumber(vrt.nodata)}</NoDataValue>`);
    if (vrt.unit) lines.push(`    <UnitType>${escapeXml(vrt.unit)}</UnitType>`);
    if (vrt.offset !== undefined) lines.push(`    <Offset>${gdalNumber(vrt.offset)}</Offset>`);
    if (vrt.scale !== undefined) lines.push(`    <Scale>${gdalNumber(vrt.scale)}</Scale>`);
    lines.push(`    <SourceFilename relativeToVRT="1">${escapeXml(vrt.rawName)}</SourceFilename>`);
    lines.push(`    <ImageOffset>${band * vrt.width * vrt.height * bytes}</ImageOffset>`);
    lines.push(`    <PixelOffset>${bytes}</PixelOffset>`);
    lines.push(`    <LineOffset>${vrt.width * bytes}</LineOffset>`);
    lines.push('    <ByteOrder>LSB</ByteOrder>');
    lines.push('  </VRTRasterBand>');
  }
  lines.push('</VRTDataset>');
  return `${lines.join('\n')}\n`;
}
