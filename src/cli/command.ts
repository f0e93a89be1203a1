// Node only (part of the CLI): what a subcommand is, and what it gets to run.
import type { ParseArgsConfig } from 'node:util';
import type { CacheProgress } from '../cache/scan.js';
import { shortHash } from '../format.js';
import type { ModuleError } from './load-modules.js';
import { progressLine } from './progress.js';

/** Where the CLI writes, and where it runs (injectable, so the CLI can run inside a test too). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal: progress is drawn only then. */
  errIsTTY: boolean;
  cwd: string;
}

/** The option values of a parsed command line. */
export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** What a subcommand runs with: the common options, output helpers, and the state of the loaded modules. */
export class CliContext {
  constructor(
    readonly io: CliIo,
    readonly options: { json: boolean; fullHash: boolean; root: string },
    /** Pipeline modules that failed to load (already reported on stderr). */
    readonly moduleErrors: readonly ModuleError[] = [],
    /** The pipeline modules named (absolute paths), loaded or not. */
    readonly modules: readonly string[] = [],
  ) {}

  get json(): boolean {
    return this.options.json;
  }

  /** A line (or lines) on stdout. */
  print(text = ''): void {
    this.io.out(`${text}\n`);
  }

  /** A value as pretty JSON on stdout. */
  printJson(value: unknown): void {
    this.io.out(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A note on stderr (never on stdout, so --json output stays parseable). */
  warn(text: string): void {
    this.io.err(`${text}\n`);
  }

  /** A hash as the user asked to see it (12 characters unless --full-hash). */
  hash(hash: string | null | undefined): string {
    return shortHash(hash, this.options.fullHash);
  }

  /** A progress listener for a long operation (silent unless stderr is a terminal and not --json). */
  progress(): { onProgress?: (progress: CacheProgress) => void; done(): void } {
    return progressLine((text) => this.io.err(text), this.io.errIsTTY && !this.options.json);
  }
}

/** One subcommand of `geodata`. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Arguments after the command name, for the usage line (`<hash-prefix>`). */
  usage: string;
  /** Its own options (the common ones are added). */
  options?: NonNullable<ParseArgsConfig['options']>;
  /**
   * `modules`: positionals are pipeline modules to import; `args`: positionals are the command's
   * own (modules then come from --module or the config file), with the given minimum count.
   */
  positionals: { kind: 'modules' } | { kind: 'args'; min: number; max?: number };
  /** Whether the command may create the cache root (import); others need an existing root. */
  createsRoot?: boolean;
  run(context: CliContext, args: string[], values: OptionValues): Promise<number>;
}
