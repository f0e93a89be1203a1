import { describe, expect, it } from 'vitest';
import { GeodataError, InvalidInputError } from '../../src/errors.js';
import { createImage, drawText, GLYPH_WIDTH, glyphBitmap, renderRaster, renderRgba, renderSvg, toImageData, type RgbaImage } from '../../src/render/index.js';
import { decodePng, opaque, pixel, pngChunks } from './helpers.js';

/** A 4x3 band holding 0..11 row by row. */
const gradient = { width: 4, height: 3, data: Float32Array.from({ length: 12 }, (_, i) => i) };

describe('renderRaster', () => {
  it('renders a 4x3 gradient with gray over [0, 12] to exact grey levels', async () => {
    const image = decodePng(await renderRaster(gradient, { colormap: 'gray', range: [0, 12] }));
    expect([image.width, image.height]).toEqual([4, 3]);
    // Value v lands on entry floor(v / 12 * 256), and gray entry i is (i, i, i).
    const expected = [0, 21, 42, 64, 85, 106, 128, 149, 170, 192, 213, 234];
    for (let i = 0; i < 12; i++) expect(pixel(image, i % 4, Math.floor(i / 4))).toEqual([expected[i], expected[i], expected[i], 255]);
  });

  it('colours 0, 0.5 and 1 over [0, 1] with matplotlib viridis #440154, #21918c, #fde725', async () => {
    const image = decodePng(await renderRaster({ width: 3, height: 1, data: [0, 0.5, 1] }, { colormap: 'viridis', range: [0, 1] }));
    expect([pixel(image, 0, 0), pixel(image, 1, 0), pixel(image, 2, 0)]).toEqual([opaque('#440154'), opaque('#21918c'), opaque('#fde725')]);
  });

  it('clamps values outside the range to the end colours', async () => {
    const image = decodePng(await renderRaster({ width: 2, height: 1, data: [-50, 50] }, { colormap: 'viridis', range: [0, 1] }));
    expect([pixel(image, 0, 0), pixel(image, 1, 0)]).toEqual([opaque('#440154'), opaque('#fde725')]);
  });

  it('colours a float64 band spanning nearly the whole double range from lowest to highest colour', async () => {
    // max - min overflows to Infinity here: every pixel used to take the lowest colour.
    const band = { width: 3, height: 1, data: Float64Array.of(-1.7e308, 0, 1.7e308) };
    const image = decodePng(await renderRaster(band, { colormap: 'viridis' }));
    expect([pixel(image, 0, 0), pixel(image, 1, 0), pixel(image, 2, 0)]).toEqual([opaque('#440154'), opaque('#21918c'), opaque('#fde725')]);
  });

  it('makes nodata pixels and NaN pixels transparent', async () => {
    const band = { width: 3, height: 1, data: Float32Array.of(-9999, Number.NaN, 5), nodata: -9999 };
    const image = decodePng(await renderRaster(band, { colormap: 'gray', range: [0, 5] }));
    expect(pixel(image, 0, 0)[3]).toBe(0);
    expect(pixel(image, 1, 0)[3]).toBe(0);
    expect(pixel(image, 2, 0)).toEqual([255, 255, 255, 255]);
  });

  it('upscales by an integer factor, each pixel becoming a block', async () => {
    const image = decodePng(await renderRaster(gradient, { colormap: 'gray', range: [0, 12], scale: 3 }));
    expect([image.width, image.height]).toEqual([12, 9]);
    // Band pixel (1, 2) holds 9 → grey 192, and covers image pixels x 3..5, y 6..8.
    for (const [x, y] of [[3, 6], [5, 8], [4, 7]] as const) expect(pixel(image, x, y)).toEqual([192, 192, 192, 255]);
    expect(pixel(image, 6, 6)).toEqual([213, 213, 213, 255]);
  });

  it('darkens colours under a hillshade by 1 - strength + strength * shade', async () => {
    const band = { width: 3, height: 1, data: [200, 200, 200] };
    const hillshade = { width: 3, height: 1, data: Uint8Array.of(255, 64, 0) };
    const image = decodePng(await renderRaster(band, { colormap: 'gray', range: [0, 255], hillshade }));
    // 200 lands on gray entry floor(200 / 255 * 256) = 200; shade 64/255 at strength 0.5 gives factor 0.62549.
    expect([pixel(image, 0, 0), pixel(image, 1, 0), pixel(image, 2, 0)]).toEqual([
      [200, 200, 200, 255],
      [125, 125, 125, 255],
      [100, 100, 100, 255],
    ]);
    const full = decodePng(await renderRaster(band, { colormap: 'gray', range: [0, 255], hillshade, hillshadeStrength: 1 }));
    expect(pixel(full, 2, 0)).toEqual([0, 0, 0, 255]);
  });

  it('normalises a non-byte hillshade from its own min to max and leaves colours under its nodata alone', () => {
    const band = { width: 3, height: 1, data: [200, 200, 200] };
    const hillshade = { width: 3, height: 1, data: Float32Array.of(-1, 10, 20), nodata: -1 };
    const image = renderRgba(band, { colormap: 'gray', range: [0, 255], hillshade, hillshadeStrength: 0.5 });
    expect([pixel(image, 0, 0), pixel(image, 1, 0), pixel(image, 2, 0)]).toEqual([
      [200, 200, 200, 255],
      [100, 100, 100, 255],
      [200, 200, 200, 255],
    ]);
  });

  it('adds a colour bar that widens the image by its layout and runs from the max colour (top) to the min (bottom)', async () => {
    const png = await renderRaster(gradient, {
      colormap: 'viridis',
      range: [0, 12],
      scale: 20,
      colorbar: { label: 'Slope', units: '°' },
      textScale: 1,
    });
    const image = decodePng(png);
    // 80x60 raster with a 4 px margin left, top and bottom. To its right: gap 8, frame 1, bar 12,
    // frame 1, tick 3, gap 2, tick labels "0" "5" "10" (widest 11), gap 6, rotated label 9, margin 4.
    expect(image.width).toBe(4 + 80 + (8 + 1 + 12 + 1 + 3 + 2 + 11 + 6 + 9 + 4));
    expect(image.height).toBe(4 + 60 + 4);
    const barLeft = 4 + 80 + 8 + 1;
    for (const x of [barLeft, barLeft + 11]) {
      expect(pixel(image, x, 4)).toEqual(opaque('#fde725'));
      expect(pixel(image, x, 4 + 59)).toEqual(opaque('#440154'));
    }
    // The frame just outside the bar is black; the raster sits unchanged at (4, 4).
    expect(pixel(image, barLeft - 1, 30)).toEqual([0, 0, 0, 255]);
    expect(pixel(image, 4, 4)).toEqual(opaque('#440154'));
  });

  it("draws the colour bar's title 'Label (units)' reading upwards, centred on the bar, and only the units glyph changes with the units", () => {
    const render = (units: string) => renderRgba(gradient, { colormap: 'viridis', range: [0, 12], scale: 20, colorbar: { label: 'Slope', units }, textScale: 1 });
    const degrees = render('°');
    const metres = render('m');
    expect([degrees.width, degrees.height]).toEqual([141, 68]);
    // The title's column starts after the tick labels and a 6 px gap, x = 4 + 80 + 44 = 128, and
    // is 9 px wide, then a 4 px margin. 'Slope (°)' is 9 * 6 - 1 = 53 px long, centred on the
    // 60 px bar: from y = 4 + 3 = 7. Nothing else is drawn in that column.
    const column = (image: RgbaImage) => Array.from({ length: 13 * 68 }, (_, i) => pixel(image, 128 + (i % 13), Math.floor(i / 13)));
    const expected = createImage(141, 68, [255, 255, 255, 255]);
    drawText(expected, 'Slope (°)', 128, 7, { rotate: 90 });
    expect(column(degrees)).toEqual(column(expected));

    // 'm' and '°' are the 8th character: glyph column gx lands on row 7 + 52 - (7 * 6 + gx) = 17 - gx,
    // glyph row gy on x = 128 + gy. The figures differ exactly where the two glyphs do.
    const [m, degree] = [glyphBitmap('m')!, glyphBitmap('°')!];
    const glyphDifferences: string[] = [];
    m.forEach((bit, i) => {
      if (bit !== degree[i]) glyphDifferences.push(`${128 + Math.floor(i / GLYPH_WIDTH)},${17 - (i % GLYPH_WIDTH)}`);
    });
    const figureDifferences: string[] = [];
    for (let y = 0; y < 68; y++) {
      for (let x = 0; x < 141; x++) if (pixel(degrees, x, y).join() !== pixel(metres, x, y).join()) figureDifferences.push(`${x},${y}`);
    }
    expect(glyphDifferences.length).toBeGreaterThan(5);
    expect(figureDifferences.sort()).toEqual(glyphDifferences.sort());
    // Read back, that cell holds the font's glyph: black ink on white.
    const cell = (image: RgbaImage) => Array.from(m, (_, i) => (pixel(image, 128 + Math.floor(i / GLYPH_WIDTH), 17 - (i % GLYPH_WIDTH)).join() === '0,0,0,255' ? 1 : 0));
    expect(cell(degrees)).toEqual(Array.from(degree));
    expect(cell(metres)).toEqual(Array.from(m));
  });

  it('writes the software, title and the colormap and range into PNG text chunks', async () => {
    const png = await renderRaster(gradient, { colormap: 'terrain', range: [0, 12], title: 'Test', metadata: { Source: 'synthetic' } });
    const texts = pngChunks(png)
      .filter((c) => c.type === 'tEXt')
      .map((c) => new TextDecoder('latin1').decode(c.data));
    expect(texts).toEqual(['Software\0geodata', 'Title\0Test', 'Description\0terrain colormap over [0, 12]', 'Source\0synthetic']);
  });

  it('draws a title above the image, making the figure taller', () => {
    const plain = renderRgba(gradient, { scale: 20 });
    const titled = renderRgba(gradient, { scale: 20, title: 'Gradient', textScale: 1 });
    expect([plain.width, plain.height]).toEqual([80, 60]);
    // margin 4 + title 9 + gap 4 above, margin 4 below; margins 4 at both sides.
    expect([titled.width, titled.height]).toEqual([88, 4 + 9 + 4 + 60 + 4]);
    const titleInk = Array.from({ length: 9 * 88 }, (_, i) => pixel(titled, i % 88, 4 + Math.floor(i / 88))).filter((p) => p[0] === 0);
    expect(titleInk.length).toBeGreaterThan(20);
  });

  it('gives identical PNG bytes for two renders of the same input', async () => {
    const options = { colormap: 'terrain', colorbar: { label: 'Elevation', units: 'm' }, scale: 5, title: 'Twice' } as const;
    const first = await renderRaster(gradient, options);
    const second = await renderRaster({ ...gradient, data: gradient.data.slice() }, options);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
  });

  it('rejects an unknown colormap with an InvalidInputError listing the names', async () => {
    await expect(renderRaster(gradient, { colormap: 'jet' })).rejects.toThrow(InvalidInputError);
    await expect(renderRaster(gradient, { colormap: 'jet' })).rejects.toThrow(
      'unknown colormap "jet"; available: viridis, terrain, gray, RdBu, coolwarm',
    );
  });

  it('rejects a range with min >= max, naming it', async () => {
    await expect(renderRaster(gradient, { range: [12, 0] })).rejects.toThrow(InvalidInputError);
    await expect(renderRaster(gradient, { range: [12, 0] })).rejects.toThrow('range [12, 0] has min >= max');
  });

  it('refuses a misspelled option or a colour bar given as a string instead of ignoring it', async () => {
    await expect(renderRaster(gradient, { colourmap: 'terrain' } as never)).rejects.toThrow(
      'renderRaster got unknown option(s) colourmap; it takes colormap, range, hillshade, hillshadeStrength, scale, colorbar, title, textScale, background, ink, metadata',
    );
    expect(() => renderRgba(gradient, { titel: 'Slope' } as never)).toThrow('renderRgba got unknown option(s) titel');
    await expect(renderSvg(gradient, { xlabel: 'Easting' } as never)).rejects.toThrow('renderSvg got unknown option(s) xlabel');
    await expect(renderRaster(gradient, { colorbar: 'Slope' } as never)).rejects.toThrow(
      `colorbar "Slope" is not true, false or { label, units } with text values; e.g. colorbar: { label: 'Slope', units: '°' }`,
    );
    await expect(renderSvg(gradient, { colorbar: { label: 'Slope', unit: '°' } } as never)).rejects.toThrow(InvalidInputError);
  });

  it('says to pass raster.band(i) when given a whole raster or a bare typed array', async () => {
    const raster = { width: 4, height: 3, bands: [gradient.data, gradient.data], nodata: null };
    await expect(renderRaster(raster as never)).rejects.toThrow('band is a raster of 2 band(s), not one band; pass raster.band(0)');
    await expect(renderRaster(new Float32Array(12) as never)).rejects.toThrow(
      'band is a Float32Array of 12 values without its size; pass { width, height, data, nodata? }: raster.band(i) gives that for a Raster',
    );
  });

  it('rejects band data whose length is not width * height, naming both', async () => {
    const band = { width: 4, height: 3, data: new Float32Array(11) };
    await expect(renderRaster(band)).rejects.toThrow(InvalidInputError);
    await expect(renderRaster(band)).rejects.toThrow('band data has 11 values but width * height = 4 * 3 = 12');
  });

  it('rejects a hillshade on another grid, a strength outside 0..1 and a fractional scale', () => {
    const hillshade = { width: 3, height: 4, data: new Uint8Array(12) };
    expect(() => renderRgba(gradient, { hillshade })).toThrow('hillshade band is 3x4 but the band it shades is 4x3');
    expect(() => renderRgba(gradient, { hillshade: { ...gradient }, hillshadeStrength: 2 })).toThrow(
      'hillshade strength 2 is not between 0 (no shading) and 1 (full multiply)',
    );
    expect(() => renderRgba(gradient, { scale: 1.5 })).toThrow('scale 1.5 is not a positive integer');
  });

  it('says a band too large for a figure at actual size needs a coarser grid, not a smaller scale', async () => {
    // 20000x14000 pixels (280 million, over 2^28): the size alone decides, so no pixels are allocated.
    const huge = { width: 20000, height: 14000, data: { length: 20000 * 14000 } as ArrayLike<number> };
    const message =
      "band is 20000x14000, more than the 268435456 pixels a figure can have; render it on a coarser grid: load the data on a spec with a larger pixel size (a Reprojector with resampling: 'average')";
    expect(() => renderRgba(huge)).toThrow(message);
    await expect(renderSvg(huge)).rejects.toThrow(message);
    // Within the limit at actual size, a scale that overshoots is what to change.
    expect(() => renderRgba({ width: 10000, height: 10000, data: { length: 1e8 } }, { scale: 2 })).toThrow('scale 2 makes a 20000x20000 image, more than 268435456 pixels; use a smaller scale');
  });

  it.skipIf(typeof ImageData !== 'undefined')('explains that Node has no ImageData when toImageData is called there', () => {
    expect(() => toImageData(renderRgba(gradient))).toThrow(GeodataError);
    expect(() => toImageData(renderRgba(gradient))).toThrow('ImageData does not exist in this runtime (Node has none)');
  });
});
