import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, type Run } from './cli-helpers.js';

/**
 * The CLI run inside the test's process: `main(argv, io)` of the build `bin/geodata.js` runs, with
 * stdout and stderr captured, without starting Node, the build and tsx for each case. A separate process
 * still differs in what one process shares between runs, and each of those is scoped here:
 * - the module instances: main and the pipeline modules are imported by Node itself (not through
 *   vitest's transform), so they share one copy of geodata, the build in dist/bundle, as in the bin;
 * - the cache root: each run is inside `withConfig`, so `main`'s `getConfig().update({ root })`
 *   holds for that run only;
 * - the class registry: before each run it holds exactly what the run's pipeline modules register,
 *   nothing for a run that names none. Node imports a module once, so the registrations a module
 *   set made on its first run are kept (a snapshot) and put back on later runs instead; a run
 *   that imports a module again with other modules is refused (it needs a process of its own).
 * What cannot be scoped stays in child processes ({@link geodata} in cli-helpers.ts): see the
 * tests that use it. One thing differs and is not scoped: paths in reasons are shown relative to
 * the process's working directory (src/pipeline/recorded.ts), not to `io.cwd`.
 */

interface Dist {
  main(argv: readonly string[], io: { out(text: string): void; err(text: string): void; errIsTTY: boolean; cwd: string }): Promise<number>;
  withConfig<T>(changes: { root: string }, fn: () => Promise<T>): Promise<T>;
  defaultRegistry: {
    snapshot(): { classes: ReadonlyArray<{ name: string; site: { text: string } | undefined }> };
    restore(snapshot: unknown): void;
    names(): string[];
  };
}

let dist: Promise<Dist> | undefined;
function loadDist(): Promise<Dist> {
  dist ??= (async () => {
    // Externalised (vitest.config.ts): imported by Node, the instance the pipeline modules import
    // by name, as in bin/geodata.js; vitest's runner would load a second copy of geodata.
    const cli = await import(/* @vite-ignore */ pathToFileURL(join(REPO, 'dist', 'bundle', 'cli.js')).href);
    const library = await import(/* @vite-ignore */ pathToFileURL(join(REPO, 'dist', 'bundle', 'node.js')).href);
    return { main: cli.main, withConfig: library.withConfig, defaultRegistry: library.defaultRegistry } as Dist;
  })();
  return dist;
}

/** The registrations each set of pipeline modules made when this process first imported it. */
const registrations = new Map<string, unknown>();
/** The pipeline modules imported in this process so far. */
const imported = new Set<string>();

/** Runs `geodata <args>` in `cwd` inside this process; the same outcome as {@link geodata} in a process of its own. */
export async function geodataInProcess(args: string[], cwd: string): Promise<Run> {
  const { main, withConfig, defaultRegistry } = await loadDist();
  const modules = pipelineModules(args, cwd);
  const key = JSON.stringify(modules);
  if (registrations.size === 0) {
    if (defaultRegistry.names().length > 0) throw new Error(`classes ${defaultRegistry.names().join(', ')} were registered in this process before its first in-process CLI run`);
    registrations.set('[]', defaultRegistry.snapshot());
  }
  const known = registrations.get(key);
  const again = known === undefined ? modules.filter((module) => imported.has(module)) : [];
  if (again.length > 0) {
    // Node would not evaluate these again: their classes would register through the CLI's loader,
    // from another place, with other fingerprints (Extreme, which finds node:fs/promises through
    // its module, turns stale). A process of its own is what gives this run a fresh registry.
    throw new Error(`geodata ${args.join(' ')} imports ${again.join(', ')}, imported in this process before with other modules: run it in a process of its own (geodata() in cli-helpers.ts)`);
  }
  defaultRegistry.restore(known ?? registrations.get('[]'));
  let stdout = '';
  let stderr = '';
  const io = { out: (text: string) => void (stdout += text), err: (text: string) => void (stderr += text), errIsTTY: false, cwd };
  const code = await withConfig({ root: cwd }, () => main(args, io));
  if (known === undefined) {
    const snapshot = defaultRegistry.snapshot();
    // Every class registered must come from the modules named: otherwise the modules a run
    // imports were guessed wrong here, and a later run would see the wrong classes.
    // (Exported classes that do not register themselves are registered by the CLI's loader.)
    const fromModules = (site: string | undefined) => site !== undefined && [...modules, ...LOADER].some((file) => site.startsWith(pathToFileURL(file).href) || site.startsWith(file));
    const strays = snapshot.classes.filter(({ site }) => !fromModules(site?.text));
    if (strays.length > 0) throw new Error(`geodata ${args.join(' ')} registered ${strays.map((c) => `${c.name} (${c.site?.text})`).join(', ')}, outside the modules ${modules.join(', ') || '(none)'}`);
    registrations.set(key, snapshot);
    for (const module of modules) imported.add(module);
  }
  return { code, stdout, stderr };
}

/** Runs `geodata <args> --json` in this process and parses stdout. */
export async function geodataJsonInProcess<T = any>(args: string[], cwd: string): Promise<{ code: number | null; value: T; stderr: string }> {
  const run = await geodataInProcess([...args, '--json'], cwd);
  try {
    return { code: run.code, value: JSON.parse(run.stdout) as T, stderr: run.stderr };
  } catch {
    throw new Error(`geodata ${args.join(' ')} --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

// The CLI's loader: in one of the bundle's chunks, or its TypeScript source where the stack is
// mapped through the bundle's source map (as vitest maps it).
const LOADER = [join(REPO, 'dist', 'bundle'), join(REPO, 'src', 'cli', 'load-modules.ts')];
const MODULE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/**
 * The pipeline modules `geodata <args>` in `cwd` imports, as main finds them: the config file's
 * (--config, or ./geodata.config.json), --module's, and script files among the positionals.
 */
function pipelineModules(args: readonly string[], cwd: string): string[] {
  let config: string | undefined;
  const files: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const token = args[index]!;
    const [name, inline] = token.startsWith('--') && token.includes('=') ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)] : [token, undefined];
    if (name === '--config') config = inline ?? args[++index];
    else if (name === '--module' || name === '-m') files.push(resolve(cwd, inline ?? args[++index]!));
    else if (!token.startsWith('-') && MODULE_FILE.test(token) && isFile(resolve(cwd, token))) files.push(resolve(cwd, token));
  }
  const configPath = resolve(cwd, config ?? 'geodata.config.json');
  if (isFile(configPath)) {
    const listed = (JSON.parse(readFileSync(configPath, 'utf8')) as { modules?: string[] }).modules ?? [];
    files.unshift(...listed.map((module) => resolve(dirname(configPath), module)));
  }
  return [...new Set(files)];
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

