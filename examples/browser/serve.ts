/**
 * Builds the demo and serves it on http://127.0.0.1:8080/ (`npm run demo`), until Ctrl-C; with
 * --dir, serves another built folder instead (the notebook: --dir examples/notebook/dist).
 *
 *   npx tsx examples/browser/serve.ts [--port 8080] [--no-build] [--dir <folder>]
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDemo, DEMO_DIST } from './build.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  // WebAssembly.instantiateStreaming needs this type.
  '.wasm': 'application/wasm',
};

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'no-build': { type: 'boolean', default: false }, dir: { type: 'string' } } });
const root = values.dir ? resolve(values.dir) : DEMO_DIST;
if (!values.dir && !values['no-build']) await buildDemo();

createServer(async (request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
}).listen(Number(values.port), '127.0.0.1', () => console.log(`serving ${root} at http://127.0.0.1:${values.port}/ (Ctrl-C stops it)`));
