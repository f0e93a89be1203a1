import type { GdalEngine } from '../../wasm/engine.js';
import { creationArgs, type WriteOptions } from './write-options.js';
import { affineToGdal } from '../spec/affine.js';
import { writeGeoTiff } from './geotiff-output.js';
import { dtypeInfo, gdalTypeName } from './dtype.js';
import type { Raster } from './raster.js';
import { escapeXml, gdalNumber } from '../formats/gdal-text.js';

export { creationArgs, type WriteOptions } from './write-options.js';

/**
 * Writes a raster to a GeoTIFF through GDAL: the bands go to a raw file described by a VRT, which
 * `gdal_translate` turns into the GeoTIFF with the requested creation options. Values, nodata,
 * CRS, transform, scales and offsets round-trip exactly.
 */
export async function writeRaster(raster: Raster, path: string, engine: GdalEngine, options: WriteOptions = {}): Promise<void> {
  creationArgs(options, raster); // refuses bad options before anything is written
  const stem = `${path}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  const rawPath = `${stem}.raw`;
  const vrtPath = `${stem}.vrt`;
  try {
    await engine.fs.writeFile(rawPath, concatBands(raster));
    await engine.fs.writeFile(vrtPath, new TextEncoder().encode(vrtXml(raster, baseName(rawPath))));
    await engine.fs.remove(path);
    await writeGeoTiff(engine, path, options, raster, [], (dest, creation) => engine.translate(vrtPath, dest, creation));
  } finally {
    await engine.fs.remove(rawPath);
    await engine.fs.remove(vrtPath);
  }
}

function concatBands(raster: Raster): Uint8Array {
  const bandBytes = raster.width * raster.height * dtypeInfo(raster.dtype).bytes;
  const out = new Uint8Array(bandBytes * raster.count);
  raster.bands.forEach((band, i) => out.set(new Uint8Array(band.buffer, band.byteOffset, bandBytes), i * bandBytes));
  return out;
}

/** A VRT over the raw band-sequential file: GDAL reads our bytes as they are (little-endian). */
function vrtXml(raster: Raster, rawName: string): string {
  const pixelBytes = dtypeInfo(raster.dtype).bytes;
  const bandBytes = raster.width * raster.height * pixelBytes;
  const gt = affineToGdal(raster.transform).map(gdalNumber).join(', ');
  const srs = raster.crs ? `  <SRS>${escapeXml(raster.crs)}</SRS>\n` : '';
  const bands = raster.bands
    .map((_, i) => {
      const lines = [
        `  <VRTRasterBand dataType="${gdalTypeName(raster.dtype)}" band="${i + 1}" subClass="VRTRawRasterBand">`,
        raster.nodata !== null ? `    <NoDataValue>${gdalNumber(raster.nodata)}</NoDataValue>` : '',
        raster.scales[i] !== 1 ? `    <Scale>${gdalNumber(raster.scales[i]!)}</Scale>` : '',
        raster.offsets[i] !== 0 ? `    <Offset>${gdalNumber(raster.offsets[i]!)}</Offset>` : '',
        raster.names[i] ? `    <Description>${escapeXml(raster.names[i]!)}</Description>` : '',
        `    <SourceFilename relativeToVRT="1">${escapeXml(rawName)}</SourceFilename>`,
        `    <ImageOffset>${i * bandBytes}</ImageOffset>`,
        `    <PixelOffset>${pixelBytes}</PixelOffset>`,
        `    <LineOffset>${raster.width * pixelBytes}</LineOffset>`,
        '    <ByteOrder>LSB</ByteOrder>',
        '  </VRTRasterBand>',
      ];
      return lines.filter(Boolean).join('\n');
    })
    .join('\n');
  return `<VRTDataset rasterXSize="${raster.width}" rasterYSize="${raster.height}">\n${srs}  <GeoTransform>${gt}</GeoTransform>\n${bands}\n</VRTDataset>\n`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
