import { getConfig } from '../config.js';
import { FileError } from '../errors.js';
import type { InputDigest } from '../fingerprint/input-hasher.js';
import { randomHex } from '../random-hex.js';
import { sha256BytesHex } from '../sha256.js';
import type { Workspace } from '../platform.js';
import type { PixelWindow, WindowRequest, WindowResult } from './cog-window.js';
import { fetchOrFail } from './fetch-or-fail.js';
import { lastRemoteFingerprint, rememberedFingerprint, remoteFingerprint, sameDigest, takeContentBytes, type RemoteFingerprint } from './remote-digest.js';
import { checkSameVersion } from './remote-version.js';

/** How a remote input reached the workspace: the whole file, or a window of it. */
export interface RemoteRead {
  url: string;
  path: string;
  /** `[x0, y0, x1, y1)` of the full-resolution image, when only a window was read. */
  window?: PixelWindow;
  /** Why the whole file was read although a window was asked for. */
  fullReason?: string;
  /**
   * Bytes downloaded for this read: not the 64 KiB probe, nor a whole file that fingerprinting
   * downloaded already (its bytes are reused, and this is 0).
   */
  bytesRead: number;
}

/** How many reads `remoteReads` remembers. */
const REMEMBERED_READS = 100;
const reads: RemoteRead[] = [];

function remember(read: RemoteRead): void {
  reads.push(read);
  if (reads.length > REMEMBERED_READS) reads.splice(0, reads.length - REMEMBERED_READS);
}

/**
 * The last 100 reads of remote inputs in this page (or process), most recent last: the whole file
 * or a window, and how many bytes that took. For diagnostics and tests.
 * @example remoteReads().at(-1) // { url, path, window: [512, 256, 1024, 768], bytesRead: 1048576 }
 */
export function remoteReads(): readonly RemoteRead[] {
  return reads;
}

/**
 * `message` with the workspace paths of remote inputs read in this page (or process) replaced by
 * their URLs: GDAL names the file it read, a temporary copy the user never chose.
 * @example nameRemoteInputs('/tmp/geodata-inputs/1a2b/dem.tif: Read error') // 'https://example.org/dem.tif: Read error'
 */
export function nameRemoteInputs(message: string): string {
  let named = message;
  for (const read of reads) if (named.includes(read.path)) named = named.split(read.path).join(read.url);
  return named;
}

/** Where a remote input goes in the workspace: the whole file, and the window for a warp. */
export interface RemoteInputPaths {
  folder: string;
  file: string;
  window?: string;
}

/**
 * The paths of a remote input in the workspace. The folder is named after the URL and the digest
 * (so another version, or another file with the same name, never shares it); a window's name
 * after the target grid and resampling that decide it.
 */
export async function remoteInputPaths(tempFolder: string, url: string, digest: InputDigest, name: string, request?: WindowRequest): Promise<RemoteInputPaths> {
  const key = await sha256BytesHex(new TextEncoder().encode(`${url}\n${digest.size}\n${digest.sha256}`));
  const folder = `${tempFolder}/geodata-inputs/${key.slice(0, 32)}`;
  if (!request) return { folder, file: `${folder}/${name}` };
  const windowKey = await sha256BytesHex(new TextEncoder().encode(`${request.spec.toCanonicalJSON()}|${request.resampling}`));
  return { folder, file: `${folder}/${name}`, window: `${folder}/${name.replace(/\.[^.]*$/, '')}.window-${windowKey.slice(0, 16)}.tif` };
}

/** Writes in progress by workspace path: concurrent callers share one instead of racing. */
const writing = new Map<string, Promise<unknown>>();
/** Files this page (or process) renamed into place, with their sizes: the only ones it reuses. */
const completed = new Map<string, number>();

/**
 * Puts a remote file (or, for a warp, the window of it that the warp needs) in the workspace and
 * returns its path there. The bytes are those of the version in `expected` — the digest that went
 * into the entry being computed (default: the URL's latest fingerprint): content fingerprints are
 * checked by hash, version fingerprints by the server's validators on every response; a file that
 * changed since is a FileError that says to run again.
 *
 * Files appear only whole (written under a temporary name, then renamed, which replaces a symbolic
 * link rather than following it), concurrent callers of one path share one write, and a file is
 * reused only if this page or process completed it and it still has its size: a partial write, a
 * file someone else left, or another version of the remote file is never taken for this one.
 */
