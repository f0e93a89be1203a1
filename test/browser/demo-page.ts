/**
 * Drives the built offline demo (examples/browser) in headless Chromium for the tests: serves a
 * demo folder from a local server, opens it in a fresh browser profile, and reads what the page
 * publishes on `window.geodataDemo`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { StepRecord } from '../../examples/browser/demo-pipeline.js';
import type { SpatialSpecJSON } from '../../src/node.js';
import { contentType, launchChromium } from '../helpers/browser.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';

/** What the demo page publishes (see examples/browser/app.ts). */
export interface DemoState {
  state: 'loading' | 'ready' | 'running' | 'done' | 'error';
  events: Array<{ type: string; className: string; stateHash: string }>;
  runs: Array<{ source: { kind: string; name: string; size: number; sha256: string }; spec: SpatialSpecJSON; steps: StepRecord[] }>;
  error?: { name: string; message: string };
  persisted?: boolean;
  imported?: { added: number; skipped: number };
}

/** Serves a built demo folder. */
export function serveDemo(dist: string): Promise<HttpServer> {
  return startHttpServer(async (path) => {
    const file = path === '/' ? 'index.html' : path.slice(1);
    if (file.includes('..')) return undefined;
    try {
      return { body: await readFile(join(dist, file)), type: contentType(file) };
    } catch {
      return undefined;
    }
  });
}

/** One open demo page and what it needs. */
export interface DemoPage {
  page: Page;
  context: BrowserContext;
  url: string;
  /** Page console lines and errors, for failure messages. */
  log: string[];
  /** Waits until the page is ready (after opening or reloading it). */
  ready(): Promise<void>;
  /** Presses Compute and waits for the run to end; returns the page's state then. */
  compute(): Promise<DemoState>;
  state(): Promise<DemoState>;
  reload(): Promise<void>;
  /** The PNG bytes of the figure the page shows under `name` (`'slope figure'`). */
  figureBytes(name: string): Promise<Uint8Array>;
}

/**
 * Opens the demo in a fresh Chromium profile and runs `body`; `beforeOpen` may install routes
 * first. Everything is closed afterwards; the page's log is appended to a failure.
 */
export async function withDemoPage<T>(url: string, body: (demo: DemoPage) => Promise<T>, beforeOpen?: (context: BrowserContext) => Promise<void>): Promise<T> {
  const browser = await launchChromium();
  const log: string[] = [];
  try {
    const context = await browser.newContext();
    await beforeOpen?.(context);
    const page = await context.newPage();
    page.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
    const state = () => page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { geodataDemo: unknown }).geodataDemo)) as DemoState);
    const ready = async () => {
      await page.waitForFunction(() => ['ready', 'error'].includes((window as unknown as { geodataDemo?: { state: string } }).geodataDemo?.state ?? ''), null, { timeout: 60_000 });
      const now = await state();
      if (now.state === 'error') throw new Error(`the demo did not start: ${now.error?.name}: ${now.error?.message}`);
    };
    const demo: DemoPage = {
      page,
      context,
      url,
      log,
      ready,
      state,
      async compute() {
        await page.click('#run');
        await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { geodataDemo: { state: string } }).geodataDemo.state), null, { timeout: 110_000 });
        return state();
      },
      async reload() {
        await page.reload();
        await ready();
      },
      async figureBytes(name) {
        const values = await page.evaluate(async (alt) => {
          const image = [...document.querySelectorAll<HTMLImageElement>('#figures img')].find((img) => img.alt === alt);
          if (!image) throw new Error(`no figure named ${alt} on the page`);
          return Array.from(new Uint8Array(await (await fetch(image.src)).arrayBuffer()));
        }, name);
        return new Uint8Array(values);
      },
    };
    await page.goto(url);
    await ready();
    try {
      return await body(demo);
    } catch (error) {
      if (error instanceof Error && log.length > 0) error.message += `\n--- browser log ---\n${log.join('\n')}`;
      throw error;
    }
  } finally {
    await browser.close();
  }
}
