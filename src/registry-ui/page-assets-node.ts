// Node only: the registry browser's page, as the package build made it.
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { builtAsset } from '../node/built-asset.js';
import { PAGE_STYLE } from './page/style.js';

/** The page's assets, as the server sends them. */
export interface PageAssets {
  script: Uint8Array;
  style: string;
}

/**
 * The page's script, bundled from `page/main.ts` when the package is built (scripts/build.ts):
 * nothing is bundled at run time, and esbuild is no dependency of geodata. Run from its TypeScript
 * source (the repository's tests, under tsx or vitest), this module reads the same built file.
 */
export async function readPageAssets(): Promise<PageAssets> {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = builtAsset('registry-ui-page.js');
  try {
    return { script: new Uint8Array(await readFile(file)), style: PAGE_STYLE };
  } catch (error) {
    const fix = fromSource ? 'build the package first: npm run build' : 'reinstall geodata';
    throw new ConfigError(`the registry browser's page ${file} is missing: ${fix}`, { cause: error });
  }
}
