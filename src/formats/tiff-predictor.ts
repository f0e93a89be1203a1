/**
 * TIFF predictors (tag 317) on one block, in place, as libtiff applies them row by row:
 * 2 = horizontal differencing of samples (integers, any width, wrapping), 3 = floating-point
 * predictor (each row's bytes split into planes, most significant first, then byte differences).
 * Blocks are little-endian, as GDAL writes them on every common host.
 */

/** The shape of a block: pixels per row, rows, samples per pixel in the block, bytes per sample. */
export interface BlockShape {
  width: number;
  rows: number;
  /** Samples interleaved in each pixel of the block (1 for planar blocks). */
  samples: number;
  bytesPerSample: number;
}

/**
 * Applies predictor 2 or 3 to an uncompressed block (before compression); returns the block to
 * compress. Predictor 2 works in place; predictor 3 writes into `scratch` when it is large enough
 * (a buffer reused from block to block), else into a new buffer.
 */
export function encodePredictor(block: Uint8Array, predictor: number, shape: BlockShape, scratch?: Uint8Array): Uint8Array {
  if (predictor === 2) {
    horizontalDifference(block, shape);
    return block;
  }
  if (predictor === 3) return floatingPointDifference(block, shape, scratch && scratch.length >= block.length ? scratch.subarray(0, block.length) : new Uint8Array(block.length));
  return block;
}

/** Undoes predictor 2 in place (after decompression). */
export function decodeHorizontal(block: Uint8Array, shape: BlockShape): void {
  if (block.byteOffset % shape.bytesPerSample !== 0) return throughAlignedCopy(block, (copy) => decodeHorizontal(copy, shape));
  const { width, rows, samples, bytesPerSample } = shape;
  const stride = samples;
  const rowValues = width * samples;
  const view = typedView(block, bytesPerSample);
  const usable = Math.min(rows, Math.floor(view.length / rowValues));
  if (view instanceof BigUint64Array) {
    for (let row = 0; row < usable; row++) {
      const start = row * rowValues;
      for (let i = start + stride; i < start + rowValues; i++) view[i] = BigInt.asUintN(64, view[i]! + view[i - stride]!);
    }
    return;
  }
  // Typed-array stores wrap (modulo 2^bits), as the predictor's arithmetic does.
  for (let row = 0; row < usable; row++) {
    const start = row * rowValues;
    const end = start + rowValues;
    if (stride === 1) {
      let previous = view[start]!;
      for (let i = start + 1; i < end; i++) {
        view[i] = (view[i]! + previous) as never;
        previous = view[i]!;
      }
    } else for (let i = start + stride; i < end; i++) view[i] = (view[i]! + view[i - stride]!) as never;
  }
}

function horizontalDifference(block: Uint8Array, shape: BlockShape): void {
  if (block.byteOffset % shape.bytesPerSample !== 0) return throughAlignedCopy(block, (copy) => horizontalDifference(copy, shape));
  const { width, rows, samples, bytesPerSample } = shape;
  const stride = samples;
  const rowValues = width * samples;
  const view = typedView(block, bytesPerSample);
  if (view instanceof BigUint64Array) {
    for (let row = 0; row < rows; row++) {
      const start = row * rowValues;
      for (let i = start + rowValues - 1; i >= start + stride; i--) view[i] = BigInt.asUintN(64, view[i]! - view[i - stride]!);
    }
    return;
  }
  for (let row = 0; row < rows; row++) {
    const start = row * rowValues;
    for (let i = start + rowValues - 1; i >= start + stride; i--) view[i] = (view[i]! - view[i - stride]!) as never;
  }
}

/** Blocks come from fresh buffers (zlib's output, our own reads), so they are aligned; one that is not is worked on in a copy. */
function throughAlignedCopy(block: Uint8Array, work: (copy: Uint8Array) => void): void {
  const copy = block.slice();
  work(copy);
  block.set(copy);
}

function typedView(block: Uint8Array, bytesPerSample: number): Uint8Array | Uint16Array | Uint32Array | BigUint64Array {
  const count = Math.floor(block.byteLength / bytesPerSample);
  if (bytesPerSample === 1) return block;
  if (bytesPerSample === 2) return new Uint16Array(block.buffer, block.byteOffset, count);
  if (bytesPerSample === 4) return new Uint32Array(block.buffer, block.byteOffset, count);
  return new BigUint64Array(block.buffer, block.byteOffset, count);
}

/** libtiff's fpDiff: per row, bytes regrouped by significance (most significant plane first), then differenced with the sample stride. */
function floatingPointDifference(block: Uint8Array, shape: BlockShape, out: Uint8Array): Uint8Array {
  const { width, rows, samples, bytesPerSample: bps } = shape;
  const rowBytes = width * samples * bps;
  const values = width * samples;
  // Bytes past the last whole row stay zero, as in a new buffer: `out` may be reused.
  if (bps === 4 && samples === 1 && block.byteOffset % 4 === 0) {
    const usable = Math.min(rows, Math.floor(block.length / rowBytes));
    floatingPointDifference32(block, out, values, usable);
    out.fill(0, usable * rowBytes);
    return out;
  }
  out.fill(0, rows * rowBytes);
  for (let row = 0; row < rows; row++) {
    const start = row * rowBytes;
    for (let byte = 0; byte < bps; byte++) {
      // Little-endian source: the most significant byte of a value is its last.
      const plane = start + byte * values;
      const from = start + (bps - 1 - byte);
      for (let i = 0; i < values; i++) out[plane + i] = block[from + i * bps]!;
    }
    for (let i = start + rowBytes - 1; i >= start + samples; i--) out[i] = out[i]! - out[i - samples]!;
  }
  return out;
}

