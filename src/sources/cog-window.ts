import type { GeoTIFFImage } from 'geotiff';
import { loadGeotiff } from '../raster/geotiff-module.js';
import type { GdalEngine } from '../../wasm/engine.js';
import { FileError } from '../errors.js';
import type { Resampling } from '../processors/resampling.js';
import { Raster } from '../raster/raster.js';
import { dtypeOfArray, type TypedArray } from '../raster/dtype.js';
import { gdalMetadataValue } from '../formats/gdal-text.js';
import { nodataOf } from '../raster/read-raster.js';
import { SpatialSpec } from '../spec/spatial-spec.js';
import { VersionCheckedClient } from './checked-client.js';
import type { RemoteValidators } from './remote-version.js';

/** What a window is read for: a warp onto `spec` with `resampling`. */
export interface WindowRequest {
  spec: SpatialSpec;
  resampling: Resampling;
}

/** A window of source pixels, `[x0, y0, x1, y1)` in the full-resolution image. */
export type PixelWindow = [number, number, number, number];

/** What `readCogWindow` did: the file it wrote, or why it read nothing (the caller then downloads the file). */
export type WindowResult =
  | { path: string; window: PixelWindow; imageSize: [number, number]; bytesRead: number; requests: number }
  | { path?: undefined; reason: string };

/** Radius in source pixels of each resampling kernel at scale 1 (GDAL's warper kernels). */
const KERNEL_RADIUS: Record<Resampling, number> = {
  nearest: 1,
  bilinear: 1,
  cubic: 2,
  cubicspline: 2,
  lanczos: 3,
  average: 1,
  mode: 1,
  min: 1,
  max: 1,
  med: 1,
  q1: 1,
  q3: 1,
  sum: 1,
  rms: 1,
};

/** Points of the target grid (11 x 11, edges included) where its footprint is measured. */
const SAMPLES_PER_SIDE = 11;

/**
 * Beyond this fraction of the image a window saves little: the whole file is read instead.
 * Above `MAX_RATIO_WITH_OVERVIEWS` target pixels per source pixel, GDAL would warp from one of
 * the file's overviews, which a full-resolution window cannot reproduce.
 */
const MAX_WINDOW_FRACTION = 0.5;
const MAX_RATIO_WITH_OVERVIEWS = 1.5;

/**
 * Reads only the part of a remote (Cloud-)GeoTIFF that a warp onto `request.spec` needs — the
 * target's footprint in the source grid, plus a margin for the resampling kernel (its radius,
 * widened by the downsampling ratio, plus 3 pixels for the warper's approximate transformer) —
 * by HTTP range requests through geotiff.js, and writes it as an uncompressed GeoTIFF at `path`
 * in the engine's file system. The window keeps the source's pixel grid, type, nodata, scales,
 * offsets, band descriptions and colour interpretation (grey or RGB), so warping it gives the
 * pixels, and the band facts, a warp of the whole file gives.
 *
 * Reads nothing (and says why) when a window cannot stand in for the file: a rotated grid or a CRS
 * that is not an EPSG code in the GeoKeys, an internal mask (GDAL would take pixels it masks as
 * nodata), a colour table, an alpha band or a photometric interpretation other than grey or RGB,
 * a window over half the image, a target that misses the image, or a target coarse enough that
 * GDAL would use the file's overviews.
 *
 * @example
 * const result = await readCogWindow(url, validators, head, { spec, resampling: 'bilinear' }, engine, '/tmp/dem.window.tif');
 */
