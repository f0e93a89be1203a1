import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, FileError, GdalError } from '../../src/errors.js';
import { createMemoryEngine, nodeGdalModule } from '../../wasm/node.js';
import { HAS_DATA, NO_DATA_REASON, readTiffBytes, sample } from './fixtures.js';

describe.skipIf(!HAS_DATA)(`the memory engine in Node${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const engine = createMemoryEngine({ module: nodeGdalModule });
  afterAll(() => engine.close());

  it('writes bytes, reads their info, warps in memory and returns the result as bytes', async () => {
    expect(engine.fs.kind).toBe('memory');
    await engine.fs.writeFile('/inputs/elev.tif', new Uint8Array(readFileSync(sample('elev.tif'))));
    const info = await engine.info('/inputs/elev.tif');
    expect(info.description).toBe('/inputs/elev.tif');
    expect(info.size).toEqual([95, 90]);

    await engine.fs.mkdir('/outputs');
    await engine.warp(['/inputs/elev.tif'], '/outputs/elev-3035.tif', ['-t_srs', 'EPSG:3035', '-tr', '1000', '1000', '-r', 'bilinear']);
    const bytes = await engine.fs.readFile('/outputs/elev-3035.tif');
    const raster = await readTiffBytes(bytes);
    expect([raster.width, raster.height]).toEqual([61, 86]);
    expect(raster.noData).toBe(-32768);
    const valid = Array.from(raster.values).filter((value) => value !== -32768);
    expect(Math.min(...valid)).toBeGreaterThanOrEqual(141);
    expect(Math.max(...valid)).toBeLessThanOrEqual(547);
  });

  it('keeps its files apart from the host: a host path is not visible in memory', async () => {
    expect(await engine.fs.exists(sample('elev.tif'))).toBe(false);
    await expect(engine.info(sample('elev.tif'))).rejects.toThrow(FileError);
  });

  it('removes files, and a missing file is not an error', async () => {
    await engine.fs.writeFile('tmp/a.bin', new Uint8Array([1, 2, 3]));
    expect(await engine.fs.exists('/tmp/a.bin')).toBe(true);
    expect(Array.from(await engine.fs.readFile('/tmp/a.bin'))).toEqual([1, 2, 3]);
    await engine.fs.remove('/tmp/a.bin');
    expect(await engine.fs.exists('/tmp/a.bin')).toBe(false);
    await engine.fs.remove('/tmp/a.bin');
  });

  it('measures a file without reading it, and renames one in a step, replacing the file there', async () => {
    await engine.fs.writeFile('/moves/part.bin', new Uint8Array([1, 2, 3, 4]));
    await engine.fs.writeFile('/moves/final.bin', new Uint8Array([9]));
    expect([await engine.fs.size('/moves/part.bin'), await engine.fs.size('/moves/final.bin'), await engine.fs.size('/moves/none.bin'), await engine.fs.size('/moves')]).toEqual([4, 1, undefined, undefined]);
    await engine.fs.rename('/moves/part.bin', '/moves/final.bin');
    expect(await engine.fs.exists('/moves/part.bin')).toBe(false);
    expect(Array.from(await engine.fs.readFile('/moves/final.bin'))).toEqual([1, 2, 3, 4]);
    expect(await engine.fs.size('/moves/final.bin')).toBe(4);
    // Into a folder that does not exist yet; a missing source is a FileError naming it.
    await engine.fs.rename('/moves/final.bin', '/moved/deeper/final.bin');
    expect(Array.from(await engine.fs.readFile('/moved/deeper/final.bin'))).toEqual([1, 2, 3, 4]);
    await expect(engine.fs.rename('/moves/gone.bin', '/moves/x.bin')).rejects.toThrow(new FileError("cannot move /moves/gone.bin to /moves/x.bin: no such file in the engine's memory file system", '/moves/gone.bin'));
  });

  it("keeps file methods on GDAL's own namespaces inside them: /vsimem/../usr does not remove gdal3.js's PROJ database", async () => {
    await engine.fs.removeTree('/vsimem/../usr');
    await engine.fs.writeFile('/vsimem/../escaped.txt', new Uint8Array([7]));
    expect(await engine.fs.exists('/vsimem/escaped.txt')).toBe(true);
    // PROJ reads its database from /usr/share/proj: still there.
    expect((await engine.crsInfo('EPSG:3035')).proj4).toMatch(/^\+proj=laea /);
  });

  it('writes the bytes it was given, though the caller changes its array before the write is awaited', async () => {
    const fresh = createMemoryEngine({ module: nodeGdalModule });
    try {
      // Before gdal3.js is loaded, and once it is.
      for (const path of ['/early.txt', '/late.txt']) {
        const bytes = new Uint8Array([97, 98, 99]);
        const written = fresh.fs.writeFile(path, bytes);
        bytes[0] = 122;
        await written;
        bytes[1] = 122;
        expect(new TextDecoder().decode(await fresh.fs.readFile(path)), path).toBe('abc');
      }
    } finally {
      await fresh.close();
    }
  });

  it('refuses paths inside a file with a FileError naming the file, as the Web Worker pool does', async () => {
    await engine.fs.writeFile('/inside/f', new Uint8Array([1]));
    const refused = async (call: Promise<unknown>) => call.then(() => 'ok', (error: Error) => `${error.name}: ${error.message}`);
    expect(await refused(engine.fs.writeFile('/inside/f/g', new Uint8Array([2])))).toBe('FileError: cannot write /inside/f/g: /inside/f is a file, not a folder');
    expect(await refused(engine.fs.mkdir('/inside/f/sub/deeper'))).toBe('FileError: cannot create folder /inside/f/sub/deeper: /inside/f is a file, not a folder');
    expect(await refused(engine.fs.rename('/inside/f', '/inside/f/h'))).toBe('FileError: cannot move /inside/f to /inside/f/h: /inside/f is a file, not a folder');
    expect(Array.from(await engine.fs.readFile('/inside/f'))).toEqual([1]);
  });

  it('names the file in errors: reading a missing file, opening bytes that are not a raster', async () => {
    await expect(engine.fs.readFile('/nowhere.tif')).rejects.toThrow(
      "cannot read /nowhere.tif: no such file in the engine's memory file system (write it with writeFile first)",
    );
    await engine.fs.writeFile('/junk.tif', new TextEncoder().encode('not a tiff'));
    const error = await engine.info('/junk.tif').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GdalError);
    expect((error as GdalError).message).toMatch(/^cannot open \/junk\.tif for info: /);
    expect((error as GdalError).message).not.toContain('/mem/');
  });

  it('refuses to start without a module in Node, explaining what to pass', () => {
    expect(() => createMemoryEngine()).toThrow(ConfigError);
    expect(() => createMemoryEngine()).toThrow(/nodeGdalModule/);
  });
});
