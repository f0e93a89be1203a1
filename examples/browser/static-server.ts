/**
 * The demo's static file server: files under one folder, `index.html` for folders, nothing
 * outside the folder. A request it cannot read (a malformed percent-encoding, a path that leaves
 * the folder) is answered with 400 and the server keeps serving.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  // WebAssembly.instantiateStreaming needs this type.
  '.wasm': 'application/wasm',
};

/**
 * A server (not yet listening) for the files under `root`.
 * @example createStaticServer('examples/browser/dist').listen(8080, '127.0.0.1');
 */
export function createStaticServer(root: string): Server {
  const base = normalize(root + sep);
  return createServer(async (request, response) => {
    let file: string;
    try {
      // decodeURIComponent throws on a malformed escape (`%E0%A4%A`): inside the try, a 400.
      const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname));
      file = join(base, path.endsWith(sep) || path.endsWith('/') ? `${path}index.html` : path);
      if (!file.startsWith(base) || path.includes('\0')) throw new Error('outside the served folder');
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: the path is not a valid file path');
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
}
