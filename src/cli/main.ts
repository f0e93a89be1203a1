// Node only: the `geodata` command line (bin/geodata.js runs it). Each subcommand is a thin layer
// over the library's cache functions.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import '../node/setup-node.js';
import { getConfig } from '../config.js';
import { ConfigError, InvalidInputError } from '../errors.js';
import { defaultRegistry } from '../fingerprint/index.js';
import { LIBRARY_VERSION } from '../version.js';
import { describeError } from '../format.js';
import { CliContext, type CliIo, type Command, type OptionValues } from './command.js';
import { assetsCommand } from './commands/assets.js';
import { browseCommand } from './commands/browse.js';
import { codeCommand, versionsCommand } from './commands/code.js';
import { cleanCacheCommand, cleanSourceCommand, rebuildRegistryCommand } from './commands/clean.js';
import { entriesCommand, entryCommand, explainCommand } from './commands/entries.js';
import { classesCommand, statusCommand } from './commands/status.js';
import { exportCommand, importCommand } from './commands/transfer.js';
import { verifyCommand } from './commands/verify.js';
import { workerCommand } from './commands/worker.js';
import { CONFIG_FILE_NAME, readConfigFile } from './config-file.js';
import { handOver, otherInstallation } from './hand-over.js';
import { loadPipelineModules } from './load-modules.js';
import { showProgress } from '../node/progress-display.js';

/**
 * Every subcommand, in the order `--help` lists them. Each imports what it runs when it runs, so a
 * command starts without loading the others' code (archives, the registry browser, diffs).
 */
export const COMMANDS: readonly Command[] = [
  statusCommand,
  classesCommand,
  entriesCommand,
  entryCommand,
  explainCommand,
  codeCommand,
  versionsCommand,
  cleanCacheCommand,
  cleanSourceCommand,
  rebuildRegistryCommand,
  exportCommand,
  importCommand,
  verifyCommand,
  browseCommand,
  assetsCommand,
  workerCommand,
];

const COMMON_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  root: { type: 'string' },
  config: { type: 'string' },
  module: { type: 'string', short: 'm', multiple: true },
  json: { type: 'boolean' },
  'full-hash': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Commands that move entries between caches and judge none: they need no pipeline module. */
const JUDGES_NOTHING = ['export', 'import', 'assets'];

/**
 * Runs `geodata [common options] <command> ...` and resolves to the exit code: 0 done, 1
 * `classes` found stale classes, 2 an error (bad arguments, an unknown or ambiguous hash prefix,
 * a pipeline module that failed to load). The common options (--root, --config, --module,
 * --json, --full-hash) may come before the command name or after it. When the pipeline modules
 * import another installation of geodata than this command's, that installation's command runs
 * instead: classes register with the copy of geodata their module imports.
 * @example process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const split = splitCommand(argv);
  if (!split.ok) {
    io.err(`geodata: ${split.message}\n`);
    return 2;
  }
  const { name, leading, rest } = split;
  const commandList = `the commands are ${COMMANDS.map((c) => c.name).join(', ')} (geodata --help)`;
  if (name === undefined || name === 'help') {
    if (leading.includes('--version')) {
      io.out(`${LIBRARY_VERSION}\n`);
      return 0;
    }
    if (name === 'help' || leading.includes('--help') || leading.includes('-h') || leading.length === 0) {
      io.out(usage());
      return name === undefined && leading.length === 0 ? 2 : 0;
    }
    io.err(`geodata: the command is missing after the options; ${commandList}\n`);
    return 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`geodata: unknown command ${JSON.stringify(name)}; ${commandList}\n`);
    return 2;
  }
  try {
    return await run(command, [...leading, ...rest], io);
  } catch (error) {
    io.err(`geodata ${command.name}: error: ${describeError(error)}\n`);
    return 2;
  }
}

async function run(command: Command, argv: string[], io: CliIo): Promise<number> {
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InvalidInputError(`${(error as Error).message}; see geodata ${command.name} --help`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(commandHelp(command));
    return 0;
  }
  const spec = command.positionals;
  // `geodata explain pipeline.ts 68107bf3`: leading script files are modules, as -m names them.
  const positionalModules = spec.kind === 'args' ? leadingModuleFiles(positionals, io.cwd) : [];
  const args = spec.kind === 'args' ? positionals.slice(positionalModules.length) : [];
  if (spec.kind === 'args' && (args.length < spec.min || (spec.max !== undefined && args.length > spec.max))) {
    throw new InvalidInputError(`usage: geodata ${command.name} [pipeline-module...] ${command.usage} (modules first, or with -m pipeline.ts)`);
  }

  const configFile = readConfigFile(values.config as string | undefined, io.cwd);
  const askedRoot = typeof values.root === 'string' ? resolve(io.cwd, values.root) : configFile?.root;
  let root = askedRoot ?? io.cwd;
  if (!command.createsRoot && !isFolder(root)) throw new ConfigError(`the cache root ${root} does not exist or is not a folder; give the right one with --root`);
  getConfig().update({ root });

  const moduleFiles = [
    ...(configFile?.modules ?? []),
    ...((values.module as string[] | undefined) ?? []).map((file) => resolve(io.cwd, file)),
    ...(spec.kind === 'modules' ? positionals : positionalModules).map((file) => resolve(io.cwd, file)),
  ];
  const installation = otherInstallation(moduleFiles);
  if (installation) return handOver(installation, [command.name, ...argv], io);
  // A pipeline module that computes entries as it loads shows their progress, as a script would.
  const stopProgress = showProgress({ stream: { write: (text: string) => io.err(text), isTTY: io.errIsTTY && values.json !== true } });
  const modules = await loadPipelineModules(moduleFiles, io.cwd).finally(stopProgress);
  for (const failure of modules.errors) io.err(`geodata: error: cannot load pipeline module ${failure.file}: ${failure.message}\n`);
  // A module may set its own root as it loads (getConfig().update({ root: 'cache' })). The root
  // the user named wins; without one, the module's is where its cache is. Either way the command
  // reports the root whose store it reads, not one and reads the other.
  if (getConfig().root !== root) {
    if (askedRoot !== undefined) getConfig().update({ root });
    else root = getConfig().root;
  }
  if (moduleFiles.length === 0 && defaultRegistry.names().length === 0 && !JUDGES_NOTHING.includes(command.name)) {
    // Where a command's positionals are its own arguments, modules can only come with -m.
    const example =
      spec.kind === 'modules'
        ? `geodata ${command.name} pipeline.ts, or --module`
        : `geodata ${command.name} pipeline.ts ${command.usage.split(' ').filter((word) => word.startsWith('<')).join(' ')}`;
    io.err(`geodata: note: no pipeline module was named, so no class is loaded and none can be judged fresh or stale; name them (${example}) or list them in ${CONFIG_FILE_NAME}\n`);
  }
  const context = new CliContext(io, { json: values.json === true, fullHash: values['full-hash'] === true, root }, modules.errors, moduleFiles);
  const code = await command.run(context, args, values);
  return modules.errors.length > 0 ? 2 : code;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `geodata ${LIBRARY_VERSION}: manage a geodata cache`,
    '',
    'usage: geodata [common options] <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    commonOptionsHelp(),
    '',
    'exit codes: 0 done, 1 classes found stale classes (verify: an entry differs), 2 an error',
    '',
  ].join('\n');
}

/** The leading positionals that name existing script files (`.ts`, `.js`, ...): pipeline modules. */
function leadingModuleFiles(positionals: readonly string[], cwd: string): string[] {
  const modules: string[] = [];
  for (const arg of positionals) {
    if (!MODULE_FILE.test(arg) || !isFile(resolve(cwd, arg))) break;
    modules.push(arg);
  }
  return modules;
}

