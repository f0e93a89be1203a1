/**
 * SVG figures: `renderSvg` (pixels embedded as PNG, text as SVG text), and Figures whose
 * `_process` returns SVG — a string, or an Observable Plot chart drawn on `svgDocument()` — stored
 * as `.svg` and read back with `figureBytes`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { Data, Figure, SpatialSpec, figureBytes, produce, register, renderRaster, renderRgba, renderSvg, svgDocument, syntheticTerrain, load, Raster } from '../../src/node.js';
import { svgBytes, type SvgOutput } from '../../src/data/svg-output.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, launchChromium } from '../helpers/browser.js';
import { useTempCache } from '../helpers/cache.js';
import { OUTPUT, decodePng, pixel } from './helpers.js';

const spec = new SpatialSpec({ crs: 'EPSG:3035', transform: [100, 0, 4000000, 0, -100, 3000000], shape: [20, 30] });

/** A 30x20 ramp: values 0..599 with one nodata pixel. */
function ramp() {
  const data = new Float32Array(600).map((_, i) => i);
  data[0] = -9999;
  return { width: 30, height: 20, data, nodata: -9999 };
}

function parseSvg(text: string) {
  const { document } = parseHTML(`<!doctype html><html><body>${text}</body></html>`);
  return document.querySelector('svg')!;
}

describe('renderSvg', () => {
  it('embeds the colour-mapped pixels as a PNG and writes title, ticks, axis and colour-bar labels as SVG text', async () => {
    const band = ramp();
    const svg = await renderSvg(band, {
      colormap: 'viridis',
      title: 'Slope & aspect',
      colorbar: { label: 'Slope', units: '°' },
      extent: spec,
      xLabel: 'Easting (m)',
      yLabel: 'Northing (m)',
      width: 300,
    });
    const root = parseSvg(svg);
    expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    const texts = [...root.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts).toContain('Slope & aspect');
    expect(texts).toContain('Slope (°)');
    expect(texts).toContain('Easting (m)');
    expect(texts).toContain('Northing (m)');
    // Easting ticks inside 4000000–4003000, northing inside 2998000–3000000, colour bar inside 1–599.
    expect(texts).toEqual(expect.arrayContaining(['4000000', '4001000', '4002000', '4003000']));
    expect(texts).toEqual(expect.arrayContaining(['2998000', '2999000', '3000000']));
    expect(texts).toEqual(expect.arrayContaining(['100', '200', '300', '400', '500']));

    const image = root.querySelector('image')!;
    expect(image.getAttribute('width')).toBe('300');
    expect(image.getAttribute('height')).toBe('200');
    const href = image.getAttribute('href')!;
    expect(href.startsWith('data:image/png;base64,')).toBe(true);
    const embedded = decodePng(new Uint8Array(Buffer.from(href.slice('data:image/png;base64,'.length), 'base64')));
    const expected = renderRgba(band, { colormap: 'viridis' });
    expect(embedded.width).toBe(30);
    expect(embedded.height).toBe(20);
    expect(Buffer.from(embedded.rgba).equals(Buffer.from(expected.rgba))).toBe(true);

    // The colour bar is a vector gradient from the top colour (max, viridis yellow) to the bottom one.
    const stops = [...root.querySelectorAll('stop')];
    expect(stops[0]!.getAttribute('stop-color')).toBe('rgb(253,231,37)');
    expect(stops.at(-1)!.getAttribute('stop-color')).toBe('rgb(68,1,84)');
  });

  it('draws no axes without an extent, and refuses an extent that is not [left, bottom, right, top]', async () => {
    const root = parseSvg(await renderSvg(ramp()));
    expect(root.querySelectorAll('text').length).toBe(0);
    expect(root.querySelectorAll('image').length).toBe(1);
    await expect(renderSvg(ramp(), { extent: [10, 0, 5, 1] })).rejects.toThrow(/extent \[10, 0, 5, 1\] is not \[left, bottom, right, top\]/);
  });

  it('makes room for the last x tick label at the right edge when there is no colour bar, so 4003000 is not cut off', async () => {
    const root = parseSvg(await renderSvg(ramp(), { extent: spec }));
    const width = Number(root.getAttribute('width'));
    const labels = [...root.querySelectorAll('text')].filter((t) => t.getAttribute('text-anchor') === 'middle');
    const last = labels.at(-1)!;
    expect(last.textContent).toBe('4003000');
    // Centred at the image's right edge; 7 digits at 0.6 em of 12 px reach 25.2 px past it, and a 7 px margin follows.
    expect(Number(last.getAttribute('x'))).toBe(426.4);
    expect(width).toBe(459);
    for (const label of labels) {
      const half = (label.textContent!.length * 12 * 0.6) / 2;
      expect(Number(label.getAttribute('x')) - half).toBeGreaterThanOrEqual(0);
      expect(Number(label.getAttribute('x')) + half).toBeLessThanOrEqual(width);
    }
  });

  it("labels a south-up grid's y axis from its transform: the first row's edge at the top, as its pixels are drawn", async () => {
    // Rows running north (e > 0), as GDAL writes netCDF with ascending latitudes: row 0 lies at y 40..41.
    const southUp = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 10, 0, 1, 40], shape: [3, 4] });
    const band = { width: 4, height: 3, data: new Float32Array(12).map((_, i) => i) };
    const root = parseSvg(await renderSvg(band, { extent: southUp, width: 400, fontSize: 10 }));
    const image = root.querySelector('image')!;
    const top = Number(image.getAttribute('y'));
    const yTicks = [...root.querySelectorAll('text')]
      .filter((t) => t.getAttribute('text-anchor') === 'end')
      .map((t) => [t.textContent, Number(t.getAttribute('y')) - top]);
    // The image is 300 units tall for 3 rows: y 40 (row 0's top edge) at 0, 43 at 300.
    expect(yTicks).toEqual([['40.0', 0], ['40.5', 50], ['41.0', 100], ['41.5', 150], ['42.0', 200], ['42.5', 250], ['43.0', 300]]);
    // The same grid north-up keeps its highest coordinate at the top.
    const northUp = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 10, 0, -1, 43], shape: [3, 4] });
    const north = parseSvg(await renderSvg(band, { extent: northUp, width: 400, fontSize: 10 }));
    const northTicks = [...north.querySelectorAll('text')].filter((t) => t.getAttribute('text-anchor') === 'end');
    expect([northTicks[0]!.textContent, Number(northTicks[0]!.getAttribute('y')) - top]).toEqual(['40.0', 300]);
  });

  it('writes a title with markup, quotes and characters XML cannot hold as well-formed SVG', async () => {
    const svg = await renderSvg(ramp(), { title: `Slope <"it's"> & \u0001 \uD800` });
    expect(svg).not.toMatch(/[\u0001\uD800]/);
    expect(svg).toContain('<title>Slope &lt;&quot;it&apos;s&quot;&gt; &amp; \uFFFD \uFFFD</title>');
  });
});

