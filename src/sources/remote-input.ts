import { getConfig } from '../config.js';
import { FileError } from '../errors.js';
import { sha256Hex } from '../pipeline/checksum.js';
import type { Workspace } from '../platform.js';
import { readCogWindow, type PixelWindow, type WindowRequest } from './cog-window.js';
import { lastRemoteFingerprint, remoteDigest, type RemoteFingerprint } from './remote-digest.js';
import { checkSameVersion, fetchOrFail } from './remote-version.js';

/** How a remote input reached the workspace: the whole file, or a window of it. */
export interface RemoteRead {
  url: string;
  path: string;
  /** `[x0, y0, x1, y1)` of the full-resolution image, when only a window was read. */
  window?: PixelWindow;
  /** Why the whole file was read although a window was asked for. */
  fullReason?: string;
  /** Bytes downloaded for this read (the 64 KiB probe not included). */
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
 * Puts a remote file (or, for a warp, the window of it that the warp needs) in the workspace and
 * returns its path there. The bytes must be the version that was fingerprinted (`remoteDigest`):
 * content fingerprints are checked by hash, version fingerprints by the server's validators on
 * every response; a changed file is a FileError that says to run again.
 */
export async function materializeRemote(url: string, name: string, workspace: Workspace, request?: WindowRequest): Promise<string> {
  const fingerprint = lastRemoteFingerprint(url) ?? (await remoteDigest(url), lastRemoteFingerprint(url)!);
  const folder = `${workspace.tempFolder}/geodata-inputs/${fingerprint.digest.sha256.slice(0, 16)}`;
  await workspace.mkdir(folder);
  let fullReason: string | undefined;
  if (request && fingerprint.kind === 'version') {
    // Named after what decides the window, so the same warp reuses it.
    const key = await sha256Hex(new TextEncoder().encode(`${request.spec.toCanonicalJSON()}|${request.resampling}`));
    const windowPath = `${folder}/${name.replace(/\.[^.]*$/, '')}.window-${key.slice(0, 16)}.tif`;
    if (((await workspace.size(windowPath)) ?? 0) > 0) return windowPath;
    const result = await readCogWindow(url, fingerprint.validators, fingerprint.head, request, getConfig().engine, windowPath);
    if (result.path !== undefined) {
      remember({ url, path: result.path, window: result.window, bytesRead: result.bytesRead });
      return result.path;
    }
    fullReason = result.reason;
  }
  const path = `${folder}/${name}`;
  const size = fingerprint.digest.size;
  if ((await workspace.size(path)) !== size) {
    const bytes = await downloadVersion(url, fingerprint);
    await workspace.writeFile(path, bytes);
    remember({ url, path, bytesRead: bytes.length, ...(fullReason ? { fullReason } : {}) });
  }
  return path;
}

/** The whole file, checked to be the fingerprinted version. */
async function downloadVersion(url: string, fingerprint: RemoteFingerprint): Promise<Uint8Array> {
  const response = await fetchOrFail(url);
  if (fingerprint.kind === 'version') checkSameVersion(url, fingerprint.validators, response);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (fingerprint.kind === 'content' && (bytes.length !== fingerprint.digest.size || (await sha256Hex(bytes)) !== fingerprint.digest.sha256)) {
    throw new FileError(`${url} changed on the server since it was fingerprinted (its content hash differs); run again to use the new version`, url);
  }
  if (fingerprint.kind === 'version' && bytes.length !== fingerprint.digest.size) {
    throw new FileError(`${url} changed on the server since it was fingerprinted (${bytes.length} bytes, expected ${fingerprint.digest.size}); run again to use the new version`, url);
  }
  return bytes;
}
