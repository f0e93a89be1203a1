import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, '..', '..');
const BIN = join(REPO, 'bin', 'geodata.js');
export const FIXTURES = join(here, 'fixtures');
const TSX_LOADER = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;
export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));

/** A free loopback port, chosen now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts redis-server on `port` (default: a free loopback port), without persistence; resolves once it accepts connections. */
export async function startRedis(port?: number): Promise<RedisServer> {
  port ??= await freePort();
  const child = spawn(REDIS_SERVER!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}:\n${log}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${log}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopChild(child, 'SIGTERM'),
  };
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** A `geodata worker` process, with its own working folder and temp directory (as on its own machine). */
export interface WorkerProcess {
  child: ChildProcess;
  /** The JSON lines it printed on stdout. */
  lines: Array<Record<string, any>>;
  stderr(): string;
  /** Resolves with the first line matching `test`. */
  waitFor(test: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export function startWorker(module: string, root: string, redis: string, extra: string[] = [], env: Record<string, string> = {}): WorkerProcess {
  const home = mkdtempSync(join(tmpdir(), 'geodata-worker-'));
  const temp = join(home, 'tmp');
  mkdirSync(temp);
  const child = spawn(process.execPath, [BIN, 'worker', module, '--root', root, '--redis', redis, '--lock-duration', '2000', ...extra], {
    cwd: home,
    env: { ...process.env, TMPDIR: temp, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, any>> = [];
  const waiters: Array<{ test: (line: Record<string, any>) => boolean; resolve: (line: Record<string, any>) => void }> = [];
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    let newline: number;
    while ((newline = out.indexOf('\n')) >= 0) {
      const text = out.slice(0, newline);
      out = out.slice(newline + 1);
      let line: Record<string, any>;
      try {
        line = JSON.parse(text);
      } catch {
        continue;
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => err,
    waitFor(test, timeoutMs = 60_000) {
      const found = lines.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker ${child.pid} printed no such line in ${timeoutMs} ms; stdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${err}`)), timeoutMs);
        const onExit = (code: number | null) => {
          clearTimeout(timer);
          reject(new Error(`worker ${child.pid} exited (${code}) before printing such a line; stderr:\n${err}`));
        };
        child.once('exit', onExit);
        waiters.push({
          test,
          resolve: (line) => {
            clearTimeout(timer);
            child.off('exit', onExit);
            resolve(line);
          },
        });
      });
    },
    exited,
    stop: () => stopChild(child, 'SIGTERM'),
    kill9: () => stopChild(child, 'SIGKILL'),
  };
}

/** Runs the client fixture in its own process and returns what it printed (asynchronously, so workers keep running). */
export function runClient(root: string, redis: string, args: string[]): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const home = mkdtempSync(join(tmpdir(), 'geodata-client-'));
    const child = spawn(process.execPath, ['--import', TSX_LOADER, join(FIXTURES, 'client.ts'), root, redis, ...args], { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`client exited ${code} without a result:\n${out}\n${err}`));
      }
    });
  });
}

/**
 * Every entry folder under `root/data_processed`, judged as a reader would: valid (meta.json,
 * output with the recorded size and checksum) or not, with the reason.
 */
export function storedEntries(root: string): Array<{ hash: string; className?: string; valid: boolean; problem?: string }> {
  const folder = join(root, 'data_processed');
  if (!existsSync(folder)) return [];
  return readdirSync(folder).map((hash) => {
    const metaPath = join(folder, hash, 'meta.json');
    if (!existsSync(metaPath)) return { hash, valid: false, problem: 'no meta.json' };
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    const output = join(folder, hash, meta.output.file);
    if (!existsSync(output)) return { hash, className: meta.class_name, valid: false, problem: 'output missing' };
    const bytes = readFileSync(output);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const valid = bytes.length === meta.output.size && sha === meta.output.sha256;
    return { hash, className: meta.class_name, valid, ...(valid ? {} : { problem: 'output does not match meta.json' }) };
  });
}

export { spawnSync };