describe('Figures that return SVG', () => {
  const cache = useTempCache('svg-figures');

  @register
  class Ramp extends Data<Raster> {
    async _process(s: SpatialSpec) {
      const data = new Float32Array(s.shape![0] * s.shape![1]).map((_, i) => i % 37);
      await Raster.fromArrays([data], s).write(this.ensureProcessedPath(s));
    }
  }

  @register
  class RampMap extends Figure {
    async _process(s: SpatialSpec) {
      const raster = await load(new Ramp(), s);
      return renderSvg(raster.band(0), { colorbar: { label: 'Value' }, extent: raster.spec, title: 'Ramp' });
    }
  }

  @register
  class RampHistogram extends Figure {
    async _process(s: SpatialSpec) {
      const raster = await load(new Ramp(), s);
      return Plot.rectY(Array.from(raster.bands[0]!), Plot.binX({ y: 'count' }, { thresholds: 10 })).plot({ document: (await svgDocument()) as Document, width: 320, height: 200 });
    }
  }

  @register
  class CaptionedHistogram extends Figure {
    async _process(s: SpatialSpec) {
      const raster = await load(new Ramp(), s);
      return Plot.rectY(Array.from(raster.bands[0]!), Plot.binX({ y: 'count' })).plot({ document: (await svgDocument()) as Document, caption: 'A caption makes a <figure>' });
    }
  }

  it('stores a figure drawn by renderSvg as .svg and gives its bytes and media type, from the cache the second time', async () => {
    const made = await produce(new RampMap(), spec);
    expect(made.path.endsWith('/ramp_map.svg')).toBe(true);
    expect(made.meta.output.file).toBe('ramp_map.svg');
    const first = await figureBytes(new RampMap(), spec);
    expect(first).toMatchObject({ type: 'image/svg+xml', file: 'ramp_map.svg', computed: false, stateHash: made.stateHash });
    expect(Buffer.from(first.bytes).equals(readFileSync(made.path))).toBe(true);
    expect(new TextDecoder().decode(first.bytes)).toContain('<text');
    expect(cache.computed()).toEqual(['Ramp', 'RampMap']);
  });

  it('names the .svg in getProcessedPath once the figure was produced, and the declared .png before', async () => {
    // A grid no other test produced this figure on: its output file is not known yet.
    const other = new SpatialSpec({ crs: 'EPSG:3035', transform: [100, 0, 4000000, 0, -100, 3000000], shape: [20, 31] });
    const before = new RampMap().getProcessedPath(other);
    expect(before.endsWith('/ramp_map.png')).toBe(true);
    const made = await produce(new RampMap(), other);
    expect(new RampMap().getProcessedPath(other)).toBe(made.path);
    expect(made.path).toBe(before.replace(/\.png$/, '.svg'));
  });

  it('stores an Observable Plot chart drawn on svgDocument() (linkedom in Node) as a standalone .svg', async () => {
    const { bytes, type, file } = await figureBytes(new RampHistogram(), spec);
    expect({ type, file }).toEqual({ type: 'image/svg+xml', file: 'ramp_histogram.svg' });
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith('<svg')).toBe(true);
    const root = parseSvg(text);
    expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    // 600 values 0..36 in bins: the bars' heights add up to 600 counts; the y axis has tick labels.
    expect(root.querySelectorAll('rect').length).toBeGreaterThanOrEqual(4);
    expect([...root.querySelectorAll('text')].some((t) => /^\d+$/.test(t.textContent ?? ''))).toBe(true);
  });

  it('refuses a non-SVG element with a message that says how to get the SVG out of it', async () => {
    await expect(produce(new CaptionedHistogram(), spec)).rejects.toThrow(/returned a <figure> element, not SVG; return an <svg> element/);
  });

  @register
  class PngDeclaredSvg extends Figure {
    override get ext() {
      return 'svg';
    }
    async _process(s: SpatialSpec) {
      const raster = await load(new Ramp(), s);
      return renderRaster(raster.band(0));
    }
  }

  @register
  class SvgBytesAsPng extends Figure {
    async _process(s: SpatialSpec) {
      const raster = await load(new Ramp(), s);
      return new TextEncoder().encode(await renderSvg(raster.band(0)));
    }
  }

  it('refuses PNG bytes from a Figure declared svg, and SVG bytes into a .png, instead of storing them under the wrong media type', async () => {
    await expect(produce(new PngDeclaredSvg(), spec)).rejects.toThrow(
      "PngDeclaredSvg._process returned PNG bytes but its ext is 'svg': return SVG (renderSvg), or make ext 'png' (renderRaster gives PNG)",
    );
    await expect(produce(new SvgBytesAsPng(), spec)).rejects.toThrow(
      "SvgBytesAsPng._process returned SVG bytes but its ext is 'png': return the SVG as a string (it is then stored as .svg), or make ext 'svg'",
    );
    // Nothing was committed for either: only the data they loaded.
    expect(cache.computed()).toEqual(['Ramp']);
    expect(await new PngDeclaredSvg().isProcessed(spec)).toBe(false);
    expect(await new SvgBytesAsPng().isProcessed(spec)).toBe(false);
  });
});

