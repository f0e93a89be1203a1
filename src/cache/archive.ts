import { InvalidInputError, describeValue } from '../errors.js';
import { keySegments } from '../store/key.js';
import { getLimits, describeBytes } from '../limits.js';
import { gunzipStream, gzipChunks } from './archive-gzip.js';
import { UstarReader, ustarChunks, ustarMemberProblem, type TarMember } from './archive-tar.js';

/**
 * The export/import archive: one `.tar.gz` holding a manifest and store entries at their keys,
 * so a cache selection moves between machines and between Node and the browser. This is the
 * format layer only; choosing entries and writing them to a store happen above it.
 *
 * Layout: the first member is {@link MANIFEST_NAME} (pretty JSON with `format_version` and
 * `created_at`), then every file at its store key, in the order given. Plain POSIX ustar, so
 * `tar -xzf` can open it too.
 */

/** The manifest's member name; never a store key (the store has no top-level files). */
export const MANIFEST_NAME = 'geodata-export.json';

/** The archive format this version writes and reads. */
export const ARCHIVE_FORMAT_VERSION = 1;

/**
 * The largest file an archive carries: archives are packed and unpacked in memory, a file's
 * bytes in one array, and a store (Node's readFile) reads at most 2 GiB - 1 at once.
 */
export const MAX_ARCHIVE_FILE_BYTES = 2 ** 31 - 1;

/** A store entry file inside an archive: its store key and bytes. */
export interface ArchiveFile {
  key: string;
  bytes: Uint8Array;
}

/** What {@link unpackArchive} returns once the whole archive has been checked. */
export interface UnpackedArchive {
  /** The manifest, including `format_version` and `created_at`. */
  manifest: Record<string, unknown>;
  /** The files in archive order; `bytes` are views into one shared buffer (no per-file copy). */
  files: ArchiveFile[];
}

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a named pipe (FIFO)',
  x: 'a PAX extended header',
  g: 'a PAX global header',
  L: 'a GNU long-name record',
  K: 'a GNU long-link record',
};
const UNSAFE_TYPES = new Set(['1', '2', '3', '4', '6']);
const FILE_TYPES = new Set(['0', '', '7']);
const DIRECTORY_TYPE = '5';

/**
 * Packs `files` and `manifest` into a gzip'd tar. The manifest gets `format_version: 1` and, when
 * it has none, `created_at` (now, ISO 8601). Every member's mtime is `created_at`, so the same
 * files and manifest (with its `created_at`) give the same bytes. Throws InvalidInputError for
 * a key the store would refuse, a duplicate key, a key that is also another key's folder, or a
 * manifest that is not a JSON object.
 * @example
 * const gz = await packArchive(
 *   [{ key: 'data_processed/ab12/elevation_loader.tif', bytes: tif }],
 *   { entries: ['ab12'], created_at: '2025-01-31T12:00:00.000Z' },
 * );
 */
