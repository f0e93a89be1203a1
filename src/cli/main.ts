// Node only: the `geodata` command line (bin/geodata.js runs it). Each subcommand is a thin layer
// over the library's cache functions.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, defaultRegistry, GeodataError, getConfig, InvalidInputError, LIBRARY_VERSION } from '../node.js';
import { CliContext, type CliIo, type Command, type OptionValues } from './command.js';
import { browseCommand } from './commands/browse.js';
import { codeCommand, versionsCommand } from './commands/code.js';
import { cleanCacheCommand, cleanSourceCommand, rebuildRegistryCommand } from './commands/clean.js';
import { entriesCommand, entryCommand, explainCommand } from './commands/entries.js';
import { classesCommand, statusCommand } from './commands/status.js';
import { exportCommand, importCommand } from './commands/transfer.js';
import { CONFIG_FILE_NAME, readConfigFile } from './config-file.js';
import { loadPipelineModules } from './load-modules.js';

/** Every subcommand, in the order `--help` lists them. */
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
  browseCommand,
];

const COMMON_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  root: { type: 'string' },
  config: { type: 'string' },
  module: { type: 'string', short: 'm', multiple: true },
  json: { type: 'boolean' },
  'full-hash': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Runs `geodata <command> ...` and resolves to the exit code: 0 done, 1 `classes` found stale
 * classes, 2 an error (bad arguments, an unknown or ambiguous hash prefix, a pipeline module
 * that failed to load).
 * @example process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out(`${LIBRARY_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`geodata: unknown command ${JSON.stringify(name)}; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (geodata --help)\n`);
    return 2;
  }
  try {
    return await run(command, rest, io);
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
  if (spec.kind === 'args' && (positionals.length < spec.min || (spec.max !== undefined && positionals.length > spec.max))) {
    throw new InvalidInputError(`usage: geodata ${command.name} ${command.usage}`);
  }

  const configFile = readConfigFile(values.config as string | undefined, io.cwd);
  const root = typeof values.root === 'string' ? resolve(io.cwd, values.root) : (configFile?.root ?? io.cwd);
  if (!command.createsRoot && !isFolder(root)) throw new ConfigError(`the cache root ${root} does not exist or is not a folder; give the right one with --root`);
  getConfig().update({ root });

  const moduleFiles = [
    ...(configFile?.modules ?? []),
    ...((values.module as string[] | undefined) ?? []).map((file) => resolve(io.cwd, file)),
    ...(spec.kind === 'modules' ? positionals.map((file) => resolve(io.cwd, file)) : []),
  ];
  const modules = await loadPipelineModules(moduleFiles, io.cwd);
  for (const failure of modules.errors) io.err(`geodata: error: cannot load pipeline module ${failure.file}: ${failure.message}\n`);
  if (moduleFiles.length === 0 && defaultRegistry.names().length === 0 && !['export', 'import', 'entry'].includes(command.name)) {
    io.err(`geodata: note: no pipeline module was named, so no class is loaded and none can be judged fresh or stale; name them (geodata ${command.name} pipeline.ts, --module) or list them in ${CONFIG_FILE_NAME}\n`);
  }
  const context = new CliContext(io, { json: values.json === true, fullHash: values['full-hash'] === true, root }, modules.errors);
  const code = await command.run(context, spec.kind === 'args' ? positionals : [], values);
  return modules.errors.length > 0 ? 2 : code;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `geodata ${LIBRARY_VERSION}: manage a geodata cache`,
    '',
    'usage: geodata <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    commonOptionsHelp(),
    '',
    'exit codes: 0 done, 1 classes found stale classes, 2 an error',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [`usage: geodata ${command.name} ${command.usage}`, '', command.summary, '', commonOptionsHelp(), ''].join('\n');
}

function commonOptionsHelp(): string {
  return [
    'common options:',
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

function describeError(error: unknown): string {
  if (error instanceof GeodataError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    errIsTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
  };
}