/**
 * `floatingPointDifference` for one-sample 32-bit blocks (Float32 rasters, the common case) in one
 * pass per row over 32-bit words: each byte of the regrouped row minus the byte before it, that is
 * the same plane's byte of the previous value, or for a plane's first byte the previous plane's
 * last. The generic loop above does the same byte by byte and was most of the time a DEFLATE
 * GeoTIFF's write took outside WebAssembly (about 4 ms per 256x256 tile against 0.5 ms).
 */
function floatingPointDifference32(block: Uint8Array, out: Uint8Array, values: number, rows: number): void {
  const words = new Uint32Array(block.buffer, block.byteOffset, values * rows);
  for (let row = 0; row < rows; row++) {
    const first = row * values;
    const p0 = first * 4;
    const p1 = p0 + values;
    const p2 = p1 + values;
    const p3 = p2 + values;
    const head = words[first]!;
    const last = words[first + values - 1]!;
    // Typed-array stores keep the low 8 bits: the differences wrap as libtiff's do.
    out[p0] = head >>> 24;
    out[p1] = ((head >>> 16) & 0xff) - (last >>> 24);
    out[p2] = ((head >>> 8) & 0xff) - ((last >>> 16) & 0xff);
    out[p3] = (head & 0xff) - ((last >>> 8) & 0xff);
    let previous = head;
    for (let i = 1; i < values; i++) {
      const word = words[first + i]!;
      out[p0 + i] = (word >>> 24) - (previous >>> 24);
      out[p1 + i] = ((word >>> 16) & 0xff) - ((previous >>> 16) & 0xff);
      out[p2 + i] = ((word >>> 8) & 0xff) - ((previous >>> 8) & 0xff);
      out[p3 + i] = (word & 0xff) - (previous & 0xff);
      previous = word;
    }
  }
}

/**
 * Undoes predictor 3 for one block and writes the values straight into `target` (little-endian
 * bytes: a band, or a buffer of the block's size): `place(row)` gives the byte offset where row
 * `row` of the block goes, or -1 to skip it; columns `firstColumn` to `firstColumn + columns` of
 * each row are written. `block` may be changed (the generic path leaves running sums in it).
 */
export function decodeFloatingPoint(block: Uint8Array, shape: BlockShape, target: Uint8Array, place: (row: number) => number, firstColumn = 0, columns = shape.width): void {
  const { width, rows, samples, bytesPerSample: bps } = shape;
  const values = width * samples;
  const rowBytes = values * bps;
  const usable = Math.min(rows, Math.floor(block.length / rowBytes));
  const first = firstColumn * samples;
  const copyValues = columns * samples;
  for (let row = 0; row < usable; row++) {
    const at = place(row);
    if (at < 0) continue;
    const start = row * rowBytes;
    if (bps === 4 && samples === 1 && (block.byteOffset + start) % 4 === 0 && (target.byteOffset + at) % 4 === 0) {
      decodeFloatingPointRow32(block, start, values, new Uint32Array(target.buffer, target.byteOffset + at, copyValues), first);
      continue;
    }
    const end = start + rowBytes;
    if (samples === 1) {
      let previous = block[start]!;
      for (let i = start + 1; i < end; i++) block[i] = previous = (block[i]! + previous) & 0xff;
    } else for (let i = start + samples; i < end; i++) block[i] = block[i]! + block[i - samples]!;
    if (bps === 4 && (target.byteOffset + at) % 4 === 0) {
      const out = new Uint32Array(target.buffer, target.byteOffset + at, copyValues);
      const p0 = start + first;
      const p1 = p0 + values;
      const p2 = p1 + values;
      const p3 = p2 + values;
      for (let i = 0; i < copyValues; i++) out[i] = ((block[p0 + i]! << 24) | (block[p1 + i]! << 16) | (block[p2 + i]! << 8) | block[p3 + i]!) >>> 0;
      continue;
    }
    for (let i = 0; i < copyValues; i++) {
      for (let byte = 0; byte < bps; byte++) target[at + i * bps + (bps - 1 - byte)] = block[start + byte * values + first + i]!;
    }
  }
}

/**
 * One row of `decodeFloatingPoint` for one-sample 32-bit blocks (Float32 rasters, the common
 * case) in one pass: the row's running byte sum is run as four sums side by side, one per byte
 * plane, each started from the sum of the planes before it (their byte totals, added a word at a
 * time), and each value's four bytes are put together as they come. The generic path's sum and
 * regrouping, byte by byte, were a third of a cached 4000x4000 entry's load() (bench/load.ts).
 */
function decodeFloatingPointRow32(block: Uint8Array, start: number, values: number, out: Uint32Array, first: number): void {
  const p0 = start;
  const p1 = p0 + values;
  const p2 = p1 + values;
  const p3 = p2 + values;
  let s1 = planeSum(block, p0, values);
  let s2 = s1 + planeSum(block, p1, values);
  let s3 = s2 + planeSum(block, p2, values);
  let s0 = 0;
  const end = first + out.length;
  for (let i = 0; i < end; i++) {
    s0 = (s0 + block[p0 + i]!) & 0xff;
    s1 = (s1 + block[p1 + i]!) & 0xff;
    s2 = (s2 + block[p2 + i]!) & 0xff;
    s3 = (s3 + block[p3 + i]!) & 0xff;
    if (i >= first) out[i - first] = ((s0 << 24) | (s1 << 16) | (s2 << 8) | s3) >>> 0;
  }
}

/** The sum of `count` bytes from `offset`, modulo 256. */
function planeSum(block: Uint8Array, offset: number, count: number): number {
  let sum = 0;
  for (let i = offset; i < offset + count; i++) sum += block[i]!;
  return sum & 0xff;
}
