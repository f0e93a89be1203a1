// Node only (part of the CLI): imports the user's pipeline modules so their classes are live.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultRegistry, register } from '../node.js';
import { isFrameworkBase } from '../fingerprint/index.js';

/** Set by bin/geodata.js once tsx's loader is in place, so it is not registered twice. */
export const TSX_REGISTERED = Symbol.for('geodata.cli.tsxRegistered');

/** A pipeline module that could not be imported, or whose classes could not be registered. */
export interface ModuleError {
  file: string;
  message: string;
}

/** What importing the pipeline modules did. */
export interface LoadedModules {
  /** The modules imported, as absolute paths. */
  loaded: string[];
  /** Exported Data/Figure classes that were not registered, and now are. */
  registered: string[];
  errors: ModuleError[];
}

/**
 * Imports each pipeline module (TypeScript too, through tsx's loader), so the classes it
 * registers (`@register`) are the live code, and registers the Data and Figure subclasses it
 * exports without registering. A module that fails is reported, and the others still load.
 */
export async function loadPipelineModules(files: readonly string[], cwd: string): Promise<LoadedModules> {
  const result: LoadedModules = { loaded: [], registered: [], errors: [] };
  const paths = [...new Set(files.map((file) => resolve(cwd, file)))];
  for (const path of paths) {
    if (!existsSync(path)) {
      result.errors.push({ file: path, message: 'the file does not exist' });
      continue;
    }
    let exports: Record<string, unknown>;
    try {
      exports = await importModule(path);
    } catch (error) {
      result.errors.push({ file: path, message: describeError(error) });
      continue;
    }
    result.loaded.push(path);
    for (const value of Object.values(exports)) {
      if (!isPipelineClass(value) || defaultRegistry.nameOf(value) !== undefined) continue;
      try {
        register(value);
        result.registered.push(value.name);
      } catch (error) {
        result.errors.push({ file: path, message: `cannot register its export ${value.name}: ${describeError(error)}` });
      }
    }
  }
  return result;
}

/**
 * Imports a module; a TypeScript one that Node cannot load yet is imported again once tsx's
 * loader is registered. Registering only on demand matters: a process already running under a
 * TypeScript loader (tsx, bin/geodata.js) would otherwise compile every module twice, and
 * compiled twice, classes carry helper code that changes their fingerprints.
 */
async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  const flags = globalThis as Record<symbol, unknown>;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || !/\.[cm]?tsx?$/.test(path) || flags[TSX_REGISTERED]) throw error;
  }
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  flags[TSX_REGISTERED] = true;
  // Node remembers the failed load under the plain URL: ask under another one.
  return (await import(`${url}?typescript`)) as Record<string, unknown>;
}

/**
 * A Data or Figure subclass, recognised by shape rather than `instanceof`, so classes built on
 * another copy of geodata (a user's node_modules) count too; the library's own bases do not.
 */
function isPipelineClass(value: unknown): value is Function {
  if (typeof value !== 'function' || isFrameworkBase(value)) return false;
  const type = (value as { objectType?: unknown }).objectType;
  const prototype = (value as { prototype?: { getProcessedPath?: unknown } }).prototype;
  return (type === 'data' || type === 'figure') && typeof prototype?.getProcessedPath === 'function';
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}
