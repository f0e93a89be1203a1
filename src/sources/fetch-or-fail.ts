import { FileError } from '../errors.js';

/**
 * Fetches `url`, turning network failures and HTTP errors into a FileError that names it: the one
 * place geodata fetches files (remote inputs, their windows, and paths in a page).
 * @example const response = await fetchOrFail('https://example.org/dem.tif', { headers: { Range: 'bytes=0-99' } });
 */
export async function fetchOrFail(url: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new FileError(`cannot fetch ${url}: ${(error as Error).message} (is the server reachable, and does it allow this origin (CORS)?)`, url, { cause: error });
  }
  if (response.status === 416) throw new FileError(`cannot fetch ${url}: ${unsatisfiable(init, response)}`, url);
  if (!response.ok) throw new FileError(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim(), url);
  return response;
}

/**
 * Why a range was refused: a file read by the offsets its own header gives is shorter than they
 * say (cut short), or it changed between two requests.
 */
function unsatisfiable(init: RequestInit, response: Response): string {
  const asked = /bytes=(\d+)-(\d*)/.exec(new Headers(init.headers).get('range') ?? '');
  const size = /\*\/(\d+)/.exec(response.headers.get('content-range') ?? '')?.[1];
  const range = asked ? `bytes ${asked[1]}–${asked[2] || 'end'}` : 'a range';
  const of = size === undefined ? 'the file' : `a file of ${size} bytes`;
  return `HTTP 416: asked for ${range} of ${of}: the file is shorter than its own header says (cut short, or replaced while being read)`;
}

/**
 * The bytes of a URL (in a page also a path relative to it); a FileError names what failed.
 * @example const bytes = await fetchBytes('data/dem.tif');
 */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetchOrFail(url)).arrayBuffer());
}
