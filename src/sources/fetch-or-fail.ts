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
  if (!response.ok) throw new FileError(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim(), url);
  return response;
}

/**
 * The bytes of a URL (in a page also a path relative to it); a FileError names what failed.
 * @example const bytes = await fetchBytes('data/dem.tif');
 */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetchOrFail(url)).arrayBuffer());
}
