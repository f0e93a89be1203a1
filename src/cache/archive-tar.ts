import { InvalidInputError } from '../errors.js';

/**
 * A minimal POSIX ustar codec for export archives: a writer that streams headers and the
 * caller's own byte arrays (no copy of the members), and a reader that checks every header
 * before anything is returned. Browser-safe.
 *
 * Why not nanotar (installed, and first choice): version 0.3.0 silently cuts names longer than
 * 100 bytes (`data_processed/<64 hex>/` leaves 20 bytes for the file name), rewrites `../x` and
 * `/x` into harmless-looking names while reading (so unsafe members cannot be detected), never
 * checks header checksums, drops the last member when an archive has no end-of-archive blocks
 * (its own writer omits them when the data fills a 10240-byte record exactly), and throws a bare
 * RangeError on truncated data.
 */

/** ustar block size: headers take one block, data is padded to a whole number of blocks. */
export const BLOCK = 512;

const NAME_BYTES = 100;
const PREFIX_BYTES = 155;
/** The size field holds 11 octal digits. */
const MAX_MEMBER_BYTES = 8 ** 11 - 1;
const ZERO_BLOCK = new Uint8Array(BLOCK);
/** Zeros accepted after the last member: the two end blocks plus the padding of a whole record (tar's -b 20). */
const MAX_TRAILING_ZEROS = 2 * 10240;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** The error every damaged-archive check throws, worded the same for gzip and tar problems. */
export function corruptArchive(archiveName: string, what: string): InvalidInputError {
  return new InvalidInputError(`archive ${archiveName} is corrupt: ${what}; export it again or check the download`);
}

/** One member to write: its path inside the archive and its bytes. */
export interface TarMemberInput {
  path: string;
  bytes: Uint8Array;
}

/**
 * Splits a path into the ustar `prefix` and `name` fields (POSIX: joined with a `/` on reading),
 * or returns why it cannot be stored. Paths of up to 100 bytes need no prefix.
 */
export function ustarPathFields(path: string): { name: Uint8Array; prefix: Uint8Array } | string {
  const bytes = utf8.encode(path);
  if (bytes.length <= NAME_BYTES) return { name: bytes, prefix: new Uint8Array(0) };
  // The shortest prefix that leaves a name of at most 100 bytes; UTF-8 never hides a 0x2f byte.
  for (let slash = bytes.indexOf(0x2f); slash !== -1 && slash <= PREFIX_BYTES; slash = bytes.indexOf(0x2f, slash + 1)) {
    if (bytes.length - slash - 1 <= NAME_BYTES) return { name: bytes.subarray(slash + 1), prefix: bytes.subarray(0, slash) };
  }
  return `ustar holds at most ${PREFIX_BYTES} bytes of folders and ${NAME_BYTES} bytes of file name, and this path is ${bytes.length} bytes`;
}

/** Checks that `member` can be written; returns the problem, or undefined. */
export function ustarMemberProblem(member: TarMemberInput): string | undefined {
  const fields = ustarPathFields(member.path);
  if (typeof fields === 'string') return fields;
  if (member.bytes.byteLength > MAX_MEMBER_BYTES) return `it is ${member.bytes.byteLength} bytes and ustar holds at most ${MAX_MEMBER_BYTES}`;
  return undefined;
}

/**
 * The archive as a sequence of chunks: for each member a header block, the member's own bytes
 * (not copied) and zero padding; then the two zero blocks that end a tar archive. Members must
 * have passed {@link ustarMemberProblem}.
 */
export function* ustarChunks(members: Iterable<TarMemberInput>, mtimeSeconds: number): Generator<Uint8Array> {
  for (const member of members) {
    yield ustarHeader(member, mtimeSeconds);
    if (member.bytes.byteLength > 0) yield member.bytes;
    const padding = (BLOCK - (member.bytes.byteLength % BLOCK)) % BLOCK;
    if (padding > 0) yield ZERO_BLOCK.subarray(0, padding);
  }
  yield ZERO_BLOCK;
  yield ZERO_BLOCK;
}

function ustarHeader(member: TarMemberInput, mtimeSeconds: number): Uint8Array {
  const fields = ustarPathFields(member.path);
  if (typeof fields === 'string') throw new InvalidInputError(`cannot write archive member ${JSON.stringify(member.path)}: ${fields}`);
  const header = new Uint8Array(BLOCK);
  header.set(fields.name, 0);
  writeOctal(header, 100, 8, 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, member.bytes.byteLength);
  writeOctal(header, 136, 12, mtimeSeconds);
  header[156] = 0x30; // '0': regular file
  header.set(utf8.encode('ustar\u000000'), 257);
  writeOctal(header, 329, 8, 0);
  writeOctal(header, 337, 8, 0);
  header.set(fields.prefix, 345);
  // The checksum is computed with its own field read as eight spaces, then stored as 6 digits, NUL, space.
  header.fill(0x20, 148, 156);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.set(utf8.encode(`${checksum.toString(8).padStart(6, '0')}\u0000 `), 148);
  return header;
}

