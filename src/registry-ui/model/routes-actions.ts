import { InvalidInputError } from '../../errors.js';
import type { CleanRequest } from './actions.js';
import type { RouteContext } from './app.js';
import { attachment, body, failure, json, sameSecret, type BrowseRequest, type BrowseResponse } from './responses.js';

/**
 * The POST routes, the only ones that change anything: reload the index, preview and confirm a
 * clean, delete an entry, export entries. Each needs the server's token in `X-Geodata-Token`, a
 * JSON body, and (when the browser says where the request comes from) this server's origin:
 * another site can neither read the token nor send the header without a preflight we never
 * answer.
 */

const HASH = /^[0-9a-f]{1,64}$/;

/** Checks and answers a POST for `path`. */
export async function handleAction(context: RouteContext, request: BrowseRequest, path: string[]): Promise<BrowseResponse> {
  const token = request.headers['x-geodata-token'];
  if (typeof token !== 'string' || !sameSecret(token, context.token)) {
    return failure(403, 'this action needs the token of this browser session (X-Geodata-Token); reload the page served by this geodata browse');
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${request.headers.host}`) return failure(403, `actions are only accepted from this page, not from ${origin}`);
  const input = parseBody(request);
  if (!input.ok) return input.response;
  const data = input.data;
  const [first, second, third, fourth] = path;
  if (first !== 'api') return failure(404, `no such action: /${path.join('/')}`);
  const { index, actions } = context;

  if (second === 'reload' && path.length === 2) {
    const changed = await index.refresh({ full: data.full === true });
    return json({ changed, generation: index.generation });
  }
  if (second === 'clean' && third === 'preview' && path.length === 3) return json(await actions.previewClean(cleanRequest(data)));
  if (second === 'clean' && third === 'confirm' && path.length === 3) {
    if (typeof data.previewId !== 'string') throw new InvalidInputError('confirming a clean needs the previewId of its preview');
    return json(await actions.confirmClean(data.previewId));
  }
  if (second === 'entries' && third !== undefined && fourth === 'delete' && path.length === 4) {
    if (!/^[0-9a-f]{64}$/.test(third)) throw new InvalidInputError(`deleting an entry needs its whole state hash, not ${JSON.stringify(third.slice(0, 70))}`);
    await index.ready();
    return json(await actions.deleteEntry(third));
  }
  if (second === 'export' && path.length === 2) {
    const hashes = data.hashes;
    if (!Array.isArray(hashes) || !hashes.every((hash) => typeof hash === 'string' && HASH.test(hash))) {
      throw new InvalidInputError('exporting needs { "hashes": [...] }: state hashes (or unique prefixes) in hexadecimal');
    }
    const archive = await actions.exportEntries(hashes as string[]);
    const name = `geodata-export-${hashes.length}-entr${hashes.length === 1 ? 'y' : 'ies'}.tar.gz`;
    return body(archive, 'application/gzip', { 'content-disposition': attachment(name) });
  }
  return failure(404, `no such action: /${path.join('/')}`);
}

type Parsed = { ok: true; data: Record<string, unknown> } | { ok: false; response: BrowseResponse };

function parseBody(request: BrowseRequest): Parsed {
  const bytes = request.body ?? new Uint8Array();
  if (bytes.length === 0) return { ok: true, data: {} };
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return { ok: false, response: failure(415, `actions take a JSON body (Content-Type: application/json), not ${JSON.stringify(type)}`) };
  }
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (value && typeof value === 'object' && !Array.isArray(value)) return { ok: true, data: value as Record<string, unknown> };
  } catch {
    // reported below
  }
  return { ok: false, response: failure(400, 'the body of an action must be a JSON object') };
}

function cleanRequest(data: Record<string, unknown>): CleanRequest {
  if (data.kind === 'source') return { kind: 'source' };
  if (data.kind === 'cache') return { kind: 'cache', removeUnknown: data.removeUnknown === true, includeInputChanges: data.includeInputChanges === true };
  throw new InvalidInputError(`a clean preview needs "kind": "cache" or "source", not ${JSON.stringify(data.kind)}`);
}
