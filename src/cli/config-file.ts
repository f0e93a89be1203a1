// Node only (part of the CLI): the geodata.config.json file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** The default config file name, looked up in the working directory. */
export const CONFIG_FILE_NAME = 'geodata.config.json';

/** A config file, with paths made absolute against its own folder. */
export interface CliConfigFile {
  path: string;
  /** The pipeline modules to import (their classes are the live code). */
  modules: string[];
  /** The cache root, if the file names one. */
  root?: string;
}

const KEYS = ['modules', 'root'];

/**
 * Reads `explicit` (an error if it is missing), else `geodata.config.json` in `cwd` if present.
 * The file is `{ "modules": ["pipeline.ts"], "root": "cache" }`; relative paths in it are
 * relative to the file's folder.
 */
export function readConfigFile(explicit: string | undefined, cwd: string): CliConfigFile | undefined {
  const path = resolve(cwd, explicit ?? CONFIG_FILE_NAME);
  if (!existsSync(path)) {
    if (explicit === undefined) return undefined;
    throw new ConfigError(`config file ${path} does not exist; give an existing file to --config, or leave it out`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${(error as Error).message})`;
    throw new ConfigError(`config file ${path} ${why}; give ${explicit === undefined ? `a ${CONFIG_FILE_NAME} file` : '--config a file'} such as { "modules": ["pipeline.ts"], "root": "cache" }`);
  }
  let value: unknown;
  try {
    // A byte order mark (Notepad and PowerShell write one) is no part of the JSON, as npm and tsc read it.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON (${(error as Error).message}); it should look like { "modules": ["pipeline.ts"], "root": "cache" }`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`config file ${path} must hold a JSON object such as { "modules": ["pipeline.ts"], "root": "cache" }`);
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !KEYS.includes(key));
  if (unknown.length) throw new ConfigError(`config file ${path} has unknown keys ${unknown.map((k) => JSON.stringify(k)).join(', ')}; known keys: ${KEYS.join(', ')}`);
  const modules = record.modules ?? [];
  if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string' && m !== '')) {
    throw new ConfigError(`config file ${path}: "modules" must be a list of module paths such as ["pipeline.ts"]`);
  }
  if (record.root !== undefined && (typeof record.root !== 'string' || record.root === '')) {
    throw new ConfigError(`config file ${path}: "root" must be a folder path such as "cache"`);
  }
  const folder = dirname(path);
  return {
    path,
    modules: modules.map((m: string) => resolve(folder, m)),
    ...(typeof record.root === 'string' ? { root: resolve(folder, record.root) } : {}),
  };
}