export async function materializeRemote(url: string, name: string, workspace: Workspace, request?: WindowRequest, expected?: InputDigest): Promise<string> {
  const fingerprint = await fingerprintFor(url, expected);
  const paths = await remoteInputPaths(workspace.tempFolder, url, fingerprint.digest, name, request);
  await workspace.mkdir(paths.folder);
  let fullReason: string | undefined;
  if (paths.window && fingerprint.kind === 'version') {
    const windowPath = paths.window;
    const outcome = await once(windowPath, async (): Promise<{ reason?: string }> => {
      if (await isCompleted(workspace, windowPath)) return {};
      let result: WindowResult | undefined;
      await writeWhole(workspace, windowPath, async (part) => {
        // geotiff.js, which reads the window, loads with the first window read.
        const { readCogWindow } = await import('./cog-window.js');
        result = await readCogWindow(url, fingerprint.validators, fingerprint.head, request!, getConfig().engine, part);
        return result.path !== undefined;
      });
      if (result?.path === undefined) return { reason: result?.reason ?? 'no window was read' };
      remember({ url, path: windowPath, window: result.window, bytesRead: result.bytesRead });
      return {};
    });
    if (outcome.reason === undefined) return windowPath;
    fullReason = outcome.reason;
  }
  await once(paths.file, async () => {
    if (await isCompleted(workspace, paths.file)) return;
    let bytesRead = 0;
    await writeWhole(workspace, paths.file, async (part) => {
      let bytes = fingerprint.kind === 'content' ? takeContentBytes(url, fingerprint) : undefined;
      if (!bytes) {
        bytes = await downloadVersion(url, fingerprint);
        bytesRead = bytes.length;
      }
      await workspace.writeFile(part, bytes);
      return true;
    });
    remember({ url, path: paths.file, bytesRead, ...(fullReason ? { fullReason } : {}) });
  });
  return paths.file;
}

/** The fingerprint whose version to read: the one that gave `expected`, else the URL's latest. */
async function fingerprintFor(url: string, expected: InputDigest | undefined): Promise<RemoteFingerprint> {
  if (!expected) return lastRemoteFingerprint(url) ?? remoteFingerprint(url);
  const known = rememberedFingerprint(url, expected);
  if (known) return known;
  // Forgotten (many versions since): what the server has now must still be that version.
  const now = await remoteFingerprint(url);
  if (sameDigest(now.digest, expected)) return now;
  throw new FileError(`${url} changed on the server since it was fingerprinted for this result (its digest differs); run again to use the new version`, url);
}

function once<T>(path: string, run: () => Promise<T>): Promise<T> {
  let pending = writing.get(path) as Promise<T> | undefined;
  if (!pending) {
    pending = run().finally(() => writing.delete(path));
    writing.set(path, pending);
  }
  return pending;
}

async function isCompleted(workspace: Workspace, path: string): Promise<boolean> {
  const size = completed.get(path);
  return size !== undefined && (await workspace.size(path)) === size;
}

/**
 * Has `write` fill a temporary file next to `path` (a random name, so nobody can have planted
 * it), then renames it into place. `write` returns false when it wrote nothing.
 */
async function writeWhole(workspace: Workspace, path: string, write: (part: string) => Promise<boolean>): Promise<void> {
  const slash = path.lastIndexOf('/');
  // The extension stays last: GDAL picks drivers by it.
  const part = `${path.slice(0, slash)}/.part-${randomHex()}-${path.slice(slash + 1)}`;
  completed.delete(path);
  try {
    if (!(await write(part))) {
      await workspace.remove(part);
      return;
    }
    await workspace.rename(part, path);
  } catch (error) {
    await workspace.remove(part).catch(() => undefined);
    throw error;
  }
  const size = await workspace.size(path);
  if (size !== undefined) completed.set(path, size);
}


/** The whole file, checked to be the fingerprinted version. */
async function downloadVersion(url: string, fingerprint: RemoteFingerprint): Promise<Uint8Array> {
  const response = await fetchOrFail(url);
  if (fingerprint.kind === 'version') checkSameVersion(url, fingerprint.validators, response);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (fingerprint.kind === 'content' && (bytes.length !== fingerprint.digest.size || (await sha256BytesHex(bytes)) !== fingerprint.digest.sha256)) {
    throw new FileError(`${url} changed on the server since it was fingerprinted (its content hash differs); run again to use the new version`, url);
  }
  if (fingerprint.kind === 'version' && bytes.length !== fingerprint.digest.size) {
    throw new FileError(`${url} changed on the server since it was fingerprinted (${bytes.length} bytes, expected ${fingerprint.digest.size}); run again to use the new version`, url);
  }
  return bytes;
}