function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  header.set(utf8.encode(Math.trunc(value).toString(8).padStart(length - 1, '0')), offset); // the last byte stays NUL
}

/** A member as read, before any policy: its full path, its ustar type flag and a view of its bytes. */
export interface TarMember {
  path: string;
  /** The raw type flag: `'0'` regular file, `'5'` directory, `'2'` symlink...; `''` for the old NUL flag. */
  typeflag: string;
  /** A view into the archive's buffer (no copy). */
  bytes: Uint8Array;
}

/**
 * Reads every member of a ustar archive, checking each header's magic and checksum, that each
 * member's data is complete, and that the archive ends with zero blocks and nothing else.
 * Throws {@link corruptArchive} errors; returns only when the whole archive is sound.
 */
export function readUstar(tar: Uint8Array, archiveName: string): TarMember[] {
  const reader = new UstarReader(archiveName);
  const members = reader.push(tar);
  reader.end();
  return members;
}

/** What {@link UstarReader} knows of a member when its header has been read, before its data. */
export interface TarHeader {
  path: string;
  typeflag: string;
  size: number;
}

/**
 * A ustar reader fed chunk by chunk, as an archive inflates: each header is checked when it
 * arrives, and `onHeader` may refuse a member (its path, its type, its size against a budget)
 * before a byte of its data is held. Zero blocks after the end of the archive are counted and
 * dropped, not kept. Members come out whole, each in its own buffer.
 */
export class UstarReader {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #offset = 0;
  #current: { path: string; typeflag: string; data: Uint8Array; filled: number; padding: number } | undefined;
  #skip = 0;
  #zeroBlocks = 0;
  #ended = false;
  #last: string | undefined;

  constructor(
    private readonly archiveName: string,
    private readonly onHeader: (header: TarHeader) => void = () => undefined,
  ) {}

