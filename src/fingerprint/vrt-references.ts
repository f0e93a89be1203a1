/**
 * The files a GDAL VRT makes GDAL read: the sources of its bands, overviews and masks
 * (`<SourceFilename>`), of a warped VRT (`<SourceDataset>`), and of an OGR VRT's layers
 * (`<SrcDataSource>`). A VRT is a few lines of XML naming other files, so its own bytes say
 * nothing about theirs: an input hasher follows these references to fingerprint them too.
 */

/** One file named in a VRT, as written there. */
export interface VrtReference {
  /** The file name as written (XML entities decoded). */
  path: string;
  /**
   * Whether it is relative to the VRT's folder: `relativeToVRT="1"` on a relative name. GDAL keeps
   * an absolute name as it is whatever the attribute says, `/vsizip/arch.zip/a.tif` too (whose
   * archive is then found from the working directory).
   */
  relativeToVrt: boolean;
}

// GDAL looks up VRT element and attribute names case-insensitively: `<sourcefilename
// RELATIVETOVRT="1">` opens as the usual spelling does, so it must be followed the same way.
const ELEMENTS = /<(SourceFilename|SourceDataset|SrcDataSource)\b([^>]*)>([^<]*)<\/\1\s*>/gi;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The file references of a VRT's XML text, in document order, each once.
 * @example vrtReferences('<SourceFilename relativeToVRT="1">a.tif</SourceFilename>') // [{ path: 'a.tif', relativeToVrt: true }]
 */
export function vrtReferences(xml: string): VrtReference[] {
  const found = new Map<string, VrtReference>();
  for (const [, , attributes, text] of xml.matchAll(ELEMENTS)) {
    const path = decodeEntities(text!.trim());
    if (!path) continue;
    const relativeToVrt = /\brelativeToVRT\s*=\s*["']1["']/i.test(attributes!) && !/^([\\/]|[A-Za-z]:)/.test(path);
    found.set(`${relativeToVrt}\u0000${path}`, { path, relativeToVrt });
  }
  return [...found.values()];
}

/**
 * The local file a reference names, for the GDAL virtual file systems that read a local file (the
 * archive of `/vsizip/`, `/vsitar/`, `/vsigzip/`, `/vsi7z/`, `/vsirar/`); undefined for a remote
 * one (`/vsicurl/`, `/vsis3/`...) or a connection string (`PG:…`), which no hash can cover.
 * @example localFileOf('/vsizip/tiles.zip/a.tif') // 'tiles.zip'
 */
export function localFileOf(path: string): string | undefined {
  const archive = /^\/vsi(zip|tar|gzip|7z|rar)\/(.+)$/i.exec(path);
  if (archive) {
    const inner = archive[2]!;
    if (archive[1]!.toLowerCase() === 'gzip') return inner;
    // The archive is the first part of the path whose name is an archive's.
    const match = /^(.*?\.(zip|kmz|tar|tgz|tar\.gz|7z|rar))(?=\/|$)/i.exec(inner);
    return match ? match[1] : undefined;
  }
  if (/^\/vsi/i.test(path) || /^[A-Za-z][A-Za-z0-9_]+:/.test(path)) return undefined;
  return path;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}
