import type { GdalEngine } from '../../wasm/engine.js';
import { engineWorkspace } from '../engine-workspace.js';
import { sha256BytesHex } from '../sha256.js';
import { getPlatform, type FileWriter, type Workspace } from '../platform.js';

/**
 * File access for reading inputs in formats the engine cannot and writing what it can instead,
 * in the engine's own file system: host files in Node (read by range, written piece by piece),
 * the engine's in-memory files elsewhere (read whole once, written whole).
 */
export interface FormatIo {
  /** Paths are host files, which h5wasm's Node build opens in place. */
  readonly hostFiles: boolean;
  readonly workspace: Workspace;
  read(path: string, offset: number, length: number): Promise<Uint8Array>;
  size(path: string): Promise<number | undefined>;
  /** SHA-256 of the file's bytes: what converted files are named after. */
  contentKey(path: string): Promise<string>;
  openWriter(path: string): Promise<FileWriter>;
}

/**
 * The file access for an engine's paths, or undefined where there is none: a host engine needs
 * the Node platform (import geodata's Node entry); without it inputs go to GDAL as they are.
 */
export function formatIo(engine: GdalEngine): FormatIo | undefined {
  if (engine.fileSystem === 'memory') return memoryIo(engineWorkspace(engine));
  const platform = getPlatform();
  if (platform.name !== 'node') return undefined;
  const workspace = platform.workspace();
  const readRange = workspace.readRange?.bind(workspace);
  const openWriter = workspace.openWriter?.bind(workspace);
  if (!readRange || !openWriter) return undefined;
  return {
    hostFiles: true,
    workspace,
    read: readRange,
    size: (path) => workspace.size(path),
    contentKey: async (path) => (await platform.inputHasher(undefined).hash(path)).sha256,
    openWriter,
  };
}

/** In-memory files: read whole (the last file read is kept while it is read piece by piece). */
function memoryIo(workspace: Workspace): FormatIo {
  let last: { path: string; bytes: Promise<Uint8Array> } | undefined;
  const whole = (path: string) => {
    if (last?.path !== path) last = { path, bytes: workspace.readFile(path) };
    return last.bytes;
  };
  return {
    hostFiles: false,
    workspace,
    read: async (path, offset, length) => (await whole(path)).subarray(offset, offset + length),
    size: (path) => workspace.size(path),
    contentKey: async (path) => sha256BytesHex(await whole(path)),
    openWriter: async (path) => {
      const parts: Uint8Array[] = [];
      return {
        write: async (bytes) => {
          parts.push(bytes.slice());
        },
        close: async () => {
          const total = parts.reduce((sum, part) => sum + part.length, 0);
          const joined = new Uint8Array(total);
          let offset = 0;
          for (const part of parts) {
            joined.set(part, offset);
            offset += part.length;
          }
          await workspace.writeFile(path, joined);
        },
      };
    },
  };
}
