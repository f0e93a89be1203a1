import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/cli/config-file.js';
import { ConfigError } from '../../src/errors.js';

describe('readConfigFile', () => {
  const folders: string[] = [];
  const folder = () => {
    const made = mkdtempSync(join(tmpdir(), 'geodata-config-file-'));
    folders.push(made);
    return made;
  };
  afterEach(() => {
    for (const made of folders.splice(0)) rmSync(made, { recursive: true, force: true });
  });

  it('reads a file that starts with a byte order mark, as Notepad and PowerShell write it', () => {
    const cwd = folder();
    writeFileSync(join(cwd, 'geodata.config.json'), '\uFEFF{ "modules": ["pipeline.ts"], "root": "cache" }');
    expect(readConfigFile(undefined, cwd)).toEqual({ path: join(cwd, 'geodata.config.json'), modules: [join(cwd, 'pipeline.ts')], root: join(cwd, 'cache') });
  });

  it('says a folder given as the config file is a folder, not invalid JSON', () => {
    const cwd = folder();
    mkdirSync(join(cwd, 'settings'));
    const read = () => readConfigFile('settings', cwd);
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(`config file ${join(cwd, 'settings')} is a folder, not a file; give --config a file such as { "modules": ["pipeline.ts"], "root": "cache" }`);
    mkdirSync(join(cwd, 'geodata.config.json'));
    expect(() => readConfigFile(undefined, cwd)).toThrow(`config file ${join(cwd, 'geodata.config.json')} is a folder, not a file; give a geodata.config.json file such as { "modules": ["pipeline.ts"], "root": "cache" }`);
  });
});
