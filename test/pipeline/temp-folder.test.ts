// The process's temporary folder is made on first use (every computation records its reads
// there), so this file sets TMPDIR before anything in its worker has asked for it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Data, SpatialSpec, load, register } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 2], shape: [2, 2] });

class TempFolderBytes extends Data {
  override get ext() {
    return 'bin';
  }
  async _process() {
    return new Uint8Array([1, 2, 3]);
  }
}
register(TempFolderBytes);

describe('a temporary folder (TMPDIR) that cannot be used', () => {
  const cache = useTempCache();
  const saved = process.env.TMPDIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  });

  it('fails naming the folder, TMPDIR and the fix, not a bare "ENOTDIR ..., mkdtemp"; the next run with a usable one computes', async () => {
    const notAFolder = join(cache.root, 'a-file');
    writeFileSync(notAFolder, 'x');
    process.env.TMPDIR = notAFolder;
    const error = (await load(new TempFolderBytes(), SPEC).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^computing TempFolderBytes for SpatialSpec\\(.*\\) failed: cannot create geodata's temporary folder in ${notAFolder} \\(the system's temporary folder, from TMPDIR\\): it is not a folder; set TMPDIR to a writable folder; no entry was written$`,
      ),
    );
    process.env.TMPDIR = saved ?? '/tmp';
    expect(Array.from((await load(new TempFolderBytes(), SPEC)) as Uint8Array)).toEqual([1, 2, 3]);
  });
});