export async function packArchive(files: ArchiveFile[], manifest: Record<string, unknown>): Promise<Uint8Array> {
  if (!Array.isArray(files)) throw new InvalidInputError(`packArchive: files must be an array of { key, bytes }, got ${describeValue(files)}`);
  const complete = completeManifest(manifest);
  for (const file of files) {
    if (!(file?.bytes instanceof Uint8Array)) {
      throw new InvalidInputError(`packArchive: the bytes of ${JSON.stringify(file?.key)} must be a Uint8Array, got ${describeValue(file?.bytes)}`);
    }
  }
  checkKeys(
    files.map((file) => file.key),
    (key, problem) => new InvalidInputError(`packArchive: cannot export key ${JSON.stringify(key)}: ${problem}`),
  );
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(complete, null, 2)}\n`);
  const members = [{ path: MANIFEST_NAME, bytes: manifestBytes }, ...files.map((file) => ({ path: file.key, bytes: file.bytes }))];
  for (const member of members) {
    const problem = ustarMemberProblem(member);
    if (problem) throw new InvalidInputError(`packArchive: cannot export key ${JSON.stringify(member.path)}: ${problem}`);
  }
  const mtimeSeconds = Math.max(0, Math.floor(Date.parse(complete.created_at as string) / 1000));
  return gzipChunks(ustarChunks(members, mtimeSeconds));
}

/**
 * Unpacks an archive made by {@link packArchive}, checking all of it before returning anything,
 * so a caller that writes only after this resolves never imports half an archive. `name` (a file
 * name, for messages) defaults to `archive`. The archive inflates as a stream, each member's
 * header checked as it arrives, and it is refused (an {@link ArchiveTooLargeError}) as soon as
 * it passes `maxBytes` (default: `limits.archiveBytes`), so memory stays within that budget.
 *
 * Throws InvalidInputError when the data is not gzip, is damaged or truncated, has a bad tar
 * checksum; when a member is a link, device or FIFO, or its path is absolute, has `..`, `.` or
 * empty segments, backslashes or NUL, or is not a valid store key; when two members share a
 * path; when the manifest is missing, not a JSON object, or has a `format_version` other than 1.
 * Directory members are ignored.
 * @example
 * const { manifest, files } = await unpackArchive(bytes, 'cache-export.tar.gz');
 * await store.setMany(files.map((f) => [f.key, f.bytes] as const));
 */
export async function unpackArchive(bytes: Uint8Array, name = 'archive', options: UnpackOptions = {}): Promise<UnpackedArchive> {
  if (!(bytes instanceof Uint8Array)) throw new InvalidInputError(`archive ${name}: expected the archive's bytes as a Uint8Array, got ${describeValue(bytes)}`);
  const budget = options.maxBytes ?? getLimits().archiveBytes;
  const tooLarge = (what: string) =>
    new ArchiveTooLargeError(
      `archive ${name} is too large to import: ${what}, over the budget of ${describeBytes(budget)}; nothing was imported. ` +
        `If you trust it, raise the budget (geodata import --max-size, or getConfig().update({ limits: { archiveBytes } }))`,
    );
  let inflated = 0;
  let held = 0;
  let files = 0;
  const regular: TarMember[] = [];
  // Each header is judged as it inflates: a member that is no regular file, has an unsafe path,
  // or would pass the budget is refused before its data is held; the manifest must come first.
  const reader = new UstarReader(name, (header) => {
    const kind = memberKind(header, name);
    checkMemberPath(kind === 'directory' ? header.path.replace(/\/$/, '') : header.path, name);
    if (kind === 'file' && files++ === 0 && header.path !== MANIFEST_NAME) {
      throw new InvalidInputError(
        `archive ${name} is not a geodata export: ${MANIFEST_NAME} is not the first member (the first is ${JSON.stringify(header.path)}); only archives made by geodata's export can be imported`,
      );
    }
    if (header.size > MAX_ARCHIVE_FILE_BYTES) {
      throw new InvalidInputError(
        `archive ${name} has a member ${JSON.stringify(header.path)} of ${describeBytes(header.size)}, and geodata archives hold files of at most ${describeBytes(MAX_ARCHIVE_FILE_BYTES)}; it was not made by geodata's export, or was altered; nothing was imported`,
      );
    }
    held += header.size;
    if (held > budget) throw tooLarge(`its members declare ${describeBytes(held)} so far (member ${JSON.stringify(header.path)})`);
  });
  await gunzipStream(bytes, name, (chunk) => {
    // Headers first: a member that declares too much is named; the data it would hold is never allocated.
    for (const member of reader.push(chunk)) if (memberKind(member, name) === 'file') regular.push(member);
    inflated += chunk.length;
    if (inflated > budget) throw tooLarge(`it inflates to more than ${describeBytes(inflated)}`);
  });
  reader.end();
  const [first, ...rest] = regular;
  if (first?.path !== MANIFEST_NAME) {
    throw new InvalidInputError(`archive ${name} is not a geodata export: ${MANIFEST_NAME} is missing; only archives made by geodata's export can be imported`);
  }
  checkKeys(
    rest.map((member) => member.path),
    (key, problem) => new InvalidInputError(`archive ${name} has a member ${JSON.stringify(key)} that cannot be imported: ${problem}`),
  );
  return { manifest: readManifest(first.bytes, name), files: rest.map((member) => ({ key: member.path, bytes: member.bytes })) };
}

/** Options of {@link unpackArchive}. */
export interface UnpackOptions {
  /** The most bytes the archive may inflate to; default `limits.archiveBytes` (see `Limits`). */
  maxBytes?: number;
}

/** Thrown when an archive inflates beyond its budget (see `Limits.archiveBytes`). */
export class ArchiveTooLargeError extends InvalidInputError {
  override name = 'ArchiveTooLargeError';
}

