/**
 * Runs in Chromium for browser.test.ts: renders a band with the browser's own CompressionStream,
 * and decodes the PNG with the browser's own image decoder.
 */
import { renderRaster, renderRgba, toImageData, type RenderOptions } from '../../src/render/index.js';

const band = { width: 6, height: 4, data: Float32Array.from({ length: 24 }, (_, i) => (i === 7 ? Number.NaN : i * 1.5)), nodata: null };

const options: RenderOptions = { colormap: 'terrain', scale: 10, colorbar: { label: 'Slope', units: '°' }, title: 'Browser', textScale: 1 };

async function run(): Promise<{ png: number[]; rgba: number[]; decoded: number[]; canvas: number[]; width: number; height: number }> {
  const png = await renderRaster(band, options);
  const image = renderRgba(band, options);

  // The browser's PNG decoder reads our file.
  const bitmap = await createImageBitmap(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  const decodeCanvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const decodeContext = decodeCanvas.getContext('2d')!;
  decodeContext.drawImage(bitmap, 0, 0);
  const decoded = decodeContext.getImageData(0, 0, bitmap.width, bitmap.height).data;

  // The RGBA goes straight into an ImageData.
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d')!;
  context.putImageData(toImageData(image), 0, 0);
  const drawn = context.getImageData(0, 0, image.width, image.height).data;

  return { png: [...png], rgba: [...image.rgba], decoded: [...decoded], canvas: [...drawn], width: image.width, height: image.height };
}

(window as unknown as { run: typeof run }).run = run;