export async function readCogWindow(
  url: string,
  validators: RemoteValidators,
  head: Uint8Array,
  request: WindowRequest,
  engine: GdalEngine,
  path: string,
): Promise<WindowResult> {
  const client = new VersionCheckedClient(url, validators, head);
  let image: GeoTIFFImage;
  let imageCount: number;
  let hasMask: boolean;
  try {
    // Through loadGeotiff: the platform registers its JPEG and WebP decoders when geotiff.js loads.
    const { fromCustomClient } = await loadGeotiff();
    const tiff = await fromCustomClient(client);
    image = await tiff.getImage(0);
    imageCount = await tiff.getImageCount();
    hasMask = false;
    // Overviews and masks are further images; a COG's directories all sit in its first bytes.
    for (let index = 1; index < imageCount && !hasMask; index++) hasMask = isMask(await tiff.getImage(index));
  } catch (error) {
    if (error instanceof FileError) throw error;
    return { reason: `geotiff.js cannot read it as a GeoTIFF (${(error as Error).message})` };
  }
  const grid = northUpGrid(image);
  if (!grid) return { reason: 'its grid is rotated or not georeferenced' };
  const crs = epsgCrs(image);
  if (!crs) return { reason: 'its CRS is not an EPSG code in the GeoKeys' };
  if (hasMask) return { reason: 'it has an internal mask, which a window does not carry' };
  const photometric = colourModel(image);
  if ('reason' in photometric) return photometric;

  const width = image.getWidth();
  const height = image.getHeight();
  const footprint = await footprintInPixels(request.spec, crs, grid, engine);
  if (!footprint) return { reason: 'the target grid does not transform into the source CRS' };
  const [fx0, fy0, fx1, fy1] = footprint;
  const ratio = Math.max((fx1 - fx0) / request.spec.width!, (fy1 - fy0) / request.spec.height!);
  if (imageCount > 1 && ratio > MAX_RATIO_WITH_OVERVIEWS) return { reason: `the target is ${ratio.toFixed(1)}x coarser than the source, which has overviews GDAL would use` };
  const margin = Math.ceil(KERNEL_RADIUS[request.resampling] * Math.max(1, ratio)) + 3;
  const window: PixelWindow = [
    Math.max(0, Math.floor(fx0) - margin),
    Math.max(0, Math.floor(fy0) - margin),
    Math.min(width, Math.ceil(fx1) + margin),
    Math.min(height, Math.ceil(fy1) + margin),
  ];
  const [x0, y0, x1, y1] = window;
  if (x1 <= x0 || y1 <= y0) return { reason: 'the target grid misses the image' };
  if ((x1 - x0) * (y1 - y0) > MAX_WINDOW_FRACTION * width * height) return { reason: 'the target needs more than half of the image' };

  let bands: TypedArray[];
  try {
    bands = Array.from((await image.readRasters({ window, interleave: false })) as unknown as TypedArray[]);
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError(`cannot decode the pixels of ${url} in window ${window.join(',')}: ${(error as Error).message}`, url, { cause: error });
  }
  const { scales, offsets, names } = await bandMetadata(image);
  const spec = new SpatialSpec({ crs, transform: [grid.xRes, 0, grid.originX + x0 * grid.xRes, 0, grid.yRes, grid.originY + y0 * grid.yRes], shape: [y1 - y0, x1 - x0] });
  const raster = Raster.fromArrays(bands, spec, { nodata: nodataOf(image, dtypeOfArray(bands[0]!)), scales, offsets, ...(names.some(Boolean) ? { names } : {}) });
  // GDAL copies the colour interpretation of the source bands to a warp's output.
  await raster.write(path, { engine, compress: 'NONE', tiled: false, creationOptions: [`PHOTOMETRIC=${photometric.model}`] });
  return { path, window, imageSize: [width, height], bytesRead: client.bytesRead, requests: client.requests };
}

interface NorthUpGrid {
  originX: number;
  originY: number;
  xRes: number;
  yRes: number;
}

function northUpGrid(image: GeoTIFFImage): NorthUpGrid | undefined {
  const directory = image.getFileDirectory();
  const matrix = directory.getValue('ModelTransformation') as number[] | undefined;
  let grid: NorthUpGrid;
  if (matrix && matrix.length >= 8) {
    if (matrix[1] !== 0 || matrix[4] !== 0) return undefined;
    grid = { xRes: matrix[0]!, originX: matrix[3]!, yRes: matrix[5]!, originY: matrix[7]! };
  } else if (directory.hasTag('ModelTiepoint') && directory.hasTag('ModelPixelScale')) {
    const [originX, originY] = image.getOrigin();
    const [xRes, yRes] = image.getResolution();
    grid = { originX: originX!, originY: originY!, xRes: xRes!, yRes: yRes! };
  } else {
    return undefined;
  }
  // PixelIsPoint: the tie point names a pixel centre; GDAL shifts to the corner.
  if (image.getGeoKeys()?.GTRasterTypeGeoKey === 2) grid = { ...grid, originX: grid.originX - grid.xRes / 2, originY: grid.originY - grid.yRes / 2 };
  return grid;
}

