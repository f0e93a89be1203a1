import { open } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Data, PipelineError, SpatialSpec, fsStore, getConfig, load, process, register } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [2, 3] });

/** 4.4 GB, past both the 2 GiB of fs.readFile and the 4 GiB of 32-bit sizes: a sparse file, so writing it costs nothing. */
const SIZE = 4_400_000_000;
/** SHA-256 of that file: "geodata!", zeros, "!geodata" (computed once with Python's hashlib). */
const SHA256 = '42b502ec6ca87b83a2b7aa6b70503c7fe8a393df53f8d609f245edb4fb017f81';

class Huge extends Data {
  override get ext() {
    return 'bin';
  }
  async _process(spec: SpatialSpec) {
    const file = await open(this.ensureProcessedPath(spec), 'w');
    try {
      await file.write(new TextEncoder().encode('geodata!'), 0, 8, 0);
      await file.write(new TextEncoder().encode('!geodata'), 0, 8, SIZE - 8);
    } finally {
      await file.close();
    }
  }
}
register(Huge);

describe('outputs larger than memory', () => {
  const cache = useTempCache();

  it('commits a 4.4 GB output with its size and checksum, in memory that does not grow with it, and checks it on a hit', async () => {
    getConfig().update({ spec: SPEC });
    const before = process_rss();
    const entry = await process(new Huge());
    expect(entry.computed).toBe(true);
    expect(entry.meta.output).toEqual({ file: 'huge.bin', size: SIZE, sha256: SHA256 });
    // A fresh store object has verified nothing yet: the hit hashes the file again, in pieces.
    getConfig().update({ store: fsStore({ root: cache.root }) });
    const hit = await process(new Huge());
    expect(hit.computed).toBe(false);
    expect(process_rss() - before).toBeLessThan(512 * 1024 * 1024);
    const error = await load(new Huge()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as Error).message).toMatch(/^output huge\.bin of Huge \([0-9a-f]{12}\) is 4\.1 GiB, more than load\(\) reads into memory \(2 GiB\); read it by window instead/);
  }, 300_000);
});

/** The peak resident set of this process so far, in bytes. */
function process_rss(): number {
  return globalThis.process.resourceUsage().maxRSS * 1024;
}