const MODULE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function commandHelp(command: Command): string {
  const modules = command.positionals.kind === 'args' ? '[pipeline-module...] ' : '';
  return [`usage: geodata ${command.name} ${modules}${command.usage}`, '', command.summary, '', commonOptionsHelp(), ''].join('\n');
}

function commonOptionsHelp(): string {
  return [
    'common options (before or after the command):',
    '  --root DIR          the cache root (default: the config file\'s "root", else the working directory)',
    `  --config FILE       a config file { "modules": [...], "root": "..." } (default: ./${CONFIG_FILE_NAME} if present)`,
    '  -m, --module FILE   a pipeline module to import (TypeScript or JavaScript); repeatable',
    '  --json              machine-readable output',
    '  --full-hash         print whole hashes (12 characters otherwise)',
  ].join('\n');
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Splits off the common options that come before the command name (with their values), so
 * `geodata --root other import x.tar.gz` reads like `geodata import x.tar.gz --root other`.
 * Another option there is refused: which command it belongs to is not known yet.
 */
function splitCommand(argv: readonly string[]): { ok: true; name: string | undefined; leading: string[]; rest: string[] } | { ok: false; message: string } {
  const leading: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    if (!token.startsWith('-') || token === '-') return { ok: true, name: token, leading, rest: argv.slice(index + 1) };
    const option = commonOption(token);
    if (!option && token !== '--version') {
      const name = token.split('=')[0]!;
      return {
        ok: false,
        message: `option ${name} is not a common option: put it after the command name (geodata <command> ${name} ...); the common options are --root, --config, -m/--module, --json, --full-hash`,
      };
    }
    leading.push(token);
    if (option?.needsValue && index + 1 < argv.length) leading.push(argv[++index]!);
  }
  return { ok: true, name: undefined, leading, rest: [] };
}

/** The common option a token names, and whether its value is the next token; undefined when it is none. */
function commonOption(token: string): { needsValue: boolean } | undefined {
  if (token.startsWith('--')) {
    const [name, inline] = [token.slice(2).split('=')[0]!, token.includes('=')];
    const option = COMMON_OPTIONS[name];
    return option ? { needsValue: option.type === 'string' && !inline } : undefined;
  }
  const option = Object.values(COMMON_OPTIONS).find((o) => o.short === token[1]);
  return option ? { needsValue: option.type === 'string' && token.length === 2 } : undefined;
}

function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    errIsTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
  };
}
