import { describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { PageFiles } from '../../wasm/page-files.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('the Web Worker pool’s files in the page', () => {
  it('keeps a copy of written bytes: the caller may reuse its array, and readers get their own', async () => {
    const files = new PageFiles();
    const written = bytes(1, 2, 3);
    await files.writeFile('/a/b.bin', written);
    written[0] = 9;
    const read = await files.readFile('/a/b.bin');
    expect(Array.from(read)).toEqual([1, 2, 3]);
    read[1] = 9;
    expect(Array.from(await files.readFile('/a/b.bin'))).toEqual([1, 2, 3]);
    expect(await files.size('/a/b.bin')).toBe(3);
  });

  it('makes one Blob of a file for every worker, and reads the file back from it', async () => {
    const files = new PageFiles();
    await files.writeFile('/a.bin', bytes(4, 5, 6));
    const blob = await files.blob('/a.bin');
    expect(await files.blob('/a.bin')).toBe(blob);
    expect(Array.from(new Uint8Array(await blob.arrayBuffer()))).toEqual([4, 5, 6]);
    expect(Array.from(await files.readFile('/a.bin'))).toEqual([4, 5, 6]);
    expect(await files.size('/a.bin')).toBe(3);
  });

  it('makes the Blob of a file larger than a slice with every byte in place, and copies reads of it exactly', async () => {
    const files = new PageFiles();
    const large = new Uint8Array(9 * 1024 * 1024 + 17).map((_, index) => (index * 131 + 7) % 251);
    await files.writeFile('/large.bin', large);
    // Buffer.equals: vitest's deep equality walks 9 million elements for minutes.
    expect(Buffer.from(await files.readFile('/large.bin')).equals(large)).toBe(true);
    const blob = await files.blob('/large.bin');
    expect(blob.size).toBe(large.length);
    expect(Buffer.from(await blob.arrayBuffer()).equals(large)).toBe(true);
  });

  it('gives every change a new version (a rename too: workers holding the old file at the target take it)', async () => {
    const files = new PageFiles();
    await files.writeFile('/a.bin', bytes(1));
    await files.writeFile('/b.bin', bytes(2));
    const first = await files.versions();
    await files.rename('/a.bin', '/b.bin');
    const second = await files.versions();
    expect([...second.keys()]).toEqual(['/b.bin']);
    expect(second.get('/b.bin')).toBeGreaterThan(first.get('/a.bin')!);
    expect(second.get('/b.bin')).toBeGreaterThan(first.get('/b.bin')!);
    expect(files.put('/b.bin', bytes(3))).toBeGreaterThan(second.get('/b.bin')!);
  });

  it('reads a deferred file once, when a GDAL call asks for the versions, and answers its size before', async () => {
    const files = new PageFiles();
    let reads = 0;
    files.defer('/cache/dem.tif', 4, async () => {
      reads += 1;
      return bytes(7, 7, 7, 7);
    });
    expect(await files.size('/cache/dem.tif')).toBe(4);
    await expect(files.blob('/cache/dem.tif')).rejects.toThrow(FileError);
    expect(reads).toBe(0);
    await files.versions();
    await files.versions();
    expect(reads).toBe(1);
    expect(Array.from(new Uint8Array(await (await files.blob('/cache/dem.tif')).arrayBuffer()))).toEqual([7, 7, 7, 7]);
  });

  it('has folders as GDAL’s memory file system has them: a file’s folders stay when it goes, removeTree takes all', async () => {
    const files = new PageFiles();
    await files.writeFile('/x/y/z.bin', bytes(1));
    expect(files.folders().sort()).toEqual(['/', '/x', '/x/y']);
    await files.remove('/x/y/z.bin');
    expect(await files.exists('/x/y')).toBe(true);
    await files.mkdir('/x/empty');
    await files.removeTree('/x');
    expect(files.folders()).toEqual(['/']);
    expect(await files.exists('/x/y')).toBe(false);
  });

  it('refuses what GDAL’s memory file system refuses, naming the path', async () => {
    const files = new PageFiles();
    await files.writeFile('/f.bin', bytes(1));
    await files.mkdir('/folder');
    await expect(files.readFile('/none.bin')).rejects.toThrow("cannot read /none.bin: no such file in the engine's memory file system (write it with writeFile first)");
    await expect(files.readFile('/folder')).rejects.toThrow('cannot read /folder: it is a folder');
    await expect(files.writeFile('/folder', bytes(1))).rejects.toThrow('cannot write /folder: it is a folder');
    await expect(files.writeFile('/f.bin/inner.bin', bytes(1))).rejects.toThrow('cannot write /f.bin/inner.bin: /f.bin is a file, not a folder');
    await expect(files.remove('/folder')).rejects.toThrow('cannot remove /folder: it is a folder (remove removes files)');
    await expect(files.rename('/folder', '/g')).rejects.toThrow('cannot move /folder to /g: it is a folder (rename moves files)');
    await expect(files.rename('/f.bin', '/folder')).rejects.toThrow('cannot move /f.bin to /folder: a folder has that name');
    await expect(files.mkdir('/f.bin')).rejects.toThrow('cannot create folder /f.bin: a file has that name');
  });

  it('forgets a file a worker removed, and a folder only once nothing is left in it', async () => {
    const files = new PageFiles();
    files.put('/out/a.tif', bytes(1));
    files.drop('/out/a.tif');
    expect(await files.exists('/out/a.tif')).toBe(false);
    files.put('/out/b.tif', bytes(1));
    files.dropFolder('/out');
    expect(await files.exists('/out')).toBe(true);
    files.drop('/out/b.tif');
    files.dropFolder('/out');
    expect(await files.exists('/out')).toBe(false);
  });

  it('refuses a folder or a move inside a file, and takes removing a path inside a file as a missing file', async () => {
    const files = new PageFiles();
    await files.writeFile('/f', bytes(1));
    await expect(files.mkdir('/f/sub/deeper')).rejects.toThrow(new FileError('cannot create folder /f/sub/deeper: /f is a file, not a folder', '/f/sub/deeper'));
    await expect(files.rename('/f', '/f/g')).rejects.toThrow(new FileError('cannot move /f to /f/g: /f is a file, not a folder', '/f/g'));
    await files.remove('/f/g');
    expect([await files.exists('/f'), await files.exists('/f/sub'), Array.from(await files.readFile('/f'))]).toEqual([true, false, [1]]);
  });

  it('reads a deferred file once for calls that ask at once, and again after a failed read', async () => {
    const files = new PageFiles();
    let reads = 0;
    let fail = true;
    files.defer('/d.bin', 2, async () => {
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error('the store is gone');
      return bytes(7, 8);
    });
    await expect(Promise.all([files.versions(), files.versions()])).rejects.toThrow('the store is gone');
    expect(reads).toBe(1);
    fail = false;
    await Promise.all([files.versions(), files.versions()]);
    expect(reads).toBe(2);
    expect(Array.from(await files.readFile('/d.bin'))).toEqual([7, 8]);
  });

  it('reads a deferred file renamed while it was read, once, so that no call gets it unread', async () => {
    const files = new PageFiles();
    let reads = 0;
    files.defer('/d.bin', 2, async () => {
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return bytes(7, 8);
    });
    const versions = files.versions();
    await files.rename('/d.bin', '/e.bin');
    const now = await versions;
    expect([...now.keys()]).toEqual(['/e.bin']);
    expect(Array.from(new Uint8Array(await (await files.blob('/e.bin')).arrayBuffer()))).toEqual([7, 8]);
    expect(reads).toBe(1);
  });

  it('keeps the text of a VRT when it becomes a Blob, for the files it names', async () => {
    const files = new PageFiles();
    const xml = '<VRTDataset><SourceFilename relativeToVRT="1">a.tif</SourceFilename></VRTDataset>';
    await files.writeFile('/v/m.vrt', new TextEncoder().encode(xml));
    await files.writeFile('/v/m.txt', new TextEncoder().encode(xml));
    expect([files.vrtText('/v/m.vrt'), files.vrtText('/v/m.txt'), files.vrtText('/v/none.vrt')]).toEqual([xml, undefined, undefined]);
    await files.blob('/v/m.vrt');
    expect(files.vrtText('/v/m.vrt')).toBe(xml);
    await files.rename('/v/m.vrt', '/w/m.VRT');
    expect(files.vrtText('/w/m.VRT')).toBe(xml);
  });
});
