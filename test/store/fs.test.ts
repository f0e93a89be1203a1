import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError, StoreError } from '../../src/errors.js';
import { safeLockName, type LockOwner, type StaleLockInfo } from '../../src/store/fs-lock-node.js';
import { tempPathFor } from '../../src/store/fs-write-node.js';
import { ownerTag } from '../../src/store/process-owner-node.js';
import { fsStore } from '../../src/store/node.js';
import { testStore } from './conformance.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const childScript = join(here, 'fixtures', 'lock-child.ts');
const scratch = await mkdtemp(join(tmpdir(), 'geodata-fs-store-'));
let counter = 0;
const freshRoot = () => join(scratch, `root-${++counter}`);

afterAll(() => rm(scratch, { recursive: true, force: true }));

testStore('fs', () => fsStore({ root: freshRoot() }));

const bytes = (...values: number[]) => new Uint8Array(values);

describe('fsStore files and folders', () => {
  it('works with a root that does not exist yet, creating it on first write', async () => {
    const root = join(freshRoot(), 'not', 'there', 'yet');
    const store = fsStore({ root });
    expect(await store.keys()).toEqual([]);
    expect(await store.get('data_processed/ab12/meta.json')).toBeUndefined();
    expect(await store.removePrefix('data_processed/')).toBe(0);
    await store.set('data_processed/ab12/meta.json', bytes(7));
    expect(await readFile(join(root, 'data_processed', 'ab12', 'meta.json'))).toEqual(Buffer.from([7]));
    expect(store.name).toBe(`fs:${root}`);
  });

  it('maps keys to files under the root and gives their absolute path with localPath', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    await store.set('.source/code/ef56/source.js', new TextEncoder().encode('class A {}'));
    const path = store.localPath('.source/code/ef56/source.js');
    expect(path).toBe(join(root, '.source', 'code', 'ef56', 'source.js'));
    expect(await readFile(path, 'utf8')).toBe('class A {}');
    expect(() => store.localPath('../outside.txt')).toThrow(InvalidInputError);
    expect(() => store.localPath('/etc/passwd')).toThrow(InvalidInputError);
  });

  it('does not list a temp file left behind by a crash in the middle of set', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    await store.set('data_processed/ab12/parameters.json', bytes(1));
    // What a process killed between writing and renaming leaves: the temp file, not the key.
    const leftover = tempPathFor(join(root, 'data_processed', 'ab12', 'meta.json'));
    await writeFile(leftover, 'half a meta.js');
    expect(await store.keys()).toEqual(['data_processed/ab12/parameters.json']);
    expect(await store.get('data_processed/ab12/meta.json')).toBeUndefined();
    // Removing the entry's folder also removes the leftover and the folders left empty.
    expect(await store.removePrefix('data_processed/ab12/')).toBe(1);
    expect(await readdir(root)).toEqual([]);
  });

  it('never shows readers a half-written value while a key is overwritten', async () => {
    const store = fsStore({ root: freshRoot() });
    const size = 4 * 1024 * 1024;
    await store.set('big.bin', new Uint8Array(size).fill(0));
    let writing = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (writing) {
        const value = (await store.get('big.bin'))!;
        const uniform = value.every((byte) => byte === value[0]);
        seen.add(`${value.byteLength}:${uniform ? value[0] : 'mixed'}`);
      }
    })();
    for (let round = 1; round <= 12; round++) await store.set('big.bin', new Uint8Array(size).fill(round));
    writing = false;
    await reader;
    for (const state of seen) expect(state).toMatch(new RegExp(`^${size}:\\d+$`));
  });

  it('renames the values of setMany in the given order, so the last key appears last', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    await store.set('data_processed/ab12/elevation_loader.tif', bytes(1));
    const folder = join(root, 'data_processed', 'ab12');
    const appeared: string[] = [];
    const watcher = watch(folder, (_event, file) => {
      const name = String(file);
      if (!name.includes('.geodata-tmp-') && !appeared.includes(name)) appeared.push(name);
    });
    try {
      await store.setMany([
        ['data_processed/ab12/spec.json', bytes(2)],
        ['data_processed/ab12/parameters.json', bytes(3)],
        ['data_processed/ab12/meta.json', bytes(4)],
      ]);
      for (let wait = 0; appeared.length < 3 && wait < 200; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      watcher.close();
    }
    expect(appeared).toEqual(['spec.json', 'parameters.json', 'meta.json']);
  });

  it('puts back the keys it had already renamed when a later rename of setMany fails', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    await store.set('entry/a.json', new TextEncoder().encode('old a'));
    // A name longer than the file system allows: its temp file (shortened) is written, its rename fails.
    const tooLong = `entry/${'x'.repeat(300)}`;
    const error = await store
      .setMany([['entry/a.json', new TextEncoder().encode('new a')], ['entry/b.json', bytes(1)], [tooLong, bytes(2)]])
      .then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(`could not commit "${tooLong}"`);
    expect((error as Error).message).toContain(root);
    expect(new TextDecoder().decode(await store.get('entry/a.json'))).toBe('old a');
    expect(await store.keys()).toEqual(['entry/a.json']);
    expect(await readdir(join(root, 'entry'))).toEqual(['a.json']);
  });

  it('names the key and the root in its errors and attaches the cause', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    await store.set('data_processed/ab12', bytes(1));
    const error = await store.set('data_processed/ab12/meta.json', bytes(2)).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('"data_processed/ab12/meta.json"');
    expect((error as Error).message).toContain(root);
    expect((error as Error).message).toContain('cannot be both a file and a folder');
    // mkdir reports EEXIST for a file where a folder should be; other calls say ENOTDIR.
    expect(['EEXIST', 'ENOTDIR']).toContain(((error as Error).cause as { code?: string }).code);
    expect(await store.keys()).toEqual(['data_processed/ab12']);
  });

  it('treats a folder as no key: get, has and stat miss, remove does nothing', async () => {
    const store = fsStore({ root: freshRoot() });
    await store.set('data_processed/ab12/meta.json', bytes(1));
    expect(await store.get('data_processed/ab12')).toBeUndefined();
    expect(await store.has('data_processed/ab12')).toBe(false);
    expect(await store.stat('data_processed/ab12')).toBeUndefined();
    await store.remove('data_processed/ab12');
    expect(await store.keys()).toEqual(['data_processed/ab12/meta.json']);
  });

  it('removes the folders a removePrefix leaves empty, up to but not including the root', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    await store.set('data_processed/ab12/deep/er/file.bin', bytes(1));
    await store.set('data_processed/cd34/meta.json', bytes(1));
    expect(await store.removePrefix('data_processed/ab')).toBe(1);
    expect(await readdir(join(root, 'data_processed'))).toEqual(['cd34']);
    expect(await store.removePrefix('data_processed/cd34/')).toBe(1);
    expect(await readdir(root)).toEqual([]);
  });
});

