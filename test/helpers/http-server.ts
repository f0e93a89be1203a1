/**
 * A throwaway static HTTP server on 127.0.0.1 for browser tests, behaving like the servers
 * geodata meets in the wild: `Range` requests (206 with `Content-Range`), a strong `ETag` from
 * the content, `Last-Modified`, `Accept-Ranges`. Bodies are looked up on every request, so a test
 * can change a file while the page runs. Every request is recorded.
 *
 * @example
 * const server = await startHttpServer((path) => (path === '/' ? { body: '<p>hi</p>', type: 'text/html' } : undefined));
 * await fetch(server.url);
 * await server.close();
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a path serves. */
export interface ServedBody {
  body: Uint8Array | string;
  type: string;
  /** `Last-Modified`; default: when this body was first served. */
  modified?: Date;
  /** false: send neither ETag nor Last-Modified (servers that name no version). */
  validators?: boolean;
  /** false: ignore `Range` and always send the whole body (servers without range support). */
  ranges?: boolean;
}

/** One request the server answered. */
export interface ServedRequest {
  path: string;
  method: string;
  /** The `Range` header, if any. */
  range?: string;
  status: number;
  /** Bytes of body sent. */
  bytes: number;
}

export interface HttpServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

const firstServed = new Map<string, Date>();

function etagOf(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('hex').slice(0, 20)}"`;
}

/** A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range, clamped; undefined when unsatisfiable. */
function parseRange(header: string, size: number): [number, number] | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start <= end && start < size ? [start, end] : undefined;
}

/** Starts the server; `lookup` gives the body of a path (without query), or undefined for 404. */
export async function startHttpServer(lookup: (path: string, request: IncomingMessage) => Promise<ServedBody | undefined> | ServedBody | undefined): Promise<HttpServer> {
  const requests: ServedRequest[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const range = request.headers.range;
    const record = (status: number, bytes: number) => requests.push({ path, method: request.method ?? 'GET', ...(range ? { range } : {}), status, bytes });
    Promise.resolve(lookup(path, request)).then(
      (found) => {
        if (!found) {
          record(404, 0);
          response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
          return;
        }
        const bytes = typeof found.body === 'string' ? new TextEncoder().encode(found.body) : found.body;
        const etag = etagOf(bytes);
        if (!firstServed.has(etag)) firstServed.set(etag, new Date(Math.floor(Date.now() / 1000) * 1000));
        const headers: Record<string, string> = { 'content-type': found.type, 'cache-control': 'no-store' };
        if (found.ranges !== false) headers['accept-ranges'] = 'bytes';
        if (found.validators !== false) {
          headers.etag = etag;
          headers['last-modified'] = (found.modified ?? firstServed.get(etag)!).toUTCString();
        }
        const head = request.method === 'HEAD';
        if (range && found.ranges !== false) {
          const span = parseRange(range, bytes.length);
          if (!span) {
            record(416, 0);
            response.writeHead(416, { ...headers, 'content-range': `bytes */${bytes.length}` }).end();
            return;
          }
          const [start, end] = span;
          const part = bytes.subarray(start, end + 1);
          record(206, head ? 0 : part.length);
          response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${bytes.length}`, 'content-length': String(part.length) });
          response.end(head ? undefined : part);
          return;
        }
        record(200, head ? 0 : bytes.length);
        response.writeHead(200, { ...headers, 'content-length': String(bytes.length) });
        response.end(head ? undefined : bytes);
      },
      (error: Error) => {
        record(500, 0);
        response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
