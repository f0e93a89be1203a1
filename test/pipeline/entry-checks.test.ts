import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Data, Raster, SpatialSpec, entries, getConfig, load, memoryStore, process, register, type StoreAdapter } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200000], shape: [2, 3] });

class Ramp extends Data {
  async _process(spec: SpatialSpec) {
    await Raster.fromArrays([Float32Array.from({ length: 6 }, (_, i) => i)], spec).write(this.ensureProcessedPath(spec));
  }
}
register(Ramp);

class Bytes extends Data {
  override get ext() {
    return 'bin';
  }
  async _process() {
    return new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  }
}
register(Bytes);

/** Both halves are written by one computation (co-outputs). */
class Half extends Data {
  constructor(public which: 'low' | 'high') {
    super();
  }
  override get ext() {
    return 'bin';
  }
  async *_process(spec: SpatialSpec) {
    const low = new Half('low');
    const high = new Half('high');
    // Long enough that the sibling asked for at the same moment would start its own run.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await getConfig().engine.fs.writeFile(low.ensureProcessedPath(spec), new Uint8Array([1]));
    await getConfig().engine.fs.writeFile(high.ensureProcessedPath(spec), new Uint8Array([2]));
    yield this.which === 'low' ? high : low;
  }
}
register(Half);

/** A whole second in the past: a modification time a file can be given back exactly. */
const WHOLE_SECOND = Math.floor(Date.now() / 1000) - 60;

/** The entry of Bytes, processed (so verified in this process) with its output at WHOLE_SECOND. */
async function verifiedAtWholeSecond() {
  const first = await process(new Bytes(), SPEC);
  utimesSync(first.path, WHOLE_SECOND, WHOLE_SECOND);
  await process(new Bytes(), SPEC); // verified again at this mtime: the cheap path knows it now
  expect(statSync(first.path).mtimeMs).toBe(WHOLE_SECOND * 1000);
  return first;
}

function rewriteKeepingTime(path: string, bytes: Uint8Array): void {
  writeFileSync(path, bytes);
  utimesSync(path, WHOLE_SECOND, WHOLE_SECOND);
}

describe('what load() returns is what was checked', () => {
  const cache = useTempCache();

  it('recomputes an entry whose spec.json was tampered with, instead of returning another CRS', async () => {
    const entry = await process(new Ramp(), SPEC);
    const specPath = join(cache.root, 'data_processed', entry.stateHash, 'spec.json');
    writeFileSync(specPath, readFileSync(specPath, 'utf8').replace('EPSG:32632', 'EPSG:4326'));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    cache.resetEvents();
    const raster = await load<Raster>(new Ramp(), SPEC);
    expect(raster.spec.crs).toBe('EPSG:32632');
    expect(cache.events.find((e) => e.type === 'miss')).toMatchObject({ reason: 'damaged', detail: 'spec.json does not match its checksum' });
    expect(String(warn.mock.calls[0]![0])).toMatch(/spec\.json does not match its checksum/);
    warn.mockRestore();
    expect(cache.computed()).toEqual(['Ramp']);
  });

  it('calls a meta.json whose output size is no byte count one that does not describe the entry, in load and in entries()', async () => {
    const entry = await process(new Bytes(), SPEC);
    const metaPath = join(cache.root, 'data_processed', entry.stateHash, 'meta.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    meta.output.size = String(meta.output.size);
    writeFileSync(metaPath, JSON.stringify(meta));
    expect((await entries()).find((e) => e.stateHash === entry.stateHash)).toMatchObject({ state: 'damaged', reasons: ['damaged: meta.json does not describe this entry'] });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    cache.resetEvents();
    expect(Array.from(await load<Uint8Array>(new Bytes(), SPEC))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(cache.events.find((e) => e.type === 'miss')).toMatchObject({ reason: 'damaged', detail: 'meta.json does not describe this entry' });
    warn.mockRestore();
  });

  it('hashes the bytes load() reads even when the entry was verified earlier in the process and its size and mtime are unchanged', async () => {
    const first = await verifiedAtWholeSecond();
    expect(Array.from(await load<Uint8Array>(new Bytes(), SPEC))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Same size, same modification time, other bytes: what a tool that keeps times leaves behind.
    rewriteKeepingTime(first.path, new Uint8Array([8, 7, 6, 5, 4, 3, 2, 1]));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    cache.resetEvents();
    const bytes = await load<Uint8Array>(new Bytes(), SPEC);
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(cache.events.find((e) => e.type === 'miss')).toMatchObject({ reason: 'damaged', detail: 'output bytes.bin does not match its checksum' });
    warn.mockRestore();
  });

  it('keeps process() on its cheap path: an entry verified earlier costs a stat, not a hash', async () => {
    const first = await verifiedAtWholeSecond();
    rewriteKeepingTime(first.path, new Uint8Array([8, 7, 6, 5, 4, 3, 2, 1]));
    cache.resetEvents();
    // Not read, so not hashed: the change is found by the next load(), which reads the bytes.
    expect((await process(new Bytes(), SPEC)).computed).toBe(false);
  });
});

describe.each<[string, (root: string) => StoreAdapter | undefined]>([
  ['filesystem', () => undefined],
  ['memory', () => memoryStore()],
])('co-outputs requested together on the %s store', (_name, makeStore) => {
  const cache = useTempCache();

  it('run their shared computation once', async () => {
    const store = makeStore(cache.root);
    if (store) getConfig().update({ store });
    const [low, high] = await Promise.all([load<Uint8Array>(new Half('low'), SPEC), load<Uint8Array>(new Half('high'), SPEC)]);
    expect([Array.from(low), Array.from(high)]).toEqual([[1], [2]]);
    expect(cache.events.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(cache.computed()).toEqual(['Half', 'Half']);
    expect(cache.hits()).toEqual(['Half']);
  });
});
