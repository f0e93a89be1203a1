import type { GdalEngine } from '../wasm/engine.js';
import { ConfigError } from './errors.js';
import type { DeflateCodec } from './formats/deflate-codec.js';
import type { H5Wasm } from './formats/hdf5-file.js';
import type { InputHasher } from './fingerprint/input-hasher.js';
import { type ModuleReader, setDefaultModuleReader } from './fingerprint/module-reader.js';
import type { Band } from './render/band.js';
import type { RenderPngOptions } from './render/render-raster.js';
import type { GeotiffModule } from './raster/geotiff-module.js';
import { fetchBytes } from './sources/fetch-or-fail.js';
import type { StoreAdapter } from './store/adapter.js';

/**
 * The few host facilities the core needs and cannot get from web standards alone. The Node entry
 * installs one backed by `node:fs` and GDAL on host files; the browser entry one backed by fetch,
 * IndexedDB and GDAL's in-memory file system. The core never imports either directly.
 */
export interface Platform {
  readonly name: 'node' | 'browser';
  /** Reads a file path (Node) or a URL (browser) into bytes; FileError names what is missing. */
  readFile(path: string): Promise<Uint8Array>;
  /** The default store for a cache root (Node: the filesystem; browser: IndexedDB). */
  createStore(root: string): StoreAdapter;
  /**
   * Hashes processor inputs. `memoPath`, a file beside a filesystem cache, remembers digests
   * between runs; without one they are remembered for the life of the hasher only.
   */
  inputHasher(memoPath: string | undefined): InputHasher;
  /**
   * Reads the modules classes are written in, so fingerprints resolve their free names there
   * (Node: files on this machine; browser: the served scripts, fetched ahead).
   */
  moduleReader?(): ModuleReader;
  /** The default GDAL engine. Creating it must not start GDAL; the first call does. */
  createEngine(): GdalEngine;
  /**
   * Files where processing happens: paths GDAL can open (Node: the host file system; browser:
   * GDAL's in-memory file system). Staging outputs and inputs given as bytes live here.
   */
  workspace(): Workspace;
  /** Makes a path absolute (Node: against the working directory). */
  resolvePath(path: string): string;
  /**
   * Where the platform can follow a value through async calls (Node's AsyncLocalStorage): lets
   * `ensureProcessedPath` know exactly which running computation called it.
   */
  asyncContext?(): AsyncContext;
  /**
   * A new value that follows async calls, as {@link asyncContext} does (Node's
   * AsyncLocalStorage): lets `withConfig` scope its changes to the calls it makes. Absent where
   * the platform has none (browsers).
   */
  createAsyncContext?<T>(): AsyncContext<T>;
  /**
   * Imports geotiff.js through `load`, guarding what the platform must (Node: its `web-worker`
   * dependency reads `workerData` when imported inside a worker thread). Default: `load()`.
   */
  importGeotiff?<T>(load: () => Promise<T>): Promise<T>;
  /** Prepares geotiff.js once it is loaded: its JPEG and WebP decoders (and in Node, DEFLATE through native zlib). */
  prepareGeotiff?(geotiff: GeotiffModule): void;
  /**
   * Loads h5wasm, which reads netCDF-4 and HDF5 inputs (loaded on first use only): in Node the
   * build that opens host files in place, in browsers the one with an in-memory file system.
   */
  loadHdf5?(): Promise<H5Wasm>;
  /**
   * Renders a figure to PNG somewhere other than this thread (browsers: geodata's compute worker),
   * with the bytes `renderRaster` would give here. Absent: rendered here.
   */
  renderPng?(band: Band, options: RenderPngOptions): Promise<Uint8Array>;
  /** DEFLATE for GeoTIFF tiles outside WebAssembly (Node: native zlib on the thread pool); else the Compression Streams API is used. */
  readonly deflateCodec?: DeflateCodec;
  /** Uncompressed copies of GeoTIFFs this process compressed, for its later GDAL reads (Node). */
  readonly uncompressedCopies?: UncompressedCopies;
  /**
   * A DOM document for drawing SVG charts (Observable Plot's `document` option): the page's own in
   * browsers; in Node a small server-side one (linkedom), loaded on first use.
   */
  svgDocument?(): Promise<SvgDocument>;
}

/** The part of a DOM `Document` that chart libraries draw with. */
export interface SvgDocument {
  createElement(name: string): unknown;
  createElementNS(namespace: string | null, name: string): unknown;
}

