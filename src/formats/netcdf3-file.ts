import type { NetCDFReader } from 'netcdfjs';
import { FileError } from '../errors.js';
import type { TypedArray } from '../raster/dtype.js';
import type { ArrayFile, ArrayType, ArrayVariable, AttributeValue, Attributes } from './array-file.js';
import { TYPE_BYTES } from './array-file.js';

/** Reads `length` bytes at `offset` of the file. */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

const TYPES: Record<string, ArrayType> = { byte: 'int8', char: 'other', short: 'int16', int: 'int32', float: 'float32', double: 'float64' };
/** Where to start looking for the end of the header; doubled until netcdfjs parses it. */
const FIRST_HEADER_BYTES = 64 * 1024;

/**
 * A netCDF-3 classic or 64-bit-offset file: netcdfjs parses the header, and hyperslabs are read
 * straight from the file by offset (the data are big-endian and uncompressed), so a slice costs
 * the bytes it covers, not the whole file.
 *
 * @example
 * const file = await openNetcdf3File(readRange, fileSize, 'old.nc');
 */
export async function openNetcdf3File(readRange: ReadRange, size: number, name: string): Promise<ArrayFile> {
  const reader = await parseHeader(readRange, size, name);
  const header = reader.header;
  const dimensions = header.dimensions;
  const records = header.recordDimension.length;
  const recordStep = header.recordDimension.recordStep ?? 0;
  const variables = header.variables.map((variable): ArrayVariable => {
    const shape = variable.dimensions.map((id) => (id === header.recordDimension.id ? records : dimensions[id]!.size));
    const type = TYPES[variable.type] ?? 'other';
    return {
      name: variable.name,
      shape,
      dimensions: variable.dimensions.map((id) => dimensions[id]!.name),
      type,
      attributes: attributesOf(variable.attributes as Array<{ name: string; value: unknown }>),
      read: (start, count) => readSlab(readRange, { shape, type, offset: variable.offset, record: variable.record, recordStep }, start, count, name),
    };
  });
  return {
    format: 'netcdf3',
    globalAttributes: attributesOf(header.globalAttributes as Array<{ name: string; value: unknown }>),
    variables,
    close: () => undefined,
  };
}

async function parseHeader(readRange: ReadRange, size: number, name: string): Promise<NetCDFReader> {
  // Imported here, not with geodata: a process that never opens a netCDF-3 file (a load() of a
  // cached GeoTIFF, say) does not pay for netcdfjs's modules at start-up.
  const { NetCDFReader } = await import('netcdfjs');
  for (let length = Math.min(FIRST_HEADER_BYTES, size); ; length = Math.min(length * 4, size)) {
    try {
      return new NetCDFReader(await readRange(0, length));
    } catch (error) {
      // A header longer than the bytes read runs off their end; anything else is a broken file.
      if (length >= size || !/offset|out of range|bounds/i.test((error as Error).message)) {
        throw new FileError(`${name} is not a netCDF-3 file that can be read: ${(error as Error).message}`, name, { cause: error });
      }
    }
  }
}

function attributesOf(list: Array<{ name: string; value: unknown }>): Attributes {
  const attributes: Record<string, AttributeValue> = {};
  for (const { name, value } of list) {
    if (typeof value === 'string') attributes[name] = value.replace(/\0+$/, '');
    else if (typeof value === 'number') attributes[name] = [value];
    else if (Array.isArray(value)) attributes[name] = value.map(Number);
  }
  return attributes;
}

interface Layout {
  shape: readonly number[];
  type: ArrayType;
  offset: number;
  record: boolean;
  recordStep: number;
}

/**
 * The values of a hyperslab, read run by run: a run is a stretch contiguous in the file (the last
 * axis, and every trailing axis read whole). Record variables interleave their records with those
 * of the other record variables, `recordStep` bytes apart.
 */
async function readSlab(readRange: ReadRange, layout: Layout, start: readonly number[], count: readonly number[], name: string): Promise<TypedArray> {
  if (layout.type === 'other' || layout.type === 'string') throw new FileError(`${name}: netCDF-3 character variables hold text, not pixels`, name);
  const bytes = TYPE_BYTES[layout.type as keyof typeof TYPE_BYTES];
  const { shape } = layout;
  const rank = shape.length;
  // Elements per step of each axis inside one record (or the whole variable).
  const strides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1]! * (layout.record && axis === 0 ? 1 : shape[axis + 1]!);
  // Merge trailing axes read whole into one run.
  let runAxis = rank - 1;
  let runLength = count[rank - 1] ?? 1;
  while (runAxis > (layout.record ? 1 : 0) && start[runAxis] === 0 && count[runAxis] === shape[runAxis]) {
    runAxis -= 1;
    runLength *= count[runAxis]!;
  }
  const total = count.reduce((product, value) => product * value, 1);
  const out = new Uint8Array(total * bytes);
  const index = start.slice(0, runAxis);
  let written = 0;
  for (;;) {
    let element = 0;
    for (let axis = 0; axis < runAxis; axis++) if (!(layout.record && axis === 0)) element += index[axis]! * strides[axis]!;
    element += (start[runAxis] ?? 0) * strides[runAxis]!;
    const recordOffset = layout.record ? (index[0] ?? start[0]!) * layout.recordStep : 0;
    const chunk = await readRange(layout.offset + recordOffset + element * bytes, runLength * bytes);
    out.set(chunk, written);
    written += runLength * bytes;
    let axis = runAxis - 1;
    while (axis >= 0) {
      index[axis] = index[axis]! + 1;
      if (index[axis]! < start[axis]! + count[axis]!) break;
      index[axis] = start[axis]!;
      axis -= 1;
    }
    if (axis < 0) break;
  }
  return bigEndianValues(out, layout.type as keyof typeof TYPE_BYTES);
}

function bigEndianValues(bytes: Uint8Array, type: keyof typeof TYPE_BYTES): TypedArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = TYPE_BYTES[type];
  const length = bytes.length / size;
  switch (type) {
    case 'int8':
      return new Int8Array(bytes.buffer, bytes.byteOffset, length);
    case 'int16':
      return Int16Array.from({ length }, (_, i) => view.getInt16(i * 2));
    case 'int32':
      return Int32Array.from({ length }, (_, i) => view.getInt32(i * 4));
    case 'float32':
      return Float32Array.from({ length }, (_, i) => view.getFloat32(i * 4));
    default:
      return Float64Array.from({ length }, (_, i) => view.getFloat64(i * 8));
  }
}
