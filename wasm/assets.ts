/**
 * Where the browser finds gdal3.js's assets: `gdal3WebAssembly.wasm` (28 MB) and
 * `gdal3WebAssembly.data` (11 MB, PROJ and GDAL data files), and optionally `gdal3.js` itself.
 *
 * By default they are expected next to this module once built (`new URL(name, import.meta.url)`);
 * an application that serves them elsewhere (a CDN, a `/static/` folder) passes its own URLs.
 */
export interface GdalAssets {
  /** URL of `gdal3WebAssembly.wasm`. */
  wasm: string | URL;
  /** URL of `gdal3WebAssembly.data`. */
  data: string | URL;
  /**
   * URL of gdal3.js's browser build (`dist/package/gdal3.js`). When absent, the engine imports the
   * `gdal3.js` package and lets the application's bundler include it.
   */
  js?: string | URL;
}

/** File names of the assets as gdal3.js 2.8.1 ships them (`node_modules/gdal3.js/dist/package/`). */
export const GDAL_ASSET_FILES = {
  wasm: 'gdal3WebAssembly.wasm',
  data: 'gdal3WebAssembly.data',
  js: 'gdal3.js',
} as const;

/**
 * The default asset URLs: the files sitting next to this module.
 * @example createMemoryEngine({ assets: defaultGdalAssets() })
 */
export function defaultGdalAssets(): GdalAssets {
  // Literal strings, not templates: Vite reads a template here as a glob and copies the whole
  // folder into builds. Resolved at run time (the application stages the files), hence the
  // ignores: webpack takes every URL made of a literal relative path and `import.meta.url` for a
  // file of the package, and fails the build when it is not beside this module (it is in
  // gdal3.js's package).
  return {
    wasm: new URL(/* @vite-ignore */ /* webpackIgnore: true */ './gdal3WebAssembly.wasm', import.meta.url),
    data: new URL(/* @vite-ignore */ /* webpackIgnore: true */ './gdal3WebAssembly.data', import.meta.url),
  };
}

/**
 * The asset URLs to use: the defaults with any overrides applied.
 * @example resolveGdalAssets({ wasm: '/static/gdal3WebAssembly.wasm', data: '/static/gdal3WebAssembly.data' })
 */
export function resolveGdalAssets(overrides: Partial<GdalAssets> = {}): GdalAssets {
  return { ...defaultGdalAssets(), ...overrides };
}

/**
 * A base URL (ending in `/`) that holds all three files, as a bundler or a static server stages them.
 * @example createMemoryEngine({ assets: gdalAssetsAt('https://example.org/gdal/') })
 */
export function gdalAssetsAt(baseUrl: string | URL): GdalAssets {
  const base = String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`;
  return {
    wasm: `${base}${GDAL_ASSET_FILES.wasm}`,
    data: `${base}${GDAL_ASSET_FILES.data}`,
    js: `${base}${GDAL_ASSET_FILES.js}`,
  };
}