/** A value that follows async calls: by default, the chain of entries being computed. */
export interface AsyncContext<V = readonly string[]> {
  run<T>(value: V, fn: () => T): T;
  get(): V | undefined;
}

/** File access in the processing file system; see `Platform.workspace`. */
export interface Workspace {
  /** A folder for temporary files (staging, materialised inputs and cache entries). */
  readonly tempFolder: string;
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Size in bytes, or undefined when the file does not exist. */
  size(path: string): Promise<number | undefined>;
  remove(path: string): Promise<void>;
  /**
   * Moves a file to `to` in one step, replacing what is there (a symbolic link at `to` is
   * replaced, not followed): write to a temporary name, then rename, and no reader ever sees a
   * part of a file.
   */
  rename(from: string, to: string): Promise<void>;
  /** Removes a folder and everything in it; a missing folder is fine. */
  removeFolder(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  /** Reads `length` bytes at `offset` (fewer at the end), without reading the rest of the file. */
  readRange?(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** Opens a file for writing piece by piece, in order, so a large file never sits in memory whole. */
  openWriter?(path: string): Promise<FileWriter>;
  /**
   * Puts a file at `path` whose bytes `read` gives only when something reads it (an engine that
   * has not started GDAL keeps it until GDAL starts), so a cache hit costs nothing until used.
   */
  deferFile?(path: string, size: number, read: () => Promise<Uint8Array>): Promise<void>;
  /**
   * Size and SHA-256 of a file, read in pieces: what a commit records of an output of any size,
   * in memory that does not grow with it. Without it the file is read whole.
   */
  hashFile?(path: string): Promise<{ size: number; sha256: string }>;
  /** A whole file with its SHA-256, hashed as it is read: a cache hit's bytes are checked in the same pass. */
  readFileWithSha256?(path: string): Promise<{ bytes: Uint8Array; sha256: string }>;
  /** Opens a file for reads and writes at any offset (`'w'` creates or empties it): GeoTIFFs rewritten tile by tile. */
  openFile?(path: string, mode: 'r' | 'w'): Promise<RandomAccessFile>;
}

/**
 * Uncompressed copies of GeoTIFFs written uncompressed by GDAL and then compressed outside it,
 * kept so that later GDAL steps of the same process read them instead (GDAL inflates slowly inside
 * WebAssembly). A copy serves a file only while the file is the one it was made with.
 */
export interface UncompressedCopies {
  /** A new path to write (or move) the uncompressed copy of `file` to; undefined where none is kept. */
  pathFor(file: string): string | undefined;
  /** Keeps `copy` (at a path from `pathFor`) as the uncompressed copy of `file`, as `file` is now. */
  remember(file: string, copy: string): Promise<void>;
  /**
   * The uncompressed copy of `file`, if one is kept and `file` is still the file it was made with;
   * reports a read of `file` (the computation records it as if GDAL had read `file`).
   */
  of(file: string): Promise<string | undefined>;
}

/** A file open for reads and writes at offsets (`Workspace.openFile`). */
export interface RandomAccessFile {
  /** `length` bytes at `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Fills `target` from `offset` (less at the end of the file) and says how many bytes it read:
   * a buffer reused from read to read, where `read` hands out a new one each time. Optional.
   */
  readInto?(offset: number, target: Uint8Array): Promise<number>;
  write(offset: number, bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** A file being written piece by piece (`Workspace.openWriter`). */
export interface FileWriter {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

const unconfigured: Platform = {
  name: 'browser',
  readFile: fetchBytes,
  createStore() {
    throw new ConfigError("no default store on this platform: import from 'geodata' (the package entry) or pass { store } to getConfig().update()");
  },
  createEngine() {
    throw new ConfigError("no default GDAL engine on this platform: import from 'geodata' (the package entry) or pass { engine } to getConfig().update()");
  },
  inputHasher() {
    throw new ConfigError("no input hasher on this platform: import from 'geodata' (the package entry)");
  },
  workspace() {
    throw new ConfigError("no workspace on this platform: import from 'geodata' (the package entry)");
  },
  resolvePath: (path) => path,
};

let current: Platform = unconfigured;

/** The platform in use. */
export function getPlatform(): Platform {
  return current;
}

/** Installs a platform (each package entry does this once, on import). */
export function setPlatform(platform: Platform): void {
  current = platform;
  // Fingerprints (and `sourceHash`) read the modules classes are written in with it.
  setDefaultModuleReader(platform.moduleReader?.());
}
