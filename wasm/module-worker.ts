/**
 * Starts a module Web Worker from a script URL, including one on another origin than the page's.
 *
 * Browsers refuse `new Worker(url)` for a script of another origin (a SecurityError, whatever
 * CORS allows), and that is where geodata's workers are whenever a page imports geodata's bundle
 * from a CDN or another host (a notebook importing it by URL): the default worker URL is next to
 * geodata's module. A module worker started from a same-origin `blob:` script that imports the
 * real one loads it under CORS instead, and the imported script keeps its own `import.meta.url`.
 */

/** Whether `url` is on another origin than the document or worker running this code. */
export function isCrossOriginScript(url: string | URL): boolean {
  const here = (globalThis as { location?: { href?: string; origin?: string } }).location;
  if (!here?.href || !here.origin || here.origin === 'null') return false;
  const target = new URL(String(url), here.href);
  // blob: and data: URLs are the page's own.
  if (target.protocol === 'blob:' || target.protocol === 'data:') return false;
  return target.origin !== here.origin;
}

/** A module worker running the script at `url`, which may be on another origin (see above). */
export function startModuleWorker(url: string | URL): Worker {
  if (!isCrossOriginScript(url)) return new Worker(url, { type: 'module' });
  return startCrossOriginWorker(url);
}

/** A module worker whose same-origin `blob:` script imports the cross-origin script at `url`. */
export function startCrossOriginWorker(url: string | URL): Worker {
  const href = new URL(String(url), (globalThis as { location?: { href?: string } }).location?.href).href;
  const wrapper = URL.createObjectURL(new Blob([`import ${JSON.stringify(href)};\n`], { type: 'text/javascript' }));
  try {
    return new Worker(wrapper, { type: 'module' });
  } finally {
    // The Worker constructor resolves the blob: URL when called, so it can go now.
    URL.revokeObjectURL(wrapper);
  }
}

/** What a page's author must check when a cross-origin worker script does not load. */
export const CROSS_ORIGIN_HINT = 'a script on another origin than the page must be served with CORS (Access-Control-Allow-Origin)';
