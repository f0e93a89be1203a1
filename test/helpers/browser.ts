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
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHttpServer, type ServedRequest } from './http-server.js';

/** Debian's Chromium, the only browser these tests use. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const NO_CHROMIUM_REASON = `skipped: ${CHROMIUM} is not installed`;

/** The flags every headless Chromium of the tests is launched with. */
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
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface BrowserPageOptions {
  /** The module to bundle and load in the page (TypeScript or JavaScript), served as `/entry.js`. */
  entry: string;
  /** More modules to bundle, such as a worker: URL path (`/engine-worker.js`) → entry file. */
  bundles?: Record<string, string>;
  /** Files to serve as they are: URL path (`/gdal/x.wasm`) → file on disk. */
  assets?: Record<string, string>;
  /** Bytes or text to serve: URL path → body (served with a type from the extension). */
  files?: Record<string, Uint8Array | string>;
  /** Runs before the page is opened (install routes, CDP sessions...). */
  beforeGoto?: (page: Page, url: string) => Promise<void>;
  /** The page's HTML; by default an empty page that loads `/entry.js` as a module. */
  html?: string;
  /** Bare imports left out of the page's bundle (`entry` only): the page's `html` maps them with an import map. */
  external?: string[];
}

/** What the page printed and threw (for failure messages), and what it asked the server for. */
export interface BrowserLog {
  lines: string[];
  requests: ServedRequest[];
}

/** The Content-Type for a file name. */
export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * An unminified ES module bundle of `entry`. `keepNames`: esbuild renames a class that refers to
 * itself in its body (`class A { f() { A } }` → `var A = class _A`), which would change its
 * `name` and so its fingerprint; keepNames restores the name, as users' bundles should.
 */
export async function bundle(entry: string, external: string[] = []): Promise<Uint8Array> {
  const result = await build({
    external,
    entryPoints: [path.resolve(entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    keepNames: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents;
}

/**
 * Bundles `entry`, serves it with `assets`, opens the page in headless Chromium (a fresh, empty
 * profile each time: playwright creates a temporary user data dir) and runs `body` with the page
 * and its URL. Everything is torn down afterwards; if `body` fails, the page's console output and
 * errors are appended to the error message.
 */
export async function withBrowserPage<T>(options: BrowserPageOptions, body: (page: Page, url: string, log: BrowserLog) => Promise<T>): Promise<T> {
  const script = await bundle(options.entry, options.external);
  const html = options.html ?? '<!doctype html><meta charset="utf-8"><title>geodata test</title><script type="module" src="/entry.js"></script>';
  const routes = new Map<string, () => Promise<{ body: Uint8Array | string; type: string }>>([
    ['/', async () => ({ body: html, type: CONTENT_TYPES['.html']! })],
    ['/entry.js', async () => ({ body: script, type: CONTENT_TYPES['.js']! })],
  ]);
  for (const [urlPath, file] of Object.entries(options.bundles ?? {})) {
    const bundled = await bundle(file);
    routes.set(urlPath, async () => ({ body: bundled, type: CONTENT_TYPES['.js']! }));
  }
  for (const [urlPath, file] of Object.entries(options.assets ?? {})) {
    routes.set(urlPath, async () => ({ body: await readFile(file), type: contentType(file) }));
  }
  const files = options.files ?? {};
  const server = await startHttpServer(async (urlPath) => {
    const route = routes.get(urlPath);
    if (route) return route();
    const body = files[urlPath];
    return body === undefined ? undefined : { body, type: contentType(urlPath) };
  });
  const browser = await launchChromium();
  const log: BrowserLog = { lines: [], requests: server.requests };
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (message) => log.lines.push(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log.lines.push(`page error: ${error.message}`));
    await options.beforeGoto?.(page, server.url);
    await page.goto(server.url);
    try {
      return await body(page, server.url, log);
    } catch (error) {
      if (error instanceof Error && log.lines.length > 0) error.message += `\n--- browser log ---\n${log.lines.join('\n')}`;
      throw error;
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Headless Chromium with the flags these tests need (no sandbox in containers, no background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
