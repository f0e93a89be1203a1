/**
 * A quiet debug channel for what GDAL prints. gdal3.js writes to stdout/stderr on its own
 * (`console.error` by default); the engine routes all of it here so a normal run prints nothing.
 *
 * Turn it on with the environment variable `GEODATA_DEBUG=gdal` (or `*`) in Node, or
 * `globalThis.GEODATA_DEBUG = 'gdal'` in a browser.
 */

function enabledScopes(): string {
  const fromGlobal = (globalThis as { GEODATA_DEBUG?: unknown }).GEODATA_DEBUG;
  if (typeof fromGlobal === 'string') return fromGlobal;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.GEODATA_DEBUG ?? '';
}

/** Whether debug output for `scope` is on (`GEODATA_DEBUG` lists it, or is `*` or `1`). */
export function isDebugEnabled(scope: string): boolean {
  const scopes = enabledScopes()
    .split(/[\s,]+/)
    .filter(Boolean);
  return scopes.includes(scope) || scopes.includes('*') || scopes.includes('1');
}

/**
 * Logs a line to `console.debug` when the scope is enabled, else drops it.
 * @example debugLog('gdal', 'GDAL: using PROJ 9.3')
 */
export function debugLog(scope: string, message: string): void {
  if (isDebugEnabled(scope)) console.debug(`[geodata:${scope}] ${message}`);
}
