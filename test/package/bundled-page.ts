/**
 * Builds and runs a user's page (test/package/bundled-page/) in a project that installed geodata:
 * bundled by esbuild or by Vite as the README's recipe says, with `geodata assets` copying GDAL's
 * files, served from a folder under the Content-Security-Policy the README gives, and run in
 * Chromium.
 */
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';
import { contentType, launchChromium } from '../helpers/browser.js';

const PAGE = fileURLToPath(new URL('./bundled-page/', import.meta.url));

/** What the page's runPipeline returns. */
export interface PageOutcome {
  first: boolean[];
  second: boolean[];
  gdalStarted: boolean;
  image: [number, number];
  src: string;
}

/** Copies the page's files into the project (next to the consumer's pipeline.ts). */
export function addPage(project: string): void {
  cpSync(PAGE, project, { recursive: true });
}

/** esbuild, as the README says: one ES module bundle with names kept, and `geodata assets` into the same folder. */
export async function bundleWithEsbuild(project: string, geodata: (args: string[]) => { code: number | null; stderr: string }): Promise<string> {
  const out = join(project, 'esbuild-out');
  await build({ absWorkingDir: project, entryPoints: ['page.ts'], bundle: true, format: 'esm', target: 'es2022', keepNames: true, outdir: out, logLevel: 'silent' });
  writeFileSync(join(out, 'index.html'), readFileSync(join(project, 'index.html'), 'utf8').replace('./page.ts', './page.js'));
  const copied = geodata(['assets', out]);
  if (copied.code !== 0) throw new Error(`geodata assets failed: ${copied.stderr}`);
  return out;
}

/** Vite, as the README says: `geodata assets public/assets`, then `vite build` with the project's vite.config.js. */
export async function bundleWithVite(project: string, geodata: (args: string[]) => { code: number | null; stderr: string }): Promise<string> {
  const copied = geodata(['assets', join(project, 'public', 'assets')]);
  if (copied.code !== 0) throw new Error(`geodata assets failed: ${copied.stderr}`);
  const out = join(project, 'vite-out');
  await viteBuild({ root: project, configFile: join(project, 'vite.config.js'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
  return out;
}

/**
 * Serves `folder` (and `dem.tif` from the project) with `csp` as the Content-Security-Policy
 * header, opens it in Chromium and runs the page's pipeline. Returns its outcome, the paths
 * requested, and what the page logged.
 */
export async function runServedPage(folder: string, dem: string, csp: string): Promise<{ outcome: PageOutcome; requested: string[]; log: string[]; violations: string[] }> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requested.push(path);
    const file = path === '/dem.tif' ? dem : join(folder, normalize(path === '/' ? '/index.html' : path));
    if (!file.startsWith(folder) && file !== dem) return void response.writeHead(403).end();
    if (!existsSync(file) || !statSync(file).isFile()) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': contentType(file), 'content-security-policy': csp }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await launchChromium();
  const log: string[] = [];
  try {
    const page = await (await browser.newContext()).newPage();
    page.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
    await page.goto(url);
    await page.waitForFunction(() => typeof window.runPipeline === 'function', undefined, { timeout: 60_000 });
    const outcome = (await page.evaluate(() => window.runPipeline())) as PageOutcome;
    const violations = await page.evaluate(() => window.cspViolations);
    return { outcome, requested, log, violations };
  } catch (error) {
    if (error instanceof Error) {
      error.message += `\n--- requested ---\n${requested.join(' ')}\n--- browser log ---\n${log.join('\n')}`;
      error.stack = `${error.message}\n${error.stack ?? ''}`;
    }
    throw error;
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}

declare global {
  interface Window {
    runPipeline(): Promise<unknown>;
    cspViolations: string[];
  }
}
