import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { colorbarLayout, renderRaster, type Band } from '../../src/render/index.js';
import { DATA, HAS_DATA, NO_DATA_REASON, OUTPUT, decodePng, pixel } from './helpers.js';

async function readBand(name: string): Promise<Band> {
  const bytes = readFileSync(path.join(DATA, name));
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const image = await tiff.getImage();
  const [data] = (await image.readRasters({ interleave: false })) as unknown as ArrayLike<number>[];
  return { width: image.getWidth(), height: image.getHeight(), data: data!, nodata: image.getGDALNoData() };
}

describe.skipIf(!HAS_DATA)(`rendering real rasters ${HAS_DATA ? '' : NO_DATA_REASON}`, () => {
  it('renders elev.tif with terrain and a colour bar, its -32768 nodata area transparent', async () => {
    const band = await readBand('elev.tif');
    expect([band.width, band.height, band.nodata]).toEqual([95, 90, -32768]);
    const scale = 3;
    const png = await renderRaster(band, { colormap: 'terrain', colorbar: { label: 'Elevation', units: 'm' }, scale, textScale: 1 });
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(path.join(OUTPUT, 'elev-terrain.png'), png);

    const image = decodePng(png);
    const bar = colorbarLayout(rangeOf(band), band.height * scale, { label: 'Elevation', units: 'm' }, 1);
    expect([image.width, image.height]).toEqual([4 + 95 * scale + bar.width, 4 + 90 * scale + 4]);
    let nodata = 0;
    let valid = 0;
    for (let row = 0; row < band.height; row++) {
      for (let col = 0; col < band.width; col++) {
        const isNodata = band.data[row * band.width + col] === -32768;
        // Centre of the pixel's block in the figure (4 px margin).
        const alpha = pixel(image, 4 + col * scale + 1, 4 + row * scale + 1)[3];
        expect(alpha).toBe(isNodata ? 0 : 255);
        if (isNodata) nodata++;
        else valid++;
      }
    }
    // Luxembourg does not fill its bounding box: both kinds of pixel must be there for the check to mean anything.
    expect(nodata).toBeGreaterThan(1000);
    expect(valid).toBeGreaterThan(4000);
  });

  it('renders the Vinschgau elevation (Float32, nodata -3.4e38) with a p2-p98 stretch, its nodata transparent', async () => {
    const band = await readBand('elev_vinschgau.tif');
    const png = await renderRaster(band, { colormap: 'viridis', range: 'p2-p98', colorbar: { label: 'Elevation', units: 'm' }, title: 'Vinschgau' });
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(path.join(OUTPUT, 'elev-vinschgau-viridis.png'), png);
    const image = decodePng(png);
    expect(image.height).toBe(4 + 9 + 4 + band.height + 4);
    const transparent = Array.from({ length: band.width * band.height }, (_, i) => i).filter(
      (i) => pixel(image, 4 + (i % band.width), 17 + Math.floor(i / band.width))[3] === 0,
    ).length;
    const missing = Array.from(band.data).filter((v) => !(v > -1e38)).length;
    expect(transparent).toBe(missing);
  });
});

function rangeOf(band: Band): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < band.data.length; i++) {
    const v = band.data[i]!;
    if (v === band.nodata) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return [min, max];
}
