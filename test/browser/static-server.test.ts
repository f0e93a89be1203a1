import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticServer } from '../../examples/browser/static-server.js';

/** One raw GET (the path sent as written, not normalised by a URL parser): status and body. */
function get(port: number, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the demo static server', () => {
  const parent = mkdtempSync(join(tmpdir(), 'geodata-static-'));
  const root = join(parent, 'site');
  const server = createStaticServer(root);
  let port: number;

  beforeAll(async () => {
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<p>home</p>');
    writeFileSync(join(root, 'sub', 'app.js'), 'export {};');
    writeFileSync(join(parent, 'secret.txt'), 'not for the web');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(parent, { recursive: true, force: true });
  });

  it('answers a malformed percent-encoding with 400 and keeps serving', async () => {
    expect(await get(port, '/%E0%A4%A')).toMatchObject({ status: 400, body: 'bad request: the path is not a valid file path' });
    expect(await get(port, '/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<p>home</p>' });
    expect(await get(port, '/sub/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'export {};' });
  });

  it('serves nothing outside its folder, however the path is written', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/sub/..%2f..%2fsecret.txt']) {
      const answer = await get(port, path);
      expect([path, answer.status === 200, answer.body.includes('not for the web')]).toEqual([path, false, false]);
    }
    expect(await get(port, '/nothing.js')).toMatchObject({ status: 404 });
  });
});