function epsgCrs(image: GeoTIFFImage): string | undefined {
  const keys = image.getGeoKeys();
  if (!keys) return undefined;
  const projected = keys.ProjectedCSTypeGeoKey as number | undefined;
  const geographic = keys.GeographicTypeGeoKey as number | undefined;
  if (projected !== undefined) return projected > 0 && projected !== 32767 ? `EPSG:${projected}` : undefined;
  if (geographic !== undefined && geographic > 0 && geographic !== 32767 && keys.GTModelTypeGeoKey === 2) return `EPSG:${geographic}`;
  return undefined;
}

/** The target grid's extent in source pixel coordinates `[x0, y0, x1, y1]`, from a lattice of its points. */
async function footprintInPixels(spec: SpatialSpec, crs: string, grid: NorthUpGrid, engine: GdalEngine): Promise<PixelWindow | undefined> {
  const t = spec.transform!;
  const points: Array<[number, number]> = [];
  for (let i = 0; i < SAMPLES_PER_SIDE; i++) {
    for (let j = 0; j < SAMPLES_PER_SIDE; j++) {
      const col = (spec.width! * i) / (SAMPLES_PER_SIDE - 1);
      const row = (spec.height! * j) / (SAMPLES_PER_SIDE - 1);
      points.push([t[0] * col + t[1] * row + t[2], t[3] * col + t[4] * row + t[5]]);
    }
  }
  const source = await engine.transformPoints(spec.crs, crs, points);
  const pixels = source
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    .map(([x, y]) => [(x - grid.originX) / grid.xRes, (y - grid.originY) / grid.yRes] as const);
  if (pixels.length < points.length) return undefined;
  const xs = pixels.map((p) => p[0]);
  const ys = pixels.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Whether an image of the file is a transparency mask (TIFF NewSubfileType bit 4: GDAL's internal masks). */
function isMask(image: GeoTIFFImage): boolean {
  const type = image.getFileDirectory().getValue('NewSubfileType') as number | undefined;
  return typeof type === 'number' && (type & 4) !== 0;
}

/** PhotometricInterpretation 1 (grey), 2 (RGB, three samples or more, none of them alpha) or YCbCr JPEG (decoded to RGB); anything else is a reason. */
function colourModel(image: GeoTIFFImage): { model: 'MINISBLACK' | 'RGB' } | { reason: string } {
  const directory = image.getFileDirectory();
  const photometric = (directory.getValue('PhotometricInterpretation') as number | undefined) ?? 1;
  const extra = directory.getValue('ExtraSamples') as number[] | number | undefined;
  // ExtraSamples 1 and 2 are associated and unassociated alpha, which GDAL warps as transparency.
  if ((Array.isArray(extra) ? extra : extra === undefined ? [] : [extra]).some((kind) => kind === 1 || kind === 2)) return { reason: 'it has an alpha band' };
  if (photometric === 3) return { reason: 'it has a colour table' };
  if (photometric === 1) return { model: 'MINISBLACK' };
  if (photometric === 2 && image.getSamplesPerPixel() >= 3) return { model: 'RGB' };
  // YCbCr JPEG tiles decode to RGB (libjpeg-turbo, as in GDAL), which is what GDAL warps.
  if (photometric === 6 && Number(directory.getValue('Compression')) === 7 && image.getSamplesPerPixel() === 3) return { model: 'RGB' };
  return { reason: `its photometric interpretation (${photometric}) is not grey or RGB` };
}

async function bandMetadata(image: GeoTIFFImage): Promise<{ scales: number[]; offsets: number[]; names: string[] }> {
  const scales: number[] = [];
  const offsets: number[] = [];
  const names: string[] = [];
  for (let sample = 0; sample < image.getSamplesPerPixel(); sample++) {
    const meta = ((await image.getGDALMetadata(sample)) ?? {}) as Record<string, string>;
    scales.push(meta.SCALE !== undefined ? Number(meta.SCALE) : 1);
    offsets.push(meta.OFFSET !== undefined ? Number(meta.OFFSET) : 0);
    names.push(meta.DESCRIPTION !== undefined ? gdalMetadataValue(meta.DESCRIPTION) : '');
  }
  return { scales, offsets, names };
}
