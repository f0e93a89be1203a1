import { describe, expect, it } from 'vitest';
import { renderRgba, type RenderOptions } from '../../src/render/index.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, withBrowserPage } from '../helpers/browser.js';
import { decodePng } from './helpers.js';

// The same band and options as browser-entry.ts.
const band = { width: 6, height: 4, data: Float32Array.from({ length: 24 }, (_, i) => (i === 7 ? Number.NaN : i * 1.5)), nodata: null };
const options: RenderOptions = { colormap: 'terrain', scale: 10, colorbar: { label: 'Slope', units: '°' }, title: 'Browser', textScale: 1 };

describe.skipIf(!HAS_CHROMIUM)(`rendering in a browser ${HAS_CHROMIUM ? '' : NO_CHROMIUM_REASON}`, () => {
  it('renders the same pixels in Chromium as in Node, as a PNG Chromium decodes and as ImageData', async () => {
    const result = await withBrowserPage({ entry: 'test/render/browser-entry.ts' }, (page) =>
      page.evaluate(() => (window as unknown as { run: () => Promise<Record<string, unknown>> }).run()),
    ) as { png: number[]; rgba: number[]; decoded: number[]; canvas: number[]; width: number; height: number };

    const node = renderRgba(band, options);
    expect([result.width, result.height]).toEqual([node.width, node.height]);
    expect(Buffer.from(result.rgba).equals(Buffer.from(node.rgba))).toBe(true);
    // The PNG written by the browser decodes (pngjs, and Chromium's own decoder) to those pixels.
    const decoded = decodePng(Uint8Array.from(result.png));
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(node.rgba))).toBe(true);
    expect(Buffer.from(result.decoded).equals(Buffer.from(node.rgba))).toBe(true);
    expect(Buffer.from(result.canvas).equals(Buffer.from(node.rgba))).toBe(true);
    // The NaN pixel (band index 7: column 1, row 1) is transparent in the browser too.
    const transparentAt = ((4 + 9 + 4 + 15) * node.width + 4 + 15) * 4 + 3;
    expect(result.canvas[transparentAt]).toBe(0);
  });
});
