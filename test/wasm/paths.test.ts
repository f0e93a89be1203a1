import { describe, expect, it } from 'vitest';
import { mapGdalPath, normalizePosixPath, parentPosixPath, stripMountPrefix } from '../../wasm/paths.js';

const toMem = (file: string) => `/mem${normalizePosixPath(file)}`;

describe('engine path helpers', () => {
  it('normalises POSIX paths against the root', () => {
    expect(normalizePosixPath('data//a/../b.tif')).toBe('/data/b.tif');
    expect(normalizePosixPath('/x/./y/')).toBe('/x/y');
    expect(normalizePosixPath('../..')).toBe('/');
    expect(parentPosixPath('/x/y.tif')).toBe('/x');
    expect(parentPosixPath('/y.tif')).toBe('/');
  });

  it('maps the file inside archive paths and leaves other GDAL virtual paths alone', () => {
    expect(mapGdalPath('a/b.tif', toMem)).toBe('/mem/a/b.tif');
    expect(mapGdalPath('/vsizip/data/a.zip/b.tif', toMem)).toBe('/vsizip//mem/data/a.zip/b.tif');
    expect(mapGdalPath('/vsizip/{/data/a b.zip}/b.tif', toMem)).toBe('/vsizip/{/mem/data/a b.zip}/b.tif');
    expect(mapGdalPath('/vsimem/x.tif', toMem)).toBe('/vsimem/x.tif');
    expect(mapGdalPath('/vsicurl/https://example.org/x.tif', toMem)).toBe('/vsicurl/https://example.org/x.tif');
  });

  it('removes a mount prefix only where a path starts', () => {
    expect(stripMountPrefix("Attempt to create new tiff file `/mem/o/x.tif' failed", '/mem')).toBe("Attempt to create new tiff file `/o/x.tif' failed");
    expect(stripMountPrefix('{"description":"/host/usr/x.tif"}', '/host')).toBe('{"description":"/usr/x.tif"}');
    expect(stripMountPrefix('/vsizip//mem/a.zip', '/mem')).toBe('/vsizip//a.zip');
    expect(stripMountPrefix('/srv/mem/a.tif and /memory/b.tif', '/mem')).toBe('/srv/mem/a.tif and /memory/b.tif');
    expect(stripMountPrefix('/mem/mem/a.tif', '/mem')).toBe('/mem/a.tif');
  });
});
