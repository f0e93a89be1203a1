/**
 * The parts of gdal3.js's Emscripten module that the engine uses. gdal3.js ships no types for
 * them, so they are declared here, narrowly: anything not listed is not relied upon.
 */

/** A node of Emscripten's virtual file system (only the fields the host-path cache check reads). */
export interface EmscriptenFSNode {
  id: number;
  name: string;
  mode: number;
  parent: EmscriptenFSNode;
  /** Next node in the same name-table bucket. */
  name_next?: EmscriptenFSNode | null;
  mounted?: { root: EmscriptenFSNode } | null;
}

/** Emscripten's `FS` object. Paths are paths inside the module, not host paths. */
export interface EmscriptenFS {
  mkdir(path: string): void;
  mkdirTree(path: string): void;
  rmdir(path: string): void;
  unlink(path: string): void;
  rename(oldPath: string, newPath: string): void;
  symlink(target: string, path: string): void;
  readlink(path: string): string;
  readdir(path: string): string[];
  readFile(path: string): Uint8Array;
  /** `canOwn`: the file keeps `data` itself instead of a copy (MEMFS, when the file starts empty). */
  writeFile(path: string, data: Uint8Array, options?: { canOwn?: boolean }): void;
  stat(path: string): { mode: number; size: number };
  lstat(path: string): { mode: number; size: number };
  isDir(mode: number): boolean;
  isFile(mode: number): boolean;
  isLink(mode: number): boolean;
  analyzePath(path: string, dontResolveLastLink?: boolean): { exists: boolean; object: EmscriptenFSNode | null };
  lookupPath(path: string, options?: { follow?: boolean; follow_mount?: boolean }): { path: string; node: EmscriptenFSNode };
  mount(type: unknown, options: object, mountpoint: string): void;
  cwd(): string;
  chdir(path: string): void;
  hashName(parentId: number, name: string): number;
  nameTable: Array<EmscriptenFSNode | null | undefined>;
  destroyNode(node: EmscriptenFSNode): void;
}

type CType = 'number' | 'string' | null;

/** The Emscripten module of gdal3.js (`(await initGdalJs()).Module`). */
export interface EmscriptenModule {
  FS: EmscriptenFS;
  NODEFS: unknown;
  MEMFS: unknown;
  /** Read-only files backed by `Blob`s (workers only: reads use `FileReaderSync`). */
  WORKERFS?: unknown;
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPU32: Uint32Array;
  HEAPF64: Float64Array;
  cwrap(name: string, returnType: CType, argTypes: CType[]): (...args: unknown[]) => unknown;
  addFunction(fn: (...args: never[]) => unknown, signature: string): number;
  UTF8ToString(pointer: number): string;
  stringToUTF8(text: string, pointer: number, maxBytes: number): void;
  lengthBytesUTF8(text: string): number;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

/** What `initGdalJs()` resolves to; only `Module` is used (never gdal3.js's own wrappers). */
export interface GdalJsNamespace {
  Module: EmscriptenModule;
}

/** The configuration `initGdalJs()` accepts (the subset the engine passes). */
export interface GdalJsConfig {
  path?: string;
  paths?: { wasm: string; data: string; js?: string };
  useWorker?: boolean;
  env?: Record<string, string>;
  logHandler?: (message: string, type: string) => void;
  errorHandler?: (message: string, type: string) => void;
}

/** The default export of gdal3.js. */
export type InitGdalJs = (config?: GdalJsConfig) => Promise<GdalJsNamespace>;
