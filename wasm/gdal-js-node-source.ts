/**
 * Node only: evaluates gdal3.js's Node build (`dist/package/gdal3.node.js`, one minified
 * CommonJS file) from its source with two exact edits, instead of `require`-ing it:
 *
 * - its Emscripten module object is passed in instead of created privately, so geodata can set
 *   Emscripten's `instantiateWasm` hook (gdal3.js's `initGdalJs` copies only a few fields onto
 *   that object, and this hook is not one of them);
 * - the table of drivers gdal3.js builds once GDAL is initialised is skipped: it asks every
 *   driver for its metadata and parses each creation-option list (XML) in JavaScript, which cost
 *   about 1 s of CPU per load measured here (more than everything else in a load), for gdal3.js's
 *   own JavaScript API, which geodata does not use (it calls GDAL's C API directly).
 *
 * Each edit must match the file exactly once; otherwise (another gdal3.js build) nothing is
 * edited and the caller loads the package as published, with the reason.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { runInThisContext } from 'node:vm';
import type { InitGdalJs } from './emscripten.js';

/** The edits, as found in gdal3.js 2.8.1's `gdal3.node.js`. */
const EDITS: ReadonlyArray<{ what: string; find: string; replace: string }> = [
  { what: 'its Emscripten module object', find: 'var z=B(t.exports),y={Module:{}};', replace: 'var z=B(t.exports),y={Module:__geodataEmscriptenModule};' },
  {
    what: 'its driver table',
    find: 'y.Module.FS.mount(y.Module.NODEFS,{root:t},g),qt()},r.locateFile=',
    replace: 'y.Module.FS.mount(y.Module.NODEFS,{root:t},g)},r.locateFile=',
  },
];

/** gdal3.js evaluated with the edits: its `initGdalJs`, and the Emscripten module object it will fill. */
export interface EditedGdalJs {
  init: InitGdalJs;
  /** The object gdal3.js uses as its Emscripten module: set Emscripten hooks on it before `init`. */
  emscripten: Record<string, unknown>;
}

function occurrences(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length)) count += 1;
  return count;
}

/**
 * Evaluates gdal3.js's Node build at `entry` with the edits, as a fresh CommonJS module of its own
 * (nothing enters `require.cache`, so dropping the result lets it be garbage-collected). Returns
 * a string saying why instead when the file is not the build the edits were made for.
 */
export function evaluateEditedGdalJs(entry: string): EditedGdalJs | string {
  let source = readFileSync(entry, 'utf8');
  for (const edit of EDITS) {
    const found = occurrences(source, edit.find);
    if (found !== 1) return `${entry} is not the gdal3.js 2.8.1 build geodata adapts (${edit.what} matched ${found} times, not once)`;
    source = source.replace(edit.find, () => edit.replace);
  }
  const wrapped = runInThisContext(`(function (exports, require, module, __filename, __dirname, __geodataEmscriptenModule) {${source}\n})`, { filename: entry }) as (
    ...args: unknown[]
  ) => void;
  const emscripten: Record<string, unknown> = {};
  const module = { exports: {} as unknown };
  wrapped.call(module.exports, module.exports, createRequire(entry), module, entry, path.dirname(entry), emscripten);
  if (typeof module.exports !== 'function') return `${entry} evaluated to ${typeof module.exports}, not gdal3.js's initGdalJs function`;
  return { init: module.exports as InitGdalJs, emscripten };
}
