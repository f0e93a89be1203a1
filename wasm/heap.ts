import { GdalError } from '../src/errors.js';
import type { EmscriptenModule } from './emscripten.js';

/**
 * Memory on the WebAssembly heap for one GDAL call: every allocation is remembered and freed
 * together by `free()`, which callers put in a `finally`. GDAL's C API takes strings, string
 * lists (`char**`, NULL-terminated) and arrays of handles or doubles as pointers into this heap.
 *
 * Heap views (`HEAPF64`...) are read from the module at each use: they are replaced whenever the
 * heap grows, so a view kept across a GDAL call may point at detached memory.
 */
export class HeapScope {
  private readonly pointers: number[] = [];

  constructor(private readonly module: EmscriptenModule) {}

  /** `bytes` of uninitialised memory. */
  alloc(bytes: number): number {
    const pointer = this.module._malloc(Math.max(bytes, 1));
    if (!pointer) {
      throw new GdalError(`out of memory: cannot allocate ${bytes} bytes on the GDAL WebAssembly heap (at most 2 GiB)`, {
        operation: 'malloc',
      });
    }
    this.pointers.push(pointer);
    return pointer;
  }

  /** A NUL-terminated UTF-8 copy of `text`. */
  string(text: string): number {
    const size = this.module.lengthBytesUTF8(text) + 1;
    const pointer = this.alloc(size);
    this.module.stringToUTF8(text, pointer, size);
    return pointer;
  }

  /** A NULL-terminated `char**`, as GDAL's `*OptionsNew(argv, ...)` functions take. */
  stringList(items: readonly string[]): number {
    return this.pointerList(items.map((item) => this.string(item)));
  }

  /** An array of 32-bit pointers (dataset handles, strings), followed by a NULL. */
  pointerList(pointers: readonly number[]): number {
    const list = this.alloc(4 * (pointers.length + 1));
    const view = this.module.HEAPU32;
    pointers.forEach((pointer, index) => {
      view[list / 4 + index] = pointer;
    });
    view[list / 4 + pointers.length] = 0;
    return list;
  }

  /** An array of doubles initialised from `values`. */
  doubles(values: ArrayLike<number>): number {
    const pointer = this.alloc(8 * values.length);
    this.module.HEAPF64.set(Array.from(values), pointer / 8);
    return pointer;
  }

  /** Reads `count` doubles at `pointer`. */
  readDoubles(pointer: number, count: number): number[] {
    return Array.from(this.module.HEAPF64.subarray(pointer / 8, pointer / 8 + count));
  }

  /** One zeroed 32-bit slot, for out-parameters such as `int *pbUsageError` or `char **`. */
  slot(): number {
    const pointer = this.alloc(4);
    this.module.HEAP32[pointer / 4] = 0;
    return pointer;
  }

  /** The 32-bit value in a slot. */
  readSlot(pointer: number): number {
    return this.module.HEAP32[pointer / 4]!;
  }

  /** Reads a string GDAL allocated (`GDALInfo`, `OSRExportToWkt`) and frees it. */
  takeString(pointer: number): string {
    try {
      return this.module.UTF8ToString(pointer);
    } finally {
      // CPLFree is free() in gdal3.js (no custom allocator), so the module's _free releases it.
      this.module._free(pointer);
    }
  }

  /** Frees everything this scope allocated. Safe to call twice. */
  free(): void {
    for (const pointer of this.pointers.splice(0)) this.module._free(pointer);
  }
}

/**
 * Runs `body` with a fresh heap scope and frees it afterwards, whatever happens.
 * @example const wkt = withHeap(module, (heap) => exportWkt(heap.string('EPSG:4326')));
 */
export function withHeap<T>(module: EmscriptenModule, body: (heap: HeapScope) => T): T {
  const heap = new HeapScope(module);
  try {
    return body(heap);
  } finally {
    heap.free();
  }
}
