// Node only (part of the CLI): runs the `geodata` command of the installation the pipeline modules
// import, when it is not this one.
import { spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { CliIo } from './command.js';

/** Set in the environment of a command that was handed over to, so it never hands over again. */
const HANDED_OVER = 'GEODATA_CLI_HANDED_OVER';

/**
 * The folder of the geodata installation that `modules` import by name, when it is another one
 * than this command's: a global `geodata` run in a project that has its own, or another version
 * in one package of a monorepo. Classes register with the copy of geodata their module imports,
 * so only that copy's command sees them. Undefined when the modules import this installation, or
 * none resolves `geodata` by name (they import it by path, or not at all).
 */
export function otherInstallation(modules: readonly string[]): string | undefined {
  const own = installationFolder(import.meta.url);
  const theirs = new Set(modules.map((module) => installationFolder(module)).filter((folder): folder is string => folder !== undefined));
  if (theirs.size > 1) {
    throw new ConfigError(`the pipeline modules import different installations of geodata (${[...theirs].join(', ')}): their classes cannot be judged together; name the modules of one project at a time`);
  }
  const [folder] = theirs;
  return folder !== undefined && folder !== own && process.env[HANDED_OVER] === undefined ? folder : undefined;
}

/** Runs `geodata <argv>` with the command of the installation in `folder`; resolves to its exit code. */
export function handOver(folder: string, argv: readonly string[], io: CliIo): Promise<number> {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.geodata;
  if (!bin) throw new ConfigError(`the pipeline modules import geodata from ${folder}, which has no geodata command; run it from there (npx geodata)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(folder, bin), ...argv], { cwd: io.cwd, env: { ...process.env, [HANDED_OVER]: folder }, stdio: ['inherit', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', io.out);
    child.stderr.setEncoding('utf8').on('data', io.err);
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 2));
  });
}

/** The real path of the geodata package that `from` (a module path or file URL) resolves by name. */
function installationFolder(from: string): string | undefined {
  try {
    return realpathSync(dirname(createRequire(from).resolve('geodata/package.json')));
  } catch {
    return undefined;
  }
}
