/**
 * The page's calls to its server: JSON reads, SVG reads, and actions (POST with the session token
 * from the page's meta element).
 */

/** An error the server answered with: its status and its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The token this server embedded in the page; actions send it back. */
export function sessionToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="geodata-token"]')?.content ?? '';
}

/** GETs JSON. */
export async function getJson<T>(path: string): Promise<T> {
  return (await checked(await fetch(path, { headers: { accept: 'application/json' } }))).json() as Promise<T>;
}

/** GETs text (an SVG). */
export async function getText(path: string): Promise<string> {
  return (await checked(await fetch(path))).text();
}

/** POSTs an action with a JSON body; resolves to the JSON answer. */
export async function post<T>(path: string, data: unknown = {}): Promise<T> {
  return (await checked(await postRaw(path, data))).json() as Promise<T>;
}

/** POSTs an action and saves the file it answers with under the name the server gives. */
export async function postDownload(path: string, data: unknown, fallbackName: string): Promise<void> {
  const response = await checked(await postRaw(path, data));
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

function postRaw(path: string, data: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-geodata-token': sessionToken() },
    body: JSON.stringify(data),
  });
}

async function checked(response: Response): Promise<Response> {
  if (response.ok) return response;
  let message = `${response.status} ${response.statusText}`;
  try {
    const answer = (await response.json()) as { error?: string };
    if (answer.error) message = answer.error;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(response.status, message);
}
