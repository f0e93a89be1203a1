import { getPlatform } from '../platform.js';
import { fileUrlPath } from './file-url.js';
import type { InputDigest } from '../fingerprint/input-hasher.js';
import type { InputRef, Processor } from '../processors/processor.js';
import { materializeRemote } from '../sources/remote-input.js';
import { remoteUrlOf } from '../sources/remote-url.js';
import { windowRequestFor } from '../sources/window-policy.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { sha256BytesHex } from '../sha256.js';

/** Writes in progress, by workspace path: concurrent callers share one instead of racing. */
const writing = new Map<string, Promise<string>>();

/** What an input is read for, when known: lets a warp read only a window of a remote file. */
export interface InputPurpose {
  processor?: Processor;
  /** The spec the processor produces (only a fully defined one allows a window). */
  spec?: SpatialSpec;
  /** The input digests that went into the entry's state hash: a remote file is read at that version. */
  digests?: readonly InputDigest[];
}

/**
 * A path GDAL can open for an input: file paths as they are (made absolute), `file:` URLs as the
 * paths they name; http(s) URLs (in a
 * page also URLs relative to it) fetched into the workspace, for a Reprojector only the window
 * the target needs (`materializeRemote`); Blobs and bytes written into the workspace once per
 * content.
 */
export function materializeInput(ref: InputRef, purpose: InputPurpose = {}): Promise<string> {
  const platform = getPlatform();
  const url = remoteUrlOf(ref);
  if (url !== undefined) {
    const expected = purpose.digests?.find((digest) => digest.id === url);
    return materializeRemote(url, inputName(url), platform.workspace(), windowRequestFor(purpose.processor, purpose.spec), expected);
  }
  const file = fileUrlPath(ref);
  if (file !== undefined) return Promise.resolve(platform.resolvePath(file));
  if (typeof ref === 'string') return Promise.resolve(platform.resolvePath(ref));
  return materializeBytes(ref);
}

async function materializeBytes(ref: Exclude<InputRef, never>): Promise<string> {
  const platform = getPlatform();
  const name = inputName(ref);
  const bytes =
    ref instanceof Uint8Array ? ref : typeof Blob !== 'undefined' && ref instanceof Blob ? new Uint8Array(await ref.arrayBuffer()) : await platform.readFile(String(ref));
  const hash = await sha256BytesHex(bytes);
  const workspace = platform.workspace();
  const folder = `${workspace.tempFolder}/geodata-inputs/${hash.slice(0, 16)}`;
  const path = `${folder}/${name}`;
  let pending = writing.get(path);
  if (!pending) {
    // Checked at every call, not remembered: the workspace may be new (another engine, a closed
    // worker). The folder is the process's own (Node) or the engine's (browsers), and named by
    // the content, so a file of the right size there is this content.
    pending = (async () => {
      if ((await workspace.size(path)) !== bytes.length) {
        await workspace.mkdir(folder);
        await workspace.writeFile(path, bytes);
      }
      return path;
    })().finally(() => writing.delete(path));
    writing.set(path, pending);
  }
  return pending;
}

/** A file name for an input, keeping its extension: GDAL picks drivers by it. */
export function inputName(ref: InputRef): string {
  if (typeof ref === 'string' || ref instanceof URL) {
    const path = String(ref).split(/[?#]/)[0]!;
    return sanitize(path.slice(path.lastIndexOf('/') + 1) || 'input');
  }
  if (typeof File !== 'undefined' && ref instanceof File) return sanitize(ref.name || 'input');
  if (ref instanceof Uint8Array) return isTiff(ref) ? 'input.tif' : 'input.bin';
  return 'input';
}

function isTiff(bytes: Uint8Array): boolean {
  return bytes.length > 4 && ((bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d));
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}
