import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowseServer, type BrowseServer } from '../../src/registry-ui/server-node.js';
import { getConfig } from '../../src/node.js';
import { BIN, buildCache, pageToken, rawRequest, removeFolder, storedEntries, tempFolder, V2, type BuiltCache } from './registry-ui-helpers.js';
// The code loaded in this process is version 2 of the pipeline, as `geodata browse pipeline-v2.ts` loads it.
import { HOSTILE } from './fixtures/pipeline-v2.js';

/** A code version whose source.js is a link to a file outside the cache. */
const LINKED_SOURCE = 'ab'.repeat(32);

const PAGE_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

describe('geodata browse refuses what it must not do', () => {
  let folder: string;
  let cache: BuiltCache;
  let server: BrowseServer;
  let saved: ReturnType<ReturnType<typeof getConfig>['snapshot']>;
  let outside: string;

  beforeAll(async () => {
    folder = tempFolder('security');
    cache = buildCache(folder);
    // A secret beside the cache, and links to it from inside an entry folder.
    outside = join(folder, 'secret.txt');
    writeFileSync(outside, 'the secret');
    const label = cache.entry('Label', { text: HOSTILE });
    symlinkSync(outside, join(cache.root, label.key, 'leak.txt'));
    symlinkSync(join(cache.root, label.key, 'label.txt'), join(cache.root, label.key, 'inside.txt'));
    // Files the API reads and shows (source.js, parameters.json, spec.json, tree.json) as links out of the cache.
    mkdirSync(join(cache.root, '.source', 'code', LINKED_SOURCE), { recursive: true });
    symlinkSync(outside, join(cache.root, '.source', 'code', LINKED_SOURCE, 'source.js'));
    const secretJson = join(folder, 'secret.json');
    writeFileSync(secretJson, JSON.stringify({ which: 'the secret' }));
    const min = cache.entry('Extreme', { which: 'min' });
    for (const name of ['parameters.json', 'spec.json']) {
      rmSync(join(cache.root, min.key, name));
      symlinkSync(secretJson, join(cache.root, min.key, name));
    }
    const secretTree = join(folder, 'tree-secret.json');
    writeFileSync(secretTree, JSON.stringify({ format_version: 1, root: 'TheSecret', nodes: { TheSecret: { kind: 'class', sourceHash: 'f'.repeat(64) } }, edges: [] }));
    const treeJson = join(cache.root, '.source', 'snapshots', min.meta.dep_tree_hash, 'tree.json');
    rmSync(treeJson);
    symlinkSync(secretTree, treeJson);
    saved = getConfig().snapshot();
    getConfig().update({ root: cache.root });
    server = await startBrowseServer({ port: 0 });
    await server.ready;
  });
  afterAll(async () => {
    await server?.close();
    if (saved) getConfig().restore(saved);
    if (folder) removeFolder(folder);
  });

  const labelKey = () => cache.entries.find((e) => e.className === 'Label')!.key;

  it('serves an entry file with nosniff and a sandbox policy, and the page with a strict policy', async () => {
    const file = await rawRequest(server.port, `/files/${labelKey()}parameters.json`);
    expect(file.status).toBe(200);
    expect(JSON.parse(file.text)).toEqual(cache.entries.find((e) => e.className === 'Label')!.parameters);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
    const page = await rawRequest(server.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(PAGE_CSP);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // Nothing outside this server: no http(s) URLs in the page or its script.
    const script = await rawRequest(server.port, '/assets/browse.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(`${page.text}${script.text}`).not.toMatch(/(src|href)=["']?https?:/);
  });

  it.each([
    ['/files/../../etc/passwd', 403],
    ['/files/data_processed/../../../etc/passwd', 403],
    ['/files/data_processed/%2e%2e/%2e%2e/etc/passwd', 403],
    ['/files/data_processed/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', 403],
    ['/files/..%2f..%2fetc%2fpasswd', 403],
    ['/files//etc/passwd', 403],
    ['/files/%2Fetc%2Fpasswd', 403],
    ['/files/data_processed/x/..%5c..%5cetc%5cpasswd', 403],
    ['/files/etc/passwd', 403],
    ['/files/inputs/input.txt', 403],
    ['/%2e%2e/%2e%2e/etc/passwd', 403],
    ['/files/data_processed/%E0%A4%A/meta.json', 400],
    ['/files/data_processed/%zz/meta.json', 400],
    ['http://evil.example/files/data_processed', 400],
  ])('refuses %s with %i', async (path, status) => {
    const response = await rawRequest(server.port, path);
    expect(response.status).toBe(status);
    expect(response.text).not.toContain('root:');
    expect(JSON.parse(response.text).error).toEqual(expect.any(String));
  });

  it('refuses a file whose symbolic link leaves the cache, and serves one whose link stays inside', async () => {
    const leak = await rawRequest(server.port, `/files/${labelKey()}leak.txt`);
    expect(leak.status).toBe(403);
    expect(leak.text).not.toContain('the secret');
    expect(JSON.parse(leak.text).error).toContain('leads outside the cache');
    const inside = await rawRequest(server.port, `/files/${labelKey()}inside.txt`);
    expect(inside.status).toBe(200);
    expect(inside.text).toBe(readFileSync(join(cache.root, labelKey(), 'label.txt'), 'utf8'));
  });

  it('refuses stored code and diffs whose source.js leads outside the cache', async () => {
    for (const path of [`/api/source/${LINKED_SOURCE}`, `/api/diff?from=${LINKED_SOURCE}&to=${LINKED_SOURCE}&raw=1`, `/api/diff?from=live:Constant&to=${LINKED_SOURCE}`]) {
      const response = await rawRequest(server.port, path);
      expect([path, response.status]).toEqual([path, 403]);
      expect(response.text).not.toContain('the secret');
      expect(JSON.parse(response.text).error).toBe(`.source/code/${LINKED_SOURCE}/source.js leads outside the cache (a symbolic link?); it is not served`);
    }
  });

  it('reads no parameters, spec or dependency tree through links that leave the cache', async () => {
    const min = cache.entry('Extreme', { which: 'min' });
    const view = await rawRequest(server.port, `/api/entries/${min.hash}`);
    expect(view.status).toBe(200);
    expect(view.text).not.toContain('the secret');
    expect(JSON.parse(view.text)).toMatchObject({ spec: null, summary: { parameters: null } });
    const graph = await rawRequest(server.port, `/api/entries/${min.hash}/graph.svg`);
    expect(graph.status).toBe(200);
    expect(graph.text).not.toContain('TheSecret');
    const file = await rawRequest(server.port, `/files/${min.key}spec.json`);
    expect(file.status).toBe(403);
  });

  it('exports no entry with a file that leads outside the cache', async () => {
    const label = cache.entries.find((e) => e.className === 'Label')!;
    const token = await pageToken(server.port);
    const headers = { 'content-type': 'application/json', 'x-geodata-token': token };
    const response = await rawRequest(server.port, '/api/export', { method: 'POST', headers, body: JSON.stringify({ hashes: [label.hash] }) });
    expect(response.status).toBe(409);
    expect(response.text).not.toContain('the secret');
    expect(JSON.parse(response.text).error).toBe(
      `entry ${label.hash.slice(0, 12)} cannot be exported: its file ${label.key}leak.txt cannot be read (it vanished, or it leads outside the cache); nothing was exported`,
    );
  });

  it('judges a meta.json that leads outside the cache unreadable when it previews a clean', async () => {
    const fake = 'cd'.repeat(32);
    const secretMeta = join(folder, 'meta-secret.json');
    writeFileSync(secretMeta, JSON.stringify({ format_version: 'TheSecretFormat', class_name: 'TheSecretClass' }));
    mkdirSync(join(cache.root, 'data_processed', fake));
    writeFileSync(join(cache.root, 'data_processed', fake, 'out.txt'), 'x');
    symlinkSync(secretMeta, join(cache.root, 'data_processed', fake, 'meta.json'));
    try {
      const token = await pageToken(server.port);
      const headers = { 'content-type': 'application/json', 'x-geodata-token': token };
      const preview = await rawRequest(server.port, '/api/clean/preview', { method: 'POST', headers, body: JSON.stringify({ kind: 'cache' }) });
      expect(preview.status).toBe(200);
      expect(preview.text).not.toMatch(/TheSecret/);
      const item = JSON.parse(preview.text).report.removed.find((i: { key: string }) => i.key === `data_processed/${fake}/`);
      expect(item).toMatchObject({ state: 'damaged', className: null, reason: 'damaged: meta.json is not a JSON object' });
    } finally {
      rmSync(join(cache.root, 'data_processed', fake), { recursive: true });
    }
  });

  it('offers other files only as downloads, never as pages of this origin', async () => {
    writeFileSync(join(cache.root, labelKey(), 'page.html'), '<script>alert(1)</script>');
    await server.index.refresh();
    const html = await rawRequest(server.port, `/files/${labelKey()}page.html`);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('application/octet-stream');
    expect(html.headers['content-disposition']).toBe(`attachment; filename="page.html"; filename*=UTF-8''page.html`);
    expect(html.headers['content-security-policy']).toMatch(/^sandbox/);
  });

  it('serves an SVG figure as an image that cannot run scripts, even opened directly', async () => {
    writeFileSync(join(cache.root, labelKey(), 'chart.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    await server.index.refresh();
    const svg = await rawRequest(server.port, `/files/${labelKey()}chart.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['content-disposition']).toBeUndefined();
    expect(svg.headers['content-security-policy']).toBe("sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'");
  });

  it('refuses an action without the token, with a wrong one, or from another origin, and deletes nothing', async () => {
    const chart = cache.entry('Chart');
    const path = `/api/entries/${chart.hash}/delete`;
    const json = { 'content-type': 'application/json' };
    const token = await pageToken(server.port);
    const without = await rawRequest(server.port, path, { method: 'POST', headers: json, body: '{}' });
    expect(without.status).toBe(403);
    expect(JSON.parse(without.text).error).toContain('needs the token');
    const wrong = await rawRequest(server.port, path, { method: 'POST', headers: { ...json, 'x-geodata-token': token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }, body: '{}' });
    expect(wrong.status).toBe(403);
    const foreign = await rawRequest(server.port, path, { method: 'POST', headers: { ...json, 'x-geodata-token': token, origin: 'http://evil.example' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const viaGet = await rawRequest(server.port, path);
    expect(viaGet.status).toBe(404);
    expect(existsSync(join(cache.root, chart.key, 'meta.json'))).toBe(true);

    const done = await rawRequest(server.port, path, { method: 'POST', headers: { ...json, 'x-geodata-token': token, origin: `http://127.0.0.1:${server.port}` }, body: '{}' });
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toEqual({ key: chart.key, files: 4 });
    expect(existsSync(join(cache.root, chart.key))).toBe(false);
    expect(server.index.entry(chart.hash)).toBeUndefined();
  });

  it('refuses requests whose Host header is not its own address and port', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, '127.0.0.1', `[::1]:${server.port}`]) {
      const response = await rawRequest(server.port, '/api/status', { headers: { host } });
      expect(response.status, host).toBe(403);
      expect(JSON.parse(response.text).error).toContain('Host header');
    }
    expect((await rawRequest(server.port, '/api/state', { headers: { host: `localhost:${server.port}` } })).status).toBe(200);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && !address.internal && address.family === 'IPv4')?.address;
  it.skipIf(!external)(`is not listening on a non-loopback address${external ? '' : ' (skipped: this machine has no non-loopback IPv4 address)'}`, async () => {
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const socket = connect({ host: external!, port: server.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', (e) => resolve(e as NodeJS.ErrnoException));
    });
    expect(error?.code).toBe('ECONNREFUSED');
  });

  it('starts from the command line, prints its URL, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'browse', V2, '--root', cache.root, '--port', '0'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${stdout}\n${stderr}`)), 60_000);
        child.stdout.on('data', () => {
          const found = /at (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout)?.[1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      expect(stdout).toBe(`geodata browse: serving ${cache.root} at ${url}\n`);
      const port = Number(new URL(url).port);
      const state = await rawRequest(port, '/api/status');
      expect(state.status).toBe(200);
      expect(JSON.parse(state.text).classes.map((c: { className: string }) => c.className)).toContain('Terrain');
      for (let wait = 0; wait < 50 && !/^indexed \d+ entries/m.test(stderr); wait++) await new Promise((resolve) => setTimeout(resolve, 100));
      const folders = storedEntries(cache.root).length + 1; // and the interrupted run's folder
      expect(stderr).toMatch(new RegExp(`^\\(listening on 127\\.0\\.0\\.1 only; press Ctrl\\+C to stop\\)\\nindexed ${folders} entries in \\d+\\.\\d s\\n$`));

      // A second server on the same port: a clear error, exit code 2.
      const again = spawnSync(process.execPath, [BIN, 'browse', V2, '--root', cache.root, '--port', String(port)], { cwd: folder, encoding: 'utf8', timeout: 60_000 });
      expect(again.status).toBe(2);
      expect(again.stderr).toContain(`geodata browse: error: port ${port} on 127.0.0.1 is in use; choose another with --port, or --port 0 for any free one`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