function completeManifest(manifest: Record<string, unknown>): Record<string, unknown> {
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) {
    throw new InvalidInputError(`packArchive: the manifest must be a plain object, got ${describeValue(manifest)}`);
  }
  const { format_version: version = ARCHIVE_FORMAT_VERSION, created_at: createdAt = new Date().toISOString(), ...rest } = manifest;
  if (version !== ARCHIVE_FORMAT_VERSION) {
    throw new InvalidInputError(`packArchive: manifest format_version is ${describeValue(version)}, but this version of geodata writes ${ARCHIVE_FORMAT_VERSION}; leave it out`);
  }
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) {
    throw new InvalidInputError(`packArchive: manifest created_at must be a date string such as "2025-01-31T12:00:00.000Z", got ${describeValue(createdAt)}`);
  }
  const complete = { format_version: version, created_at: createdAt, ...rest };
  try {
    JSON.stringify(complete);
  } catch (error) {
    throw new InvalidInputError(`packArchive: the manifest cannot be written as JSON (${(error as Error).message}); use plain objects, arrays, strings, numbers and booleans`);
  }
  return complete;
}

/** Classifies a member by type; throws for links, devices, FIFOs and every header geodata never writes. */
function memberKind(member: Pick<TarMember, 'path' | 'typeflag'>, archiveName: string): 'file' | 'directory' {
  if (FILE_TYPES.has(member.typeflag)) return member.path.endsWith('/') ? 'directory' : 'file'; // pre-POSIX directories
  if (member.typeflag === DIRECTORY_TYPE) return 'directory';
  const what = TYPE_NAMES[member.typeflag] ?? `a member of type ${JSON.stringify(member.typeflag)}`;
  if (UNSAFE_TYPES.has(member.typeflag)) {
    throw new InvalidInputError(
      `archive ${archiveName} has an unsafe member ${JSON.stringify(member.path)}: it is ${what}, and geodata imports only regular files; the archive was not made by geodata's export or was altered`,
    );
  }
  throw new InvalidInputError(
    `archive ${archiveName} has an unsupported member ${JSON.stringify(member.path)}: it is ${what}, and geodata archives are plain ustar; create the archive with geodata's export`,
  );
}

/** Refuses paths that could land outside the store when written: named "unsafe" in the message. */
function checkMemberPath(path: string, archiveName: string): void {
  const segments = path.split('/');
  const problem =
    path === '' ? 'it is empty'
    : path.startsWith('/') || /^[A-Za-z]:/.test(path) ? 'it is absolute'
    : path.includes('\\') ? 'it contains a backslash'
    : path.includes('\0') ? 'it contains a NUL character'
    : segments.includes('..') ? 'it has a ".." segment'
    : segments.includes('.') ? 'it has a "." segment'
    : segments.includes('') ? 'it has an empty segment'
    : undefined;
  if (problem) {
    throw new InvalidInputError(
      `archive ${archiveName} has an unsafe path ${JSON.stringify(path)}: ${problem}; members must be relative store keys such as "data_processed/<hash>/meta.json"`,
    );
  }
}

/**
 * Checks keys as a store would take them, all before anything is written: valid store keys, no
 * duplicate, not the manifest's name, and no key that is also the folder of another key (the
 * fs store could not hold both).
 */
function checkKeys(keys: string[], error: (key: string, problem: string) => InvalidInputError): void {
  const seen = new Set<string>();
  const folders = new Set<string>();
  for (const key of keys) {
    try {
      keySegments(key, 'import');
    } catch (cause) {
      throw error(key, `the store refuses it (${(cause as Error).message})`);
    }
    if (key === MANIFEST_NAME) throw error(key, `${MANIFEST_NAME} is the manifest's name`);
    if (seen.has(key)) throw error(key, 'it appears twice');
    seen.add(key);
    for (let slash = key.indexOf('/'); slash !== -1; slash = key.indexOf('/', slash + 1)) folders.add(key.slice(0, slash));
  }
  for (const key of keys) {
    if (folders.has(key)) throw error(key, 'it is a file, and also the folder of another key');
  }
}

function readManifest(bytes: Uint8Array, archiveName: string): Record<string, unknown> {
  const invalid = (what: string) => new InvalidInputError(`archive ${archiveName} has an invalid ${MANIFEST_NAME}: ${what}; export the entries again`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw invalid(`it is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) throw invalid(`it holds ${describeValue(manifest)}, not an object`);
  const version = (manifest as Record<string, unknown>).format_version;
  if (version === undefined) throw invalid('it has no format_version');
  if (version !== ARCHIVE_FORMAT_VERSION) {
    const newer = typeof version === 'number' && version > ARCHIVE_FORMAT_VERSION;
    throw new InvalidInputError(
      `archive ${archiveName} has format_version ${describeValue(version)}, and this version of geodata reads only format_version ${ARCHIVE_FORMAT_VERSION}` +
        (newer ? '; upgrade geodata to import it' : '; the manifest is damaged, export the entries again'),
    );
  }
  return manifest as Record<string, unknown>;
}
