import { ConfigError } from '../src/errors.js';
import { GDAL_ASSET_FILES } from './assets.js';

/** The media types browsers accept for a module script (the HTML standard's JavaScript MIME types). */
const JAVASCRIPT_TYPE = /^\s*(?:text|application)\/(?:x-)?(?:javascript|ecmascript|jscript|livescript)\s*(?:;|$)|^\s*text\/(?:javascript1\.[0-5]|x-ecmascript)\s*(?:;|$)/i;

/** What to do about assets that are not served where the engine looks. */
const REMEDY =
  "serve gdal3.js's files there (`npx geodata assets <folder>` copies them into the folder the page serves) or give their URLs: createWorkerEngine({ assets: gdalAssetsAt('<url of the folder>/') }) or { assets: { wasm, data } }";

/**
 * Checks that GDAL's `.wasm` and `.data` files, and gdal3.js itself when it is loaded by URL, are
 * served at `urls` before gdal3.js loads them.
 *
 * Without it a missing file is opaque: Emscripten aborts with "both async and sync fetching of the
 * wasm failed", a `.data` answered with 404 throws inside gdal3.js's request handler, so the
 * engine's first call never settles, and a missing gdal3.js is the browser's "Failed to fetch
 * dynamically imported module", which says neither why nor what to do. A `HEAD` request each
 * (they run together, before the 40 MB download) says which URL failed and how. A server that
 * does not answer `HEAD` (405, 501) is not judged: gdal3.js's own requests then decide.
 */
export async function checkGdalAssets(urls: { wasm: string; data: string; js?: string }): Promise<void> {
  await Promise.all(
    (['wasm', 'data', 'js'] as const).map(async (kind) => {
      const url = urls[kind];
      // blob: and data: URLs answer only GET, and a page that made them has the bytes.
      if (url === undefined || !/^https?:/i.test(url)) return;
      const what = kind === 'js' ? `GDAL's loader script ${GDAL_ASSET_FILES.js}` : `GDAL's ${kind === 'wasm' ? 'WebAssembly' : 'data'} file ${GDAL_ASSET_FILES[kind]}`;
      let response: Response;
      try {
        response = await fetch(url, { method: 'HEAD' });
      } catch (error) {
        throw new ConfigError(`cannot load ${what} from ${url}: the request failed (${(error as Error)?.message ?? String(error)}); ${REMEDY}`, { cause: error });
      }
      if (response.status === 405 || response.status === 501) return;
      if (!response.ok) throw new ConfigError(`cannot load ${what} from ${url}: the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}; ${REMEDY}`);
      const type = response.headers.get('content-type') ?? '';
      // A single-page app's fallback answers every path with its index page.
      if (/^text\/html\b/i.test(type)) throw new ConfigError(`cannot load ${what} from ${url}: the server answered an HTML page (HTTP ${response.status}, ${type}), not the file; ${REMEDY}`);
      // Browsers run a module script only when it is served with a JavaScript media type.
      if (kind === 'js' && type !== '' && !JAVASCRIPT_TYPE.test(type)) {
        throw new ConfigError(`cannot load ${what} from ${url}: the server sends it as ${type}, and browsers run a script only when it is served as JavaScript; serve .js files as text/javascript`);
      }
    }),
  );
}