describe('fsStore staging and commitFolder', () => {
  it('makes a staged folder visible all at once on commitFolder', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    const staging = await store.createStagingFolder('ElevationLoader ab12');
    expect(dirname(staging)).toBe(join(root, '.staging'));
    expect(await readdir(staging)).toEqual([]);
    await writeFile(join(staging, 'elevation_loader.tif'), 'tif');
    await writeFile(join(staging, 'meta.json'), '{}');
    expect(await store.keys()).toEqual([]);
    await store.commitFolder(staging, 'data_processed/ab12/');
    expect(await store.keys()).toEqual(['data_processed/ab12/elevation_loader.tif', 'data_processed/ab12/meta.json']);
    await expect(stat(staging)).rejects.toThrow(/ENOENT/);
  });

  it('gives a fresh folder on every createStagingFolder call, even with the same label', async () => {
    const store = fsStore({ root: freshRoot() });
    const first = await store.createStagingFolder('same');
    const second = await store.createStagingFolder('same');
    expect(first).not.toBe(second);
    expect((await stat(second)).isDirectory()).toBe(true);
  });

  it('refuses to commit onto a folder that has content, leaving both sides as they were', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    await store.set('data_processed/ab12/meta.json', new TextEncoder().encode('committed'));
    const staging = await store.createStagingFolder('again');
    await writeFile(join(staging, 'meta.json'), 'staged');
    const error = await store.commitFolder(staging, 'data_processed/ab12').then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('"data_processed/ab12/": that folder already has content');
    expect((error as Error).message).toContain('removePrefix("data_processed/ab12/")');
    expect(await readFile(join(staging, 'meta.json'), 'utf8')).toBe('staged');
    expect(new TextDecoder().decode(await store.get('data_processed/ab12/meta.json'))).toBe('committed');
    expect(await store.keys()).toEqual(['data_processed/ab12/meta.json']);
  });

  it.runIf(process.platform === 'linux')('commits onto an existing empty folder (rename replaces it on Linux)', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    await mkdir(join(root, 'data_processed', 'ab12'), { recursive: true });
    const staging = await store.createStagingFolder('onto-empty');
    await writeFile(join(staging, 'meta.json'), '{}');
    await store.commitFolder(staging, 'data_processed/ab12/');
    expect(await store.keys()).toEqual(['data_processed/ab12/meta.json']);
  });

  it('replaces an existing entry folder in place with { replace: true }, leaving nothing aside', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    const first = await store.createStagingFolder('v1');
    await writeFile(join(first, 'out.tif'), 'old output');
    await writeFile(join(first, 'meta.json'), 'old');
    await store.commitFolder(first, 'data_processed/ab12/');
    const second = await store.createStagingFolder('v2');
    await writeFile(join(second, 'out.tif'), 'new output');
    await writeFile(join(second, 'meta.json'), 'new');
    await store.commitFolder(second, 'data_processed/ab12/', { replace: true });
    expect(new TextDecoder().decode(await store.get('data_processed/ab12/out.tif'))).toBe('new output');
    expect(new TextDecoder().decode(await store.get('data_processed/ab12/meta.json'))).toBe('new');
    expect(await readdir(join(root, '.staging'))).toEqual([]);
  });

  it('shows readers listing an entry replaced over and over the whole old folder, the whole new one, or none: never a part', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    const stage = async (version: number) => {
      const folder = await store.createStagingFolder(`v${version}`);
      for (const name of ['a.tif', 'b.json', 'meta.json']) await writeFile(join(folder, name), `${name} ${version}`);
      return folder;
    };
    await store.commitFolder(await stage(0), 'data_processed/ab12/');
    let replacing = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (replacing) {
        const keys = await store.keys('data_processed/ab12/');
        seen.add(keys.length === 0 ? 'none' : keys.length === 3 ? 'whole' : `part: ${keys.join(', ')}`);
      }
    })();
    for (let version = 1; version <= 40; version++) await store.commitFolder(await stage(version), 'data_processed/ab12/', { replace: true });
    replacing = false;
    await reader;
    expect([...seen].filter((view) => view.startsWith('part'))).toEqual([]);
    expect(seen.has('whole')).toBe(true);
    expect(new TextDecoder().decode(await store.get('data_processed/ab12/meta.json'))).toBe('meta.json 40');
  });

  it('refuses to commit something that is not a folder, and a target key that is invalid', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    await expect(store.commitFolder(join(root, 'missing'), 'data_processed/ab12/')).rejects.toThrow(/is not a folder; create one with createStagingFolder/);
    const staging = await store.createStagingFolder('x');
    await expect(store.commitFolder(staging, '../escape/')).rejects.toThrow(InvalidInputError);
    await expect(store.commitFolder(staging, '.locks/')).rejects.toThrow(InvalidInputError);
    expect((await stat(staging)).isDirectory()).toBe(true);
  });
});

