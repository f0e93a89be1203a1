// Node only: bundles the registry browser's page with esbuild when a server starts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { PAGE_STYLE } from './page/style.js';

/** The page's assets, as the server sends them. */
export interface PageAssets {
  script: Uint8Array;
  style: string;
}

/**
 * Bundles `page/main.ts` (or the compiled `main.js` next to it) into one ES module for the
 * browser, with no external imports, so the page works offline and under a `script-src 'self'`
 * policy. esbuild is loaded only here: nothing else in geodata needs it at run time.
 */
export async function bundlePage(): Promise<PageAssets> {
  const candidates = ['./page/main.ts', './page/main.js'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
  const entry = candidates.find((path) => existsSync(path));
  if (!entry) throw new ConfigError(`the registry browser's page is missing (looked for ${candidates.join(', ')}); reinstall geodata`);
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new ConfigError('geodata browse needs esbuild to build its page (it comes with tsx, which the geodata command uses); install it: npm install esbuild', { cause: error });
  }
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    sourcemap: false,
  });
  return { script: result.outputFiles[0]!.contents, style: PAGE_STYLE };
}
