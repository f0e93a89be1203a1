// Node only: the registry browser's HTTP server. Never reached from the browser entry.
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sep } from 'node:path';
import { cleanCache as nodeCleanCache } from '../cache/clean-cache-node.js';
import { getConfig } from '../config.js';
import { ConfigError, InvalidInputError } from '../errors.js';
import type { StoreAdapter } from '../store/adapter.js';
import { readPageAssets } from './page-assets-node.js';
import type { BrowseIndex, IndexProgress } from './model/browse-index.js';
import { failure, type BrowseResponse } from './model/responses.js';

/** Options of {@link startBrowseServer}. */
export interface BrowseServerOptions {
  /** The port on 127.0.0.1; 0 (the default) takes any free one. */
  port?: number;
  /** Re-hash input files entries recorded, to tell `input-changed` entries. Default true. */
  checkInputs?: boolean;
  /** Progress of the first index build and of refreshes (for a progress line on stderr). */
  onProgress?: (progress: IndexProgress) => void;
}

/** A running registry browser. */
export interface BrowseServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  index: BrowseIndex;
  /** Resolves once the first index build is done (rejects if it failed). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Bodies of actions are small JSON objects. */
const MAX_BODY_BYTES = 1 << 20;

/**
 * Starts the registry browser for the configured cache: a server bound to 127.0.0.1 only, answering only requests whose
 * Host is this address and port (a DNS-rebinding page cannot reach it), serving the page and
 * its JSON API (see `createBrowseApp`). Files are read (served, shown, parsed) only when their
 * real path, symbolic links resolved, is inside the cache root: the index's store refuses others. The index is built in the background: the server
 * answers at once and the page shows the progress.
 * @example
 * const server = await startBrowseServer({ port: 0 });
 * console.log(`open ${server.url}`);
 */
export async function startBrowseServer(options: BrowseServerOptions = {}): Promise<BrowseServer> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidInputError(`port ${port} must be a whole number from 0 to 65535 (0: any free port)`);
  // The library's cache functions work on the configured store: so does the browser.
  const store = getConfig().store;
  // The browser's model (index, routes, diffs, proj4 footprints) loads when a server starts, not
  // with every `import 'geodata'` in Node.
  const [{ BrowseIndex }, { BrowseActions }, { createBrowseApp }] = await Promise.all([
    import('./model/browse-index.js'),
    import('./model/actions.js'),
    import('./model/app.js'),
  ]);
  const index = new BrowseIndex({ store, checkInputs: options.checkInputs, canRead: insideRoot(store) });
  if (options.onProgress) index.onProgress(options.onProgress);
  const actions = new BrowseActions(index, { cleanCache: nodeCleanCache });
  const assets = await readPageAssets();
  const app = createBrowseApp({
    index,
    actions,
    token: randomBytes(32).toString('hex'),
    assets,
    engine: () => getConfig().engine,
  });

  let hosts = new Set<string>();
  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => send(response, request.method, failure(500, `internal error: ${error.message}`)));
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hosts.has(request.headers.host ?? '')) {
      send(response, request.method, failure(403, `refused: the Host header ${JSON.stringify(request.headers.host ?? '')} is not this server (${[...hosts].join(' or ')}); open the URL geodata browse printed`));
      request.resume();
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      send(response, request.method, failure(413, `request bodies are limited to ${MAX_BODY_BYTES} bytes`));
      return;
    }
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    send(response, request.method, await app({ method: request.method ?? 'GET', target: request.url ?? '/', headers, body }));
  }

  await new Promise<void>((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is in use' : error.code === 'EACCES' ? 'needs privileges' : `cannot be used (${error.message})`;
      reject(new ConfigError(`port ${port} on 127.0.0.1 ${why}; choose another with --port, or --port 0 for any free one`, { cause: error }));
    };
    server.once('error', refuse);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', refuse);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  hosts = new Set([`127.0.0.1:${actual}`, `localhost:${actual}`]);
  const ready = index.ready();
  ready.catch(() => undefined); // reported through progress and by the API; callers await `ready` themselves
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    index,
    ready,
    close: () => closeServer(server),
  };
}

/**
 * For an fs store: whether a key's file, symbolic links resolved, is inside the store's root.
 * Other stores have no links to follow.
 */
function insideRoot(store: StoreAdapter): (key: string) => Promise<boolean> {
  if (!store.localPath) return async () => true;
  const localPath = store.localPath.bind(store);
  const declared = (store as { root?: unknown }).root;
  const root = typeof declared === 'string' ? declared : undefined;
  let realRoot: string | undefined;
  return async (key) => {
    try {
      const path = localPath(key);
      // The C library's realpath, synchronously: one call per read, and an index build reads
      // thousands of small files (the promise version costs a thread-pool round trip each).
      realRoot ??= realpathSync.native(root ?? path.slice(0, path.length - key.length - 1));
      return realpathSync.native(path).startsWith(realRoot + sep);
    } catch {
      return false;
    }
  };
}

async function readBody(request: IncomingMessage): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      request.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function send(response: ServerResponse, method: string | undefined, answer: BrowseResponse): void {
  if (response.headersSent) return;
  const bytes = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
  response.writeHead(answer.status, { ...answer.headers, 'content-length': String(bytes.length) });
  response.end(method === 'HEAD' ? undefined : bytes);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
