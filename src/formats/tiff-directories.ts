import { TYPE_SIZES, type TiffEntry } from './tiff-layout.js';

/*
 * Writing (Big)TIFF directories: shared by the rewrites of a TIFF with other blocks (decoded
 * tiles in tiff-transcode, compressed ones in tiff-compress). A directory's size depends on its
 * entries and on how many blocks it has, never on their sizes, so the directories can be placed
 * first and their block offsets filled in once the blocks are written.
 */

/** A tile or strip: where it is in the source, and its size in the output. */
export interface Block {
  offset: number;
  size: number;
  /** Bytes in the output (0 for a sparse block). */
  outputSize: number;
}

/** A directory as it will be written: its entries (offsets aside), its blocks, and how to decode them. */
export interface PlannedIfd {
  entries: TiffEntry[];
  blocks: Block[];
  decode?: (bytes: Uint8Array) => Promise<Uint8Array>;
  offsetsTag: number;
  countsTag: number;
}

/** A SHORT entry holding one value. */
export function shortEntry(tag: number, value: number, littleEndian: boolean): TiffEntry {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value, littleEndian);
  return { tag, type: 3, count: 1, value: bytes };
}

/** Where the directories, their values and the blocks go. */
export interface Placement {
  ifdOffsets: number[];
  /** Per IFD, per entry (in tag order, offsets tags included), where its out-of-line value goes. */
  valueOffsets: Array<Map<number, number>>;
  blockOffsets: number[][];
  end: number;
}

/** The entries an IFD is written with: its own, plus the block offsets and counts (placeholders here), in tag order. */
export function finalEntries(ifd: PlannedIfd, bigTiff: boolean, blockOffsets: number[] | undefined, littleEndian: boolean): TiffEntry[] {
  const type = bigTiff ? 16 : 4;
  const encode = (values: number[]) => {
    const size = TYPE_SIZES[type]!;
    const bytes = new Uint8Array(values.length * size);
    const view = new DataView(bytes.buffer);
    values.forEach((value, index) => (bigTiff ? view.setBigUint64(index * size, BigInt(value), littleEndian) : view.setUint32(index * size, value, littleEndian)));
    return bytes;
  };
  const offsets = blockOffsets ?? ifd.blocks.map(() => 0);
  const entries = ifd.entries.filter((entry) => entry.tag !== ifd.offsetsTag && entry.tag !== ifd.countsTag);
  entries.push({ tag: ifd.offsetsTag, type, count: offsets.length, value: encode(offsets) });
  entries.push({ tag: ifd.countsTag, type, count: ifd.blocks.length, value: encode(ifd.blocks.map((block) => block.outputSize)) });
  return entries.sort((a, b) => a.tag - b.tag);
}

/** Lays the file out: header, every directory with its out-of-line values, then every block. */
export function place(planned: PlannedIfd[], bigTiff: boolean): Placement {
  const inline = bigTiff ? 8 : 4;
  let position = bigTiff ? 16 : 8;
  const ifdOffsets: number[] = [];
  const valueOffsets: Array<Map<number, number>> = [];
  for (const ifd of planned) {
    const entries = finalEntries(ifd, bigTiff, undefined, true);
    position += position % 2;
    ifdOffsets.push(position);
    position += (bigTiff ? 8 : 2) + entries.length * (bigTiff ? 20 : 12) + (bigTiff ? 8 : 4);
    const values = new Map<number, number>();
    for (const entry of entries) {
      if (entry.value.length <= inline) continue;
      position += position % 2;
      values.set(entry.tag, position);
      position += entry.value.length;
    }
    valueOffsets.push(values);
  }
  const blockOffsets = planned.map((ifd) =>
    ifd.blocks.map((block) => {
      if (block.outputSize === 0) return 0;
      const at = position;
      position += block.outputSize;
      return at;
    }),
  );
  return { ifdOffsets, valueOffsets, blockOffsets, end: position };
}

/** The header and every directory, with their values, as the bytes that open the file. */
export function encodeDirectories(planned: PlannedIfd[], placed: Placement, bigTiff: boolean, littleEndian: boolean): Uint8Array {
  const firstBlock = placed.blockOffsets.flat().find((offset) => offset > 0) ?? placed.end;
  const headerEnd = Math.min(firstBlock, placed.end);
  const bytes = new Uint8Array(headerEnd);
  const view = new DataView(bytes.buffer);
  bytes[0] = bytes[1] = littleEndian ? 0x49 : 0x4d;
  const offset = (at: number, value: number) => (bigTiff ? view.setBigUint64(at, BigInt(value), littleEndian) : view.setUint32(at, value, littleEndian));
  view.setUint16(2, bigTiff ? 43 : 42, littleEndian);
  if (bigTiff) {
    view.setUint16(4, 8, littleEndian);
    view.setUint16(6, 0, littleEndian);
    offset(8, placed.ifdOffsets[0] ?? 0);
  } else offset(4, placed.ifdOffsets[0] ?? 0);
  const inline = bigTiff ? 8 : 4;
  planned.forEach((ifd, index) => {
    const entries = finalEntries(ifd, bigTiff, placed.blockOffsets[index], littleEndian);
    let at = placed.ifdOffsets[index]!;
    if (bigTiff) view.setBigUint64(at, BigInt(entries.length), littleEndian);
    else view.setUint16(at, entries.length, littleEndian);
    at += bigTiff ? 8 : 2;
    for (const entry of entries) {
      view.setUint16(at, entry.tag, littleEndian);
      view.setUint16(at + 2, entry.type, littleEndian);
      if (bigTiff) view.setBigUint64(at + 4, BigInt(entry.count), littleEndian);
      else view.setUint32(at + 4, entry.count, littleEndian);
      const valueAt = at + (bigTiff ? 12 : 8);
      if (entry.value.length <= inline) bytes.set(entry.value, valueAt);
      else {
        const where = placed.valueOffsets[index]!.get(entry.tag)!;
        offset(valueAt, where);
        bytes.set(entry.value, where);
      }
      at += bigTiff ? 20 : 12;
    }
    offset(at, placed.ifdOffsets[index + 1] ?? 0);
  });
  return bytes;
}
