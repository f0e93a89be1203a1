/**
 * A new project that installed geodata the way a user does: `npm pack` of this repository (its
 * prepack builds dist/ when a source changed, and leaves the clone-only `prepare` script out of
 * the tarball), then `npm install <tarball>` in an
 * empty folder, which fetches the dependencies from the registry (npm's cache makes later runs
 * offline). Everything runs in child processes with an environment cleaned of the npm variables
 * `npm test` sets, so npm and node see the project as a user's shell would.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireFolderLock } from '../../src/store/fs-lock-node.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The consumer's own files (pipeline, runners, tsconfig), copied into the project. */
const CONSUMER = fileURLToPath(new URL('./consumer/', import.meta.url));

/** What a command printed, and how it ended. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without what `npm test` adds (npm_config_*, npm_lifecycle_*, npm_package_*, INIT_CWD). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$)/i.test(name)));
}

function result(run: SpawnSyncReturns<string>): Run {
  if (run.error) throw run.error;
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A temporary project with geodata installed from its tarball. */
export class PackedProject {
  readonly folder = mkdtempSync(join(tmpdir(), 'geodata-packed-'));
  readonly project = join(this.folder, 'project');
  /** What `npm install <tarball>` printed. */
  installOutput = '';
  tarball = '';

  /** Packs the repository and installs the tarball into an empty project (with the consumer files). */
  async install(): Promise<this> {
    // The pack's prepack and postpack rewrite the repository's package.json: two packs at once
    // (two test files in two workers) would each put back what the other took out.
    const release = await acquireFolderLock(join(tmpdir(), 'geodata-pack-locks'), REPO, { storeName: 'npm pack of the repository', timeoutMs: 600_000 });
    let packed: Run;
    try {
      packed = this.run('npm', ['pack', '--json', '--pack-destination', this.folder], REPO, 120_000);
    } finally {
      await release();
    }
    if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    this.tarball = join(this.folder, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);
    cpSync(CONSUMER, this.project, { recursive: true });
    // Node's types from this repository (a Node project has @types/node).
    const tsconfig = JSON.parse(readFileSync(join(this.project, 'tsconfig.json'), 'utf8'));
    tsconfig.compilerOptions.typeRoots = [join(REPO, 'node_modules', '@types')];
    tsconfig.compilerOptions.types = ['node'];
    writeFileSync(join(this.project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    writeFileSync(join(this.project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    const installed = this.npm(['install', this.tarball]);
    this.installOutput = `${installed.stdout}${installed.stderr}`;
    if (installed.code !== 0) throw new Error(`npm install ${this.tarball} failed:\n${this.installOutput}`);
    return this;
  }

  /** `npm <args>` in the project, offline where npm's cache has the packages. */
  npm(args: string[]): Run {
    return this.run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], this.project, 300_000);
  }

  /** `node <args>` in the project. */
  node(args: string[], timeout = 120_000): Run {
    return this.run(process.execPath, args, this.project, timeout);
  }

  /** The installed `geodata` command (node_modules/.bin/geodata, as npx runs it). */
  geodata(args: string[]): Run {
    return this.run(join(this.project, 'node_modules', '.bin', 'geodata'), args, this.project, 120_000);
  }

  /** `geodata <args> --json`, parsed. */
  geodataJson<T>(args: string[]): { code: number | null; value: T; stderr: string } {
    const run = this.geodata([...args, '--json']);
    try {
      return { code: run.code, value: JSON.parse(run.stdout) as T, stderr: run.stderr };
    } catch {
      throw new Error(`geodata ${args.join(' ')} --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    }
  }

  /** Starts `geodata <args>` and resolves with the first line matching `pattern` on stdout, and a way to stop it. */
  start(args: string[], pattern: RegExp): Promise<{ match: RegExpMatchArray; stop: () => void }> {
    const child = spawn(join(this.project, 'node_modules', '.bin', 'geodata'), args, { cwd: this.project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`geodata ${args.join(' ')} printed nothing matching ${pattern} in 60 s:\n${output}`));
      }, 60_000);
      const look = (chunk: Buffer) => {
        output += chunk.toString();
        const match = pattern.exec(output);
        if (!match) return;
        clearTimeout(timer);
        resolve({ match, stop: () => child.kill() });
      };
      child.stdout.on('data', look);
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`geodata ${args.join(' ')} exited (${code}) before printing ${pattern}:\n${output}`));
      });
    });
  }

  /** A file of the project, as text. */
  read(path: string): string {
    return readFileSync(join(this.project, path), 'utf8');
  }

  remove(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }

  private run(command: string, args: string[], cwd: string, timeout: number): Run {
    return result(spawnSync(command, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout }));
  }
}
