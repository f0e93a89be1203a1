import { FileError } from '../errors.js';

/** One IFD entry: its tag, TIFF type, count and value bytes (in the file's byte order). */
export interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  value: Uint8Array;
}

/** The structure of a (Big)TIFF: byte order and every image file directory of the main chain. */
export interface TiffLayout {
  littleEndian: boolean;
  bigTiff: boolean;
  ifds: TiffEntry[][];
}

export type ReadBytes = (offset: number, length: number) => Promise<Uint8Array>;

/** Bytes per value of each TIFF field type. */
export const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

export const TAG = {
  imageWidth: 256,
  imageLength: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planarConfiguration: 284,
  predictor: 317,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  subIfds: 330,
  jpegTables: 347,
  yCbCrCoefficients: 529,
  yCbCrSubSampling: 530,
  yCbCrPositioning: 531,
  referenceBlackWhite: 532,
  exifIfd: 34665,
  gpsIfd: 34853,
  lercParameters: 50674,
  gdalNodata: 42113,
} as const;

/** No file has more directories than this; a longer chain loops. */
const MAX_IFDS = 10_000;

/**
 * Reads the header and the IFD chain of a TIFF or BigTIFF by range (entries and their values,
 * not the pixels): what a rewrite with other tiles needs to keep every tag as it is. With
 * `values: false` only values stored in the entries themselves are read (enough for the
 * compression of each directory), so a large COG's tile tables are not.
 * @example const layout = await readTiffLayout((offset, length) => io.read(path, offset, length), 'dem.tif');
 */
export async function readTiffLayout(read: ReadBytes, name: string, options: { values?: boolean } = {}): Promise<TiffLayout> {
  const header = await read(0, 16);
  const littleEndian = header[0] === 0x49;
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const bigTiff = view.getUint16(2, littleEndian) === 43;
  let next = bigTiff ? Number(view.getBigUint64(8, littleEndian)) : view.getUint32(4, littleEndian);
  const ifds: TiffEntry[][] = [];
  const seen = new Set<number>();
  while (next !== 0) {
    if (seen.has(next) || ifds.length >= MAX_IFDS) throw new FileError(`${name} is a damaged TIFF: its directories loop`, name);
    seen.add(next);
    const countBytes = await read(next, bigTiff ? 8 : 2);
    const countView = new DataView(countBytes.buffer, countBytes.byteOffset, countBytes.byteLength);
    if (countBytes.length < (bigTiff ? 8 : 2)) throw new FileError(`${name} is a damaged TIFF: a directory lies past its end`, name);
    const count = bigTiff ? Number(countView.getBigUint64(0, littleEndian)) : countView.getUint16(0, littleEndian);
    const entrySize = bigTiff ? 20 : 12;
    const block = await read(next + (bigTiff ? 8 : 2), count * entrySize + (bigTiff ? 8 : 4));
    const blockView = new DataView(block.buffer, block.byteOffset, block.byteLength);
    const entries: TiffEntry[] = [];
    for (let index = 0; index < count; index++) {
      const at = index * entrySize;
      const tag = blockView.getUint16(at, littleEndian);
      const type = blockView.getUint16(at + 2, littleEndian);
      const valueCount = bigTiff ? Number(blockView.getBigUint64(at + 4, littleEndian)) : blockView.getUint32(at + 4, littleEndian);
      const size = (TYPE_SIZES[type] ?? 1) * valueCount;
      const inline = bigTiff ? 8 : 4;
      const valueAt = at + (bigTiff ? 12 : 8);
      let value: Uint8Array;
      if (size <= inline) value = block.slice(valueAt, valueAt + size);
      else if (options.values === false) value = new Uint8Array(0);
      else {
        const offset = bigTiff ? Number(blockView.getBigUint64(valueAt, littleEndian)) : blockView.getUint32(valueAt, littleEndian);
        value = await read(offset, size);
        if (value.length < size) throw new FileError(`${name} is a damaged TIFF: the value of tag ${tag} lies past its end`, name);
      }
      entries.push({ tag, type, count: valueCount, value });
    }
    ifds.push(entries);
    next = bigTiff ? Number(blockView.getBigUint64(count * entrySize, littleEndian)) : blockView.getUint32(count * entrySize, littleEndian);
  }
  return { littleEndian, bigTiff, ifds };
}

/** The numbers of an entry (integers, floats; rationals as quotients). */
export function entryNumbers(entry: TiffEntry | undefined, littleEndian: boolean): number[] {
  if (!entry) return [];
  const view = new DataView(entry.value.buffer, entry.value.byteOffset, entry.value.byteLength);
  const out: number[] = [];
  for (let index = 0; index < entry.count; index++) {
    switch (entry.type) {
      case 1:
      case 7:
        out.push(view.getUint8(index));
        break;
      case 6:
        out.push(view.getInt8(index));
        break;
      case 3:
        out.push(view.getUint16(index * 2, littleEndian));
        break;
      case 8:
        out.push(view.getInt16(index * 2, littleEndian));
        break;
      case 4:
      case 13:
        out.push(view.getUint32(index * 4, littleEndian));
        break;
      case 9:
        out.push(view.getInt32(index * 4, littleEndian));
        break;
      case 11:
        out.push(view.getFloat32(index * 4, littleEndian));
        break;
      case 12:
        out.push(view.getFloat64(index * 8, littleEndian));
        break;
      case 16:
      case 18:
        out.push(Number(view.getBigUint64(index * 8, littleEndian)));
        break;
      case 17:
        out.push(Number(view.getBigInt64(index * 8, littleEndian)));
        break;
      case 5:
        out.push(view.getUint32(index * 8, littleEndian) / view.getUint32(index * 8 + 4, littleEndian));
        break;
      case 10:
        out.push(view.getInt32(index * 8, littleEndian) / view.getInt32(index * 8 + 4, littleEndian));
        break;
      default:
        return out;
    }
  }
  return out;
}

/** The first number of a tag of an IFD, or `fallback`. */
export function tagNumber(ifd: readonly TiffEntry[], tag: number, littleEndian: boolean, fallback: number): number {
  return entryNumbers(ifd.find((entry) => entry.tag === tag), littleEndian)[0] ?? fallback;
}