  /** Feeds the next chunk of the tar stream; returns the members it completed. */
  push(chunk: Uint8Array): TarMember[] {
    const done: TarMember[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - at);
        this.#skip -= n;
        at += n;
        this.#offset += n;
        continue;
      }
      const current = this.#current;
      if (current && current.filled < current.data.length) {
        const n = Math.min(current.data.length - current.filled, chunk.length - at);
        current.data.set(chunk.subarray(at, at + n), current.filled);
        current.filled += n;
        at += n;
        this.#offset += n;
        if (current.filled === current.data.length) {
          done.push({ path: current.path, typeflag: current.typeflag, bytes: current.data });
          this.#skip = current.padding;
          this.#current = undefined;
        }
        continue;
      }
      // A header block (or, after the end, a trailing block): gather 512 bytes.
      const n = Math.min(BLOCK - this.#pendingBytes, chunk.length - at);
      this.#pending.push(chunk.subarray(at, at + n));
      this.#pendingBytes += n;
      at += n;
      if (this.#pendingBytes < BLOCK) continue;
      const block = concat(this.#pending);
      this.#pending = [];
      this.#pendingBytes = 0;
      const member = this.#block(block);
      this.#offset += BLOCK;
      if (member) done.push(member);
    }
    return done;
  }

  /** Says the stream is over: throws if it stopped inside a member or before the end-of-archive blocks. */
  end(): void {
    const fail = (what: string) => corruptArchive(this.archiveName, what);
    const after = this.#last !== undefined ? ` after member ${JSON.stringify(this.#last)}` : '';
    if (this.#current || this.#skip > 0 || this.#pendingBytes > 0) {
      if (this.#current) {
        const { path, data, filled } = this.#current;
        throw fail(`member ${JSON.stringify(path)} declares ${data.length} bytes but only ${filled} remain (truncated)`);
      }
      throw fail(`the tar data is ${this.#offset + this.#pendingBytes} bytes, not a whole number of 512-byte blocks (truncated?)`);
    }
    if (this.#zeroBlocks === 0) throw fail(`the tar data ends without the end-of-archive blocks${after} (truncated)`);
    if (this.#zeroBlocks === 1) throw fail(`the tar data ends after one of its two end-of-archive blocks${after} (truncated)`);
  }

  #block(header: Uint8Array): TarMember | undefined {
    const fail = (what: string) => corruptArchive(this.archiveName, what);
    const offset = this.#offset;
    if (this.#ended) {
      if (!isZero(header)) throw fail(`there is data after the end-of-archive blocks at byte ${offset - this.#zeroBlocks * BLOCK}`);
      this.#zeroBlocks++;
      // tar pads an archive to a whole record (10240 bytes by default); more zeros are not padding
      // but a stream of nothing (a gzip of zeros inflates a thousandfold): refuse it at once.
      if (this.#zeroBlocks * BLOCK > MAX_TRAILING_ZEROS) {
        throw fail(`it goes on with zeros after its end-of-archive blocks (more than ${MAX_TRAILING_ZEROS} bytes, where tar pads to at most one 10240-byte record)`);
      }
      return undefined;
    }
    if (isZero(header)) {
      this.#zeroBlocks++;
      if (this.#zeroBlocks === 2) this.#ended = true;
      return undefined;
    }
    if (this.#zeroBlocks === 1) throw fail(`there is data after the end-of-archive blocks at byte ${offset - BLOCK}`);
    const path = headerPath(header);
    const where = `the header of member ${JSON.stringify(path.lenient)} at byte ${offset}`;
    if (!startsWith(header, 257, 'ustar')) throw fail(`${where} is not a ustar header (no "ustar" magic)`);
    const stored = readOctal(header, 148, 8);
    if (stored === undefined || !checksumMatches(header, stored)) {
      throw fail(`${where} has a bad checksum (stored ${describeOctal(header, 148, 8)}, computed ${unsignedChecksum(header).toString(8)})`);
    }
    if (path.strict === undefined) throw fail(`${where} has a name that is not valid UTF-8`);
    if (header[124]! & 0x80) throw fail(`${where} uses a base-256 size, which geodata archives never contain`);
    const size = readOctal(header, 124, 12);
    if (size === undefined) throw fail(`${where} has an unreadable size field ${describeOctal(header, 124, 12)}`);
    const typeflag = header[156] === 0 ? '' : String.fromCharCode(header[156]!);
    // The caller's policy first: a refused member's data is never allocated.
    this.onHeader({ path: path.strict, typeflag, size });
    this.#last = path.strict;
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) {
      this.#skip = padding;
      return { path: path.strict, typeflag, bytes: new Uint8Array(0) };
    }
    this.#current = { path: path.strict, typeflag, data: new Uint8Array(size), filled: 0, padding };
    return undefined;
  }
}

/** The full path (prefix + name for POSIX ustar), decoded strictly and, for messages, leniently. */
function headerPath(header: Uint8Array): { strict: string | undefined; lenient: string } {
  const name = cString(header, 0, NAME_BYTES);
  // GNU tar's "ustar  " variant keeps other data where POSIX keeps the prefix.
  const prefix = startsWith(header, 257, 'ustar\u000000') ? cString(header, 345, PREFIX_BYTES) : new Uint8Array(0);
  const joined = prefix.length > 0 ? concat([prefix, Uint8Array.of(0x2f), name]) : name;
  let strict: string | undefined;
  try {
    strict = strictUtf8.decode(joined);
  } catch {
    strict = undefined;
  }
  return { strict, lenient: lenientUtf8.decode(joined) };
}

function cString(bytes: Uint8Array, offset: number, length: number): Uint8Array {
  const field = bytes.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return end === -1 ? field : field.subarray(0, end);
}

/** Parses an octal field: optional leading spaces, digits, then only NULs or spaces. */
function readOctal(header: Uint8Array, offset: number, length: number): number | undefined {
  const field = header.subarray(offset, offset + length);
  let i = 0;
  while (i < field.length && field[i] === 0x20) i++;
  let value = 0;
  let digits = 0;
  for (; i < field.length && field[i]! >= 0x30 && field[i]! <= 0x37; i++, digits++) value = value * 8 + field[i]! - 0x30;
  for (; i < field.length; i++) if (field[i] !== 0 && field[i] !== 0x20) return undefined;
  return digits > 0 ? value : undefined;
}

function describeOctal(header: Uint8Array, offset: number, length: number): string {
  return JSON.stringify(lenientUtf8.decode(cString(header, offset, length)).trim());
}

function unsignedChecksum(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

/** Old tar writers summed signed bytes; GNU tar accepts both, and so do we. */
function checksumMatches(header: Uint8Array, stored: number): boolean {
  if (stored === unsignedChecksum(header)) return true;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) signed += i >= 148 && i < 156 ? 0x20 : (header[i]! << 24) >> 24;
  return stored === signed;
}

function startsWith(bytes: Uint8Array, offset: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The parts one after the other, in one new array (the only part itself when there is one). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
