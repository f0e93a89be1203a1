/** The file formats geodata tells apart by their first bytes. */
export type SniffedFormat = 'gtiff' | 'netcdf3' | 'hdf5' | 'hdf4' | 'other';

/** How many leading bytes `sniffFormat` needs (HDF5 superblocks may sit at 0, 512, 1024 or 2048). */
export const SNIFF_BYTES = 2048 + 8;

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const HDF4_SIGNATURE = [0x0e, 0x03, 0x13, 0x01];

/**
 * The format of a file from its first bytes: TIFF/BigTIFF (`II*`, `MM*`, `II+`, `MM+`), netCDF-3
 * (`CDF` 1, 2 or 5), HDF5 (netCDF-4 too; the signature at 0 or a power of two from 512), HDF4.
 * @example sniffFormat(await read(path, 0, SNIFF_BYTES)) // 'hdf5'
 */
export function sniffFormat(head: Uint8Array): SniffedFormat {
  if (head.length >= 4 && ((head[0] === 0x49 && head[1] === 0x49 && (head[2] === 42 || head[2] === 43) && head[3] === 0) || (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && (head[3] === 42 || head[3] === 43)))) {
    return 'gtiff';
  }
  if (head.length >= 4 && head[0] === 0x43 && head[1] === 0x44 && head[2] === 0x46 && [1, 2, 5].includes(head[3]!)) return 'netcdf3';
  for (const offset of [0, 512, 1024, 2048]) if (matches(head, HDF5_SIGNATURE, offset)) return 'hdf5';
  if (matches(head, HDF4_SIGNATURE, 0)) return 'hdf4';
  return 'other';
}

function matches(bytes: Uint8Array, signature: number[], offset: number): boolean {
  return bytes.length >= offset + signature.length && signature.every((byte, index) => bytes[offset + index] === byte);
}
