// Errors of the library's own writes that say what happened: a full disk names the path, a
// read-only place says "read-only". Real file systems: a tiny tmpfs, a read-only tmpfs and an
// immutable folder, which need root (mount, chattr); the tests skip with a message otherwise.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Data, SpatialSpec, getConfig, load, register } from '../../src/node.js';
import { fsStore } from '../../src/store/node.js';
import { nodePlatform } from '../../src/node/platform-node.js';
import { createNodeEngine, createPoolEngine } from '../../wasm/node.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 2], shape: [2, 2] });

/** Returns 200 kB from _process: the library writes them to staging itself. */
class TwoHundredKilobytes extends Data {
  override get ext() {
    return 'bin';
  }
  async _process() {
    return new Uint8Array(200_000);
  }
}
register(TwoHundredKilobytes);

const scratch = mkdtempSync(join(tmpdir(), 'geodata-disk-errors-'));
const full = join(scratch, 'full');
const readOnly = join(scratch, 'read-only');
const mounted: string[] = [];

/** Whether this process may mount file systems and set attributes (root in a container that allows it). */
function canMount(): boolean {
  try {
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full], { stdio: 'ignore' });
    mounted.push(full);
    mkdirSync(readOnly);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', readOnly], { stdio: 'ignore' });
    mounted.push(readOnly);
    mkdirSync(join(readOnly, 'cache'));
    execFileSync('mount', ['-o', 'remount,ro', readOnly], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const MOUNTS = process.getuid?.() === 0 && canMount();
if (!MOUNTS) console.warn('disk-errors.test.ts: skipped: mounting a tmpfs needs root (with CAP_SYS_ADMIN); run as root to test full and read-only disks');

afterAll(() => {
  for (const folder of mounted.reverse()) execFileSync('umount', [folder], { stdio: 'ignore' });
  rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(!MOUNTS)('errors of full and read-only disks', () => {
  let saved: ReturnType<ReturnType<typeof getConfig>['snapshot']>;
  beforeAll(() => {
    saved = getConfig().snapshot();
  });
  afterAll(() => getConfig().restore(saved));

  it('a full disk: the error names the staging file and says the disk is full, and leaves no partial file', async () => {
    getConfig().update({ root: full });
    const error = (await load(new TwoHundredKilobytes(), SPEC).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(
      new RegExp(
        `^computing TwoHundredKilobytes for SpatialSpec\\(.*\\) failed: cannot write ${full}/\\.staging/[^ ]+/two_hundred_kilobytes\\.bin: the disk is full \\(ENOSPC\\); free space \\(for example with geodata clean-cache\\) or choose a cache root on a larger disk; no entry was written$`,
      ),
    );
    expect(execFileSync('find', [full, '-type', 'f'], { encoding: 'utf8' })).toBe('');
  });

  it.each([
    ['the in-thread engine', () => createNodeEngine()],
    ['the pool', () => createPoolEngine({ workers: 1 })],
  ])('a GDAL write on a full disk says the disk is full, not only "Write error" (%s)', async (_, makeEngine) => {
    // 300x300 Float32: 360 kB, more than the 64 kB disk holds.
    const grid = join(scratch, 'grid.asc');
    writeFileSync(grid, `ncols 300\nnrows 300\nxllcorner 0\nyllcorner 0\ncellsize 1\n${Array.from({ length: 300 }, (_, row) => Array.from({ length: 300 }, (_, column) => (row * column) / 7).join(' ')).join('\n')}\n`);
    const engine = makeEngine();
    try {
      const error = (await engine.translate(grid, join(full, 'out.tif'), ['-ot', 'Float32']).catch((e: Error) => e)) as Error;
      expect(error.name).toBe('GdalError');
      expect(error.message).toMatch(new RegExp(`^translate failed for ${full}/out\\.tif: the disk holding ${full}/out\\.tif is full \\(ENOSPC\\); free space, or write to a larger disk \\(GDAL: TIFFAppendToStrip:Write error at scanline \\d+.*\\)$`));
    } finally {
      await engine.close();
    }
    expect(execFileSync('find', [full, '-type', 'f'], { encoding: 'utf8' })).toBe('');
  });

  it('a read-only mount says read-only, not "ENOENT ... mkdir"', async () => {
    getConfig().update({ root: join(readOnly, 'cache') });
    const error = (await load(new TwoHundredKilobytes(), SPEC).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(new RegExp(`; ${readOnly}/cache is on a read-only file system \\(EROFS\\); choose a cache root on a writable disk$`));
  });

  it('an immutable entry folder says read-only, not "a key cannot be both a file and a folder"', async () => {
    const root = join(scratch, 'immutable');
    const store = fsStore({ root });
    await store.set('data_processed/ab12/meta.json', new Uint8Array([1]));
    execFileSync('chattr', ['+i', join(root, 'data_processed', 'ab12')]);
    try {
      const error = (await store.set('data_processed/ab12/spec.json', new Uint8Array([2])).catch((e: Error) => e)) as Error;
      expect(error.message).toMatch(new RegExp(`could not write "data_processed/ab12/spec\\.json": .*; ${root}/data_processed/ab12 is read-only \\(EPERM: immutable, or locked by the system\\); make it writable \\(chattr -i\\) or choose another cache root$`));
    } finally {
      execFileSync('chattr', ['-i', join(root, 'data_processed', 'ab12')]);
    }
  });
});

// /dev/full answers every write with ENOSPC: a full disk without mounting anything.
describe.skipIf(process.platform !== 'linux')('a full disk under the positioned writes of compressed GeoTIFFs', () => {
  it('names the file and says the disk is full, not a bare "ENOSPC: no space left on device, write"', async () => {
    const file = await nodePlatform.workspace().openFile!('/dev/full', 'w');
    try {
      const error = (await file.write(0, new Uint8Array(4096)).catch((e: Error) => e)) as Error;
      expect(error.message).toBe('cannot write /dev/full: the disk is full (ENOSPC); free space (for example with geodata clean-cache) or choose a cache root on a larger disk');
    } finally {
      await file.close();
    }
  });
});

describe('a name longer than the file system allows', () => {
  it('names the file and says to shorten the class name its output is named after, not a bare "ENAMETOOLONG"', async () => {
    const path = join(scratch, `${'long_'.repeat(60)}name.bin`);
    const error = (await nodePlatform.workspace().writeFile(path, new Uint8Array(1)).catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      `cannot write ${path}: its name is longer than the file system allows (ENAMETOOLONG, usually 255 bytes a name); an output is named after its class, so give the class a shorter name (or choose a shorter cache root)`,
    );
  });
});
