/**
 * Runs code in a real headless Chromium for browser tests: bundles an entry with esbuild
 * (platform browser, ESM), serves it with any asset files from a throwaway `node:http` server on
 * 127.0.0.1, and opens it in Chromium through playwright-core.
 *
 * @example
 * it.skipIf(!HAS_CHROMIUM)('runs in a browser', async () => {
 *   const result = await withBrowserPage({ entry: 'test/x/entry.ts', assets: { '/data/a.tif': '/abs/a.tif' } }, (page) =>
 *     page.evaluate(() => (window as any).run()),
 *   );
 * });
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';

/** Debian's Chromium, the only browser these tests use. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const NO_CHROMIUM_REASON = `skipped: ${CHROMIUM} is not installed`;

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  // instantiateStreaming refuses WebAssembly served with any other type.
  '.wasm': 'application/wasm',
  '.tif': 'image/tiff',
};

export interface BrowserPageOptions {
  /** The module to bundle and load in the page (TypeScript or JavaScript), served as `/entry.js`. */
  entry: string;
  /** Files to serve as they are: URL path (`/gdal/x.wasm`) → file on disk. */
  assets?: Record<string, string>;
  /** The page's HTML; by default an empty page that loads `/entry.js` as a module. */
  html?: string;
}

/** What the page printed and threw, for failure messages. */
export interface BrowserLog {
  lines: string[];
}

function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function bundle(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [path.resolve(entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

async function serve(routes: Map<string, () => Promise<{ body: Uint8Array | string; type: string }>>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const route = routes.get(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (!route) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    route().then(
      ({ body, type }) => response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/**
 * Bundles `entry`, serves it with `assets`, opens the page in headless Chromium (a fresh, empty
 * profile each time: playwright creates a temporary user data dir) and runs `body` with the page
 * and its URL. Everything is torn down afterwards; if `body` fails, the page's console output and
 * errors are appended to the error message.
 */
export async function withBrowserPage<T>(options: BrowserPageOptions, body: (page: Page, url: string, log: BrowserLog) => Promise<T>): Promise<T> {
  const script = await bundle(options.entry);
  const html = options.html ?? '<!doctype html><meta charset="utf-8"><title>geodata test</title><script type="module" src="/entry.js"></script>';
  const routes = new Map<string, () => Promise<{ body: Uint8Array | string; type: string }>>([
    ['/', async () => ({ body: html, type: CONTENT_TYPES['.html']! })],
    ['/entry.js', async () => ({ body: script, type: CONTENT_TYPES['.js']! })],
  ]);
  for (const [urlPath, file] of Object.entries(options.assets ?? {})) {
    routes.set(urlPath, async () => ({ body: await readFile(file), type: contentType(file) }));
  }
  const { server, url } = await serve(routes);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const log: BrowserLog = { lines: [] };
  try {
    const page = await browser.newPage();
    page.on('console', (message) => log.lines.push(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log.lines.push(`page error: ${error.message}`));
    await page.goto(url);
    try {
      return await body(page, url, log);
    } catch (error) {
      if (error instanceof Error && log.lines.length > 0) error.message += `\n--- browser log ---\n${log.lines.join('\n')}`;
      throw error;
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