describe('fsStore locks', () => {
  it('makes holders of the same lock wait across two stores on the same root in one process', async () => {
    const root = freshRoot();
    const first = fsStore({ root });
    const second = fsStore({ root });
    const release = await first.lock('data_processed/ab12');
    const error = await second.lock('data_processed/ab12', { timeoutMs: 100 }).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreError);
    await release();
    await (await second.lock('data_processed/ab12', { timeoutMs: 1000 }))();
  });

  it('keeps a lock folder with its owner while held and removes it on release', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    const release = await store.lock('data_processed/ab12');
    const folder = join(root, '.locks', safeLockName('data_processed/ab12'));
    const owner = JSON.parse(await readFile(join(folder, 'owner.json'), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, hostname: hostname(), threadId: 0 });
    if (process.platform === 'linux') expect(owner.startTicks).toMatch(/^\d+$/);
    expect(Date.parse(owner.createdAt)).not.toBeNaN();
    expect(await store.keys()).toEqual([]);
    await release();
    expect(await readdir(join(root, '.locks'))).toEqual([]);
  });

  it('gives every lock name its own folder name, without dots or slashes', () => {
    expect(safeLockName('data_processed/ab12')).toBe('data_processed%2Fab12');
    expect(safeLockName('a.b')).not.toBe(safeLockName('a_b'));
    expect(safeLockName('..')).toBe('%2E%2E');
    const long = safeLockName('x'.repeat(500));
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long).not.toBe(safeLockName(`${'x'.repeat(499)}y`));
  });

  /** The owner.json this process writes, read from a lock taken and released for the purpose. */
  async function ownOwnerRecord(root: string): Promise<LockOwner> {
    const store = fsStore({ root });
    const release = await store.lock('probe');
    const owner = JSON.parse(await readFile(join(root, '.locks', safeLockName('probe'), 'owner.json'), 'utf8')) as LockOwner;
    await release();
    return owner;
  }

  async function leaveLock(root: string, name: string, owner: object): Promise<string> {
    const folder = join(root, '.locks', safeLockName(name));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'owner.json'), JSON.stringify(owner));
    return folder;
  }

  it.runIf(process.platform === 'linux')('recovers a lock left by an earlier process that had the same pid (told apart by its start time)', async () => {
    const root = freshRoot();
    const left = { ...(await ownOwnerRecord(root)), startTicks: '1', token: 'from-a-previous-life' };
    const folder = await leaveLock(root, 'entry', left);
    const recovered: StaleLockInfo[] = [];
    const store = fsStore({ root, onStaleLock: (info) => recovered.push(info) });
    const release = await store.lock('entry', { timeoutMs: 5000 });
    expect(recovered).toEqual([{ name: 'entry', path: folder, owner: left }]);
    await release();
  });

  it('recovers a lock that names this process and thread but that no holder here has', async () => {
    const root = freshRoot();
    const left = { ...(await ownOwnerRecord(root)), token: 'not-held-by-anyone' };
    const folder = await leaveLock(root, 'entry', left);
    const recovered: StaleLockInfo[] = [];
    const store = fsStore({ root, onStaleLock: (info) => recovered.push(info) });
    await (await store.lock('entry', { timeoutMs: 5000 }))();
    expect(recovered).toEqual([{ name: 'entry', path: folder, owner: left }]);
  });

  it('does not take over a lock held by another thread of this process', async () => {
    const root = freshRoot();
    await leaveLock(root, 'entry', { ...(await ownOwnerRecord(root)), threadId: 42, token: 'a-worker-holds-it' });
    const recovered: StaleLockInfo[] = [];
    const store = fsStore({ root, onStaleLock: (info) => recovered.push(info) });
    await expect(store.lock('entry', { timeoutMs: 200 })).rejects.toThrow(`held by pid ${process.pid} on ${hostname()}`);
    expect(recovered).toEqual([]);
  });

  it('takes over a lock whose holder was a worker thread terminated while holding it', async () => {
    const root = freshRoot();
    const store = new URL('../../src/store/node.js', import.meta.url).href;
    const code = `import { register } from 'tsx/esm/api'; register();
      const { parentPort } = await import('node:worker_threads');
      const { fsStore } = await import(${JSON.stringify(store)});
      await fsStore({ root: ${JSON.stringify(root)} }).lock('entry');
      parentPort.postMessage('locked');
      setInterval(() => {}, 60_000);`;
    const worker = new Worker(code, { eval: true });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const holder = JSON.parse(await readFile(join(root, '.locks', 'entry', 'owner.json'), 'utf8')) as LockOwner;
    expect([holder.pid, holder.threadId]).toEqual([process.pid, worker.threadId]);
    await worker.terminate();
    const recovered: StaleLockInfo[] = [];
    const release = await fsStore({ root, onStaleLock: (info) => recovered.push(info) }).lock('entry', { timeoutMs: 5000 });
    expect(recovered.map((info) => info.owner?.token)).toEqual([holder.token]);
    await release();
  }, 30_000);

  it('recovers a lock whose owner.json is damaged', async () => {
    const root = freshRoot();
    const folder = join(root, '.locks', safeLockName('entry'));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'owner.json'), '{"pid": 12');
    const recovered: StaleLockInfo[] = [];
    const store = fsStore({ root, onStaleLock: (info) => recovered.push(info) });
    await (await store.lock('entry', { timeoutMs: 5000 }))();
    expect(recovered).toEqual([{ name: 'entry', path: folder, owner: undefined }]);
  });

  it('does not take over a lock held on another host, and names that owner when it gives up', async () => {
    const root = freshRoot();
    const folder = join(root, '.locks', safeLockName('entry'));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'owner.json'), JSON.stringify({ pid: 1, hostname: 'another-host', createdAt: '2024-05-01T10:00:00.000Z', token: 't' }));
    const store = fsStore({ root });
    const error = await store.lock('entry', { timeoutMs: 200 }).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('held by pid 1 on another-host since 2024-05-01T10:00:00.000Z');
    expect((error as Error).message).toContain(`delete ${folder}`);
    expect(JSON.parse(await readFile(join(folder, 'owner.json'), 'utf8')).hostname).toBe('another-host');
  });

  it('tells a waiter once who holds the lock and where, after noticeAfterMs, and not for a holder in this process', async () => {
    const root = freshRoot();
    const store = fsStore({ root });
    const notices: Array<{ holder: string; path: string }> = [];
    const release = await store.lock('entry');
    await expect(store.lock('entry', { timeoutMs: 300, noticeAfterMs: 50, onWait: (info) => notices.push(info) })).rejects.toThrow(StoreError);
    await release();
    expect(notices).toEqual([]);

    const folder = join(root, '.locks', safeLockName('other'));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'owner.json'), JSON.stringify({ pid: 7, hostname: 'another-host', createdAt: '2024-05-01T10:00:00.000Z', token: 't' }));
    await expect(store.lock('other', { timeoutMs: 600, noticeAfterMs: 50, onWait: (info) => notices.push(info) })).rejects.toThrow(StoreError);
    expect(notices).toEqual([{ holder: 'pid 7 on another-host since 2024-05-01T10:00:00.000Z', path: folder }]);
  });

  it('never lets 8 processes contending for one lock overlap in the critical section', async () => {
    const root = freshRoot();
    await mkdir(root, { recursive: true });
    const log = join(root, 'log.txt');
    const go = join(root, 'go');
    const children = Array.from({ length: 8 }, () => startChild(['contend', root, 'data_processed/ab12', log, go, '40']));
    await Promise.all(children.map((child) => child.waitFor('ready')));
    await writeFile(go, '');
    const codes = await Promise.all(children.map((child) => child.exited));
    expect(codes).toEqual(Array(8).fill(0));

    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(16);
    const pids = children.map((child) => child.process.pid);
    for (let index = 0; index < 16; index += 2) {
      const pid = Number(lines[index]!.split(' ')[1]);
      expect(lines[index]).toBe(`start ${pid}`);
      expect(lines[index + 1]).toBe(`end ${pid}`);
    }
    expect(lines.filter((line) => line.startsWith('start')).map((line) => Number(line.split(' ')[1])).sort()).toEqual([...pids].sort());
    expect(await readdir(join(root, '.locks'))).toEqual([]);
  });

  it('recovers the lock of a process killed with SIGKILL while holding it', async () => {
    const root = freshRoot();
    const child = startChild(['hold', root, 'data_processed/ab12']);
    await child.waitFor('locked');
    const ownerFile = join(root, '.locks', safeLockName('data_processed/ab12'), 'owner.json');
    const owner = JSON.parse(await readFile(ownerFile, 'utf8'));
    expect(owner.pid).toBe(child.process.pid);

    const recovered: StaleLockInfo[] = [];
    const store = fsStore({ root, onStaleLock: (info) => recovered.push(info) });
    const whileAlive = await store.lock('data_processed/ab12', { timeoutMs: 300 }).then(() => undefined, (thrown: unknown) => thrown);
    expect((whileAlive as Error).message).toContain(`held by pid ${owner.pid} on ${hostname()}`);

    child.process.kill('SIGKILL');
    await child.exited;
    expect(() => process.kill(owner.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    const release = await store.lock('data_processed/ab12', { timeoutMs: 10_000 });
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.owner).toEqual(owner);
    expect(JSON.parse(await readFile(ownerFile, 'utf8')).pid).toBe(process.pid);
    await release();
  });
});

