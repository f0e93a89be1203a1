// Node only: files the package build wrote into dist/assets, found from the package's root.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The path of `dist/assets/<name>` in the geodata package this code runs from. The package's
 * root is found by its name (a self-reference through package.json's `exports`), not from this
 * module's own place: that is src/node/ under tsx, dist/src/node/ compiled, and a chunk of
 * dist/bundle/ as Node runs it, and the assets are in the one dist/ of each.
 *
 * @example
 * builtAsset('registry-ui-page.js'); // '/app/node_modules/geodata/dist/assets/registry-ui-page.js'
 */
export function builtAsset(name: string): string {
  const manifest = createRequire(import.meta.url).resolve('geodata/package.json');
  return join(dirname(manifest), 'dist', 'assets', name);
}