describe.skipIf(!HAS_CHROMIUM)(`SVG figures in Chromium, with screenshots before (PNG, 5x7 font) and after (SVG)${HAS_CHROMIUM ? '' : ` (${NO_CHROMIUM_REASON})`}`, () => {
  it('draws the SVG at its declared size with its raster and text, and saves both for a person to compare', async () => {
    const terrain = syntheticTerrain({ size: 200 });
    const band = terrain.band(0);
    const options = { colormap: 'terrain', colorbar: { label: 'Elevation', units: 'm' }, title: 'Elevation' } as const;
    const png = await renderRaster(band, options);
    const svg = await renderSvg(band, { ...options, extent: terrain.spec, xLabel: 'Easting (m)', yLabel: 'Northing (m)' });
    const valid = Array.from(band.data).filter((value) => value !== band.nodata);
    const plot = Plot.rectY(valid, Plot.binX({ y: 'count' }, { thresholds: 20 })).plot({ document: (await svgDocument()) as Document, x: { label: 'Elevation (m)' }, marginLeft: 50, width: 400, height: 240 });
    const histogram = new TextDecoder().decode(svgBytes(plot as unknown as SvgOutput));
    mkdirSync(OUTPUT, { recursive: true });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const shoot = async (src: string, file: string) => {
        await page.setContent(`<body style="margin:0;background:#fff"><img id="f" src="${src}"></body>`);
        const size = await page.evaluate(async () => {
          const image = document.getElementById('f') as HTMLImageElement;
          await image.decode();
          return [image.naturalWidth, image.naturalHeight];
        });
        await page.locator('#f').screenshot({ path: join(OUTPUT, file) });
        return size;
      };
      const before = await shoot(`data:image/png;base64,${Buffer.from(png).toString('base64')}`, 'figure-before-png.png');
      const after = await shoot(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, 'figure-after-svg.png');
      await shoot(`data:image/svg+xml;base64,${Buffer.from(histogram).toString('base64')}`, 'figure-after-plot-histogram.png');
      const root = parseSvg(svg);
      expect(after).toEqual([Number(root.getAttribute('width')), Number(root.getAttribute('height'))]);
      expect(before[0]).toBeGreaterThan(200);
      // The raster drawn inside the SVG: the screenshot's centre is the terrain, not background.
      const shot = decodePng(new Uint8Array(readFileSync(join(OUTPUT, 'figure-after-svg.png'))));
      const image = root.querySelector('image')!;
      const cx = Math.round(Number(image.getAttribute('x')) + Number(image.getAttribute('width')) / 2);
      const cy = Math.round(Number(image.getAttribute('y')) + Number(image.getAttribute('height')) / 2);
      expect(pixel(shot, cx, cy)).not.toEqual([255, 255, 255, 255]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