interface Child {
  process: ChildProcess;
  waitFor(line: string): Promise<void>;
  exited: Promise<number | null>;
}

function startChild(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  const listeners: Array<() => void> = [];
  child.stdout!.on('data', (chunk) => {
    output += chunk;
    listeners.forEach((listener) => listener());
  });
  child.stderr!.on('data', (chunk) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    waitFor: (line) =>
      new Promise<void>((resolve, reject) => {
        const check = () => output.split('\n').includes(line) && resolve();
        listeners.push(check);
        check();
        void exited.then((code) => reject(new Error(`lock child exited with ${code} before saying "${line}": ${errors}`)));
      }),
  };
}

describe('fsStore debris of killed runs', () => {
  const listing = async (folder: string) => (await readdir(folder).catch(() => [] as string[])).sort();

  it('reclaims the staging folder and the entry lock of a process killed mid-computation on the next write, and status sees them before', async () => {
    const root = freshRoot();
    const child = startChild(['stage', root, 'entry-k']);
    await child.waitFor('staged');
    const [staged] = await listing(join(root, '.staging'));
    expect(staged).toMatch(new RegExp(`^0123456789abcdef-p${child.process.pid}\\.`));
    child.process.kill('SIGKILL');
    await child.exited;

    // A folder of this (live) process, one of another host and one without an owner stay.
    const mine = join(root, '.staging', `fedcba9876543210-${ownerTag()}-Mm0Nn1`);
    await mkdir(mine);
    const otherHost = join(root, '.staging', 'aaaaaaaaaaaaaaaa-p1.100.00000000-Zz9Yy8');
    const untagged = join(root, '.staging', 'bbbbbbbbbbbbbbbb-Xx1Ww2');
    await mkdir(otherHost);
    await mkdir(untagged);

    const before = await fsStore({ root }).debris();
    expect(before.map((item) => [item.path, item.owner, item.bytes])).toEqual([
      [`.staging/${staged}`, 'dead', 1 << 20],
      ['.staging/aaaaaaaaaaaaaaaa-p1.100.00000000-Zz9Yy8', 'other-host', 0],
      ['.staging/bbbbbbbbbbbbbbbb-Xx1Ww2', 'unknown', 0],
      [`.staging/${mine.split('/').at(-1)}`, 'alive', 0],
    ]);

    const reclaimed: string[] = [];
    const store = fsStore({ root, onReclaim: (items) => reclaimed.push(...items.map((item) => `${item.path} ${item.bytes}`)) });
    const release = await store.lock('entry-k', { timeoutMs: 2000 }); // the dead child's lock is recovered too
    await release();
    expect(reclaimed).toEqual([`.staging/${staged} ${1 << 20}`]);
    expect(await listing(join(root, '.staging'))).toEqual(['aaaaaaaaaaaaaaaa-p1.100.00000000-Zz9Yy8', 'bbbbbbbbbbbbbbbb-Xx1Ww2', mine.split('/').at(-1)]);
    expect(await listing(join(root, '.locks'))).toEqual([]);
  }, 30_000);

  it('reclaims the staging folder of a worker thread terminated mid-computation when its entry lock is taken over, and status sees it as dead before', async () => {
    const root = freshRoot();
    const store = new URL('../../src/store/node.js', import.meta.url).href;
    const code = `import { register } from 'tsx/esm/api'; register();
      const { parentPort } = await import('node:worker_threads');
      const { writeFile } = await import('node:fs/promises');
      const { fsStore } = await import(${JSON.stringify(store)});
      const store = fsStore({ root: ${JSON.stringify(root)} });
      await store.lock('entry-k');
      const folder = await store.createStagingFolder('0123456789abcdef');
      await writeFile(folder + '/partial.tif', new Uint8Array(1 << 20));
      parentPort.postMessage('staged');
      setInterval(() => {}, 60_000);`;
    const worker = new Worker(code, { eval: true });
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const [staged] = await listing(join(root, '.staging'));
    // The folder names the worker's OS thread before the process: this process lives on after the thread ends.
    expect(staged).toMatch(new RegExp(`^0123456789abcdef-t\\d+\\.\\d+-${ownerTag().replace(/\./g, '\\.')}-`));
    expect((await fsStore({ root }).debris()).map((item) => [item.path, item.owner])).toEqual([[`.staging/${staged}`, 'alive']]);
    await worker.terminate();

    expect((await fsStore({ root }).debris()).map((item) => [item.path, item.owner, item.bytes])).toEqual([[`.staging/${staged}`, 'dead', 1 << 20]]);
    const reclaimed: string[] = [];
    const release = await fsStore({ root, onReclaim: (items) => reclaimed.push(...items.map((item) => item.path)) }).lock('entry-k', { timeoutMs: 5000 });
    await release();
    expect(reclaimed).toEqual([`.staging/${staged}`]);
    expect(await listing(join(root, '.staging'))).toEqual([]);
  }, 30_000);

  it('reclaims the staging folder of a process that died while this store waited for its lock, once the lock is taken over', async () => {
    const root = freshRoot();
    const child = startChild(['stage', root, 'entry-k']);
    await child.waitFor('staged');
    const [staged] = await listing(join(root, '.staging'));
    const reclaimed: string[] = [];
    const store = fsStore({ root, onReclaim: (items) => reclaimed.push(...items.map((item) => item.path)) });
    // The store's first write happens while the child lives: nothing of it is reclaimed then.
    await (await store.lock('entry-other')).call(undefined);
    const waiting = store.lock('entry-k', { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.process.kill('SIGKILL');
    await child.exited;
    const release = await waiting;
    expect(reclaimed).toEqual([`.staging/${staged}`]);
    expect(await listing(join(root, '.staging'))).toEqual([]);
    await release();
    expect(await listing(join(root, '.locks'))).toEqual([]);
  }, 30_000);

  it('counts and reclaims the entry lock of a process killed after its commit, which no run takes over, and leaves held ones', async () => {
    const root = freshRoot();
    const dead = `entry-${'a'.repeat(64)}`;
    const held = `entry-${'b'.repeat(64)}`;
    const child = startChild(['hold', root, dead]);
    await child.waitFor('locked');
    child.process.kill('SIGKILL');
    await child.exited;
    const store = fsStore({ root });
    const release = await store.lock(held);
    // The store's first write reclaimed the dead lock already; a second store sees one left by a later death.
    expect(await listing(join(root, '.locks'))).toEqual([held]);

    const again = startChild(['hold', root, dead]);
    await again.waitFor('locked');
    again.process.kill('SIGKILL');
    await again.exited;
    expect((await fsStore({ root }).debris()).map((item) => `${item.path} ${item.kind} ${item.owner}`)).toEqual([`.locks/${dead} lock dead`]);
    const reclaimed: string[] = [];
    await fsStore({ root, onReclaim: (items) => reclaimed.push(...items.map((item) => item.path)) }).createStagingFolder('x');
    expect(reclaimed).toEqual([`.locks/${dead}`]);
    expect(await listing(join(root, '.locks'))).toEqual([held]);
    await release();
    expect(await listing(join(root, '.locks'))).toEqual([]);
  }, 30_000);

  it('reclaims lock folders a killed release or recovery left, and only those whose owner is dead', async () => {
    const root = freshRoot();
    const locks = join(root, '.locks');
    const leftover = async (name: string, owner: Partial<LockOwner>) => {
      await mkdir(join(locks, name), { recursive: true });
      await writeFile(join(locks, name, 'owner.json'), JSON.stringify({ token: 't', createdAt: '2026-01-01T00:00:00.000Z', threadId: 0, ...owner }));
    };
    // A pid that is this process's but with another start time is a reused pid: its owner is dead.
    await leftover('entry-a.geodata-tmp-released-0a0a0a', { pid: process.pid, hostname: hostname(), startTicks: '1' });
    await leftover('entry-b.geodata-tmp-stale-0b0b0b', { pid: process.pid, hostname: hostname(), startTicks: '1' });
    await leftover('entry-c.geodata-tmp-released-0c0c0c', { pid: process.pid, hostname: hostname() });
    await leftover('entry-d.geodata-tmp-released-0d0d0d', { pid: 1, hostname: 'elsewhere.example' });
    const store = fsStore({ root });
    expect((await store.debris()).map((item) => `${item.path} ${item.kind} ${item.owner}`)).toEqual([
      '.locks/entry-a.geodata-tmp-released-0a0a0a lock dead',
      '.locks/entry-b.geodata-tmp-stale-0b0b0b lock dead',
      '.locks/entry-c.geodata-tmp-released-0c0c0c lock alive',
      '.locks/entry-d.geodata-tmp-released-0d0d0d lock other-host',
    ]);
    await store.createStagingFolder('x');
    expect(await listing(locks)).toEqual(['entry-c.geodata-tmp-released-0c0c0c', 'entry-d.geodata-tmp-released-0d0d0d']);
  });
});
