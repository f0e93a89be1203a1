import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  Data,
  Raster,
  Reprojector,
  SpatialSpec,
  explain,
  getConfig,
  load,
  loadFromHash,
  process,
  readRaster,
  readWindow,
  register,
  scanCache,
  describeReason,
  type EntryMeta,
} from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { HAS_DATA, sample } from '../wasm/fixtures.js';

const GRID = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200080], shape: [8, 8] });
const SPEC = new SpatialSpec({ crs: 'EPSG:32632', transform: [20, 0, 600000, 0, -20, 5200080], shape: [4, 4] });

const ramp = (offset = 0) => Float32Array.from({ length: 64 }, (_, i) => i + offset);

/** A TIFF without georeferencing (baseline profile) placed by a world file. */
async function plainTiff(folder: string, origin = 600005): Promise<string> {
  mkdirSync(folder, { recursive: true });
  const source = join(folder, 'source.tif');
  await Raster.fromArrays([ramp()], GRID).write(source);
  const plain = join(folder, 'plain.tif');
  await getConfig().engine.translate(source, plain, ['-co', 'PROFILE=BASELINE']);
  for (const leftover of ['plain.tif.aux.xml', 'source.tif']) if (existsSync(join(folder, leftover))) await getConfig().engine.fs.remove(join(folder, leftover));
  writeFileSync(join(folder, 'plain.tfw'), `10\n0\n0\n-10\n${origin}\n5200075\n`);
  return plain;
}

/** GDAL reads the world file; nothing declares it. */
class Placed extends Data {
  constructor(public path: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.path, { srcCrs: 'EPSG:32632' });
  }
}
register(Placed);

/** GDAL reads the file inside _process: no static input at all. */
class Direct extends Data {
  constructor(public path: string) {
    super();
  }
  async _process(spec: SpatialSpec) {
    await getConfig().engine.warp([this.path], this.ensureProcessedPath(spec), ['-s_srs', 'EPSG:32632', '-t_srs', spec.crs, '-te', '600000', '5200000', '600080', '5200080', '-ts', '4', '4']);
  }
}
register(Direct);

class Source extends Data {
  constructor(public path: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.path);
  }
}
register(Source);

/** The README's pattern: process an upstream class, then read its committed file. */
class Derived extends Data {
  constructor(public path: string) {
    super();
  }
  override get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    await process(new Source(this.path), spec);
    const raster = await readRaster(new Source(this.path).getProcessedPath(spec));
    return new TextEncoder().encode(JSON.stringify(raster.stats(0)));
  }
}
register(Derived);

/** Reads its input file by window (the README's way through large rasters), not whole. */
class Windowed extends Data {
  constructor(public path: string) {
    super();
  }
  override get ext() {
    return 'json';
  }
  async _process() {
    const raster = await readWindow(this.path, { x: 2, y: 2, width: 3, height: 3 });
    return new TextEncoder().encode(JSON.stringify(raster.stats(0)));
  }
}
register(Windowed);

/** Reads a netCDF input file with readRaster. */
class FromNetcdf extends Data {
  constructor(public path: string) {
    super();
  }
  override get ext() {
    return 'json';
  }
  async _process() {
    const raster = await readRaster(this.path);
    return new TextEncoder().encode(JSON.stringify({ width: raster.width, ...raster.stats(0) }));
  }
}
register(FromNetcdf);

class Pinned extends Data {
  constructor(public entry: string) {
    super();
  }
  override get ext() {
    return 'json';
  }
  async _process() {
    const raster = await loadFromHash<Raster>(this.entry);
    return new TextEncoder().encode(JSON.stringify(raster.stats(0)));
  }
}
register(Pinned);

/** A version of class Warped, compiled from source text as an edited module would give it (one registration site). */
function defineWarped(resampling: string): new (path: string) => Data {
  const cls = new Function('Data', 'Reprojector', `return class Warped extends Data {
    constructor(path) { super(); this.path = path; }
    get processor() { return new Reprojector(this.path, { resampling: '${resampling}' }); }
  }`)(Data, Reprojector) as new (path: string) => Data;
  register(cls);
  return cls;
}

function metaOf(root: string, stateHash: string): EntryMeta {
  return JSON.parse(readFileSync(join(root, 'data_processed', stateHash, 'meta.json'), 'utf8')) as EntryMeta;
}

describe('recorded dependencies', () => {
  const cache = useTempCache();

  it('records the world file GDAL read and the sidecars it looked for, not the static input, the staging folder or the cache', async () => {
    const plain = await plainTiff(join(cache.root, 'inputs'));
    const entry = await process(new Placed(plain), SPEC);
    const { recorded } = metaOf(cache.root, entry.stateHash);
    expect(recorded.files).toEqual([{ path: join(cache.root, 'inputs', 'plain.tfw'), size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(recorded.absent).toContain(join(cache.root, 'inputs', 'plain.tif.aux.xml'));
    expect(recorded.absent.every((file) => file.startsWith(join(cache.root, 'inputs')))).toBe(true);
    expect(recorded.entries).toEqual([]);
    expect(recorded.engine_reads_observed).toBe(true);
  });

  it('recomputes an entry in place when a file it read changes, and says why in explain, the miss event and the cache judge', async () => {
    const plain = await plainTiff(join(cache.root, 'inputs'));
    const first = await process(new Placed(plain), SPEC);
    const before = readFileSync(first.path);
    writeFileSync(join(cache.root, 'inputs', 'plain.tfw'), '10\n0\n0\n-10\n600025\n5200055\n');

    const why = await explain(new Placed(plain), SPEC);
    expect(why.status).toBe('stale');
    expect(why.summary.join('\n')).toMatch(/Placed: file .*inputs\/plain\.tfw changed/);
    const [judged] = (await scanCache()).filter((entry) => entry.stateHash === first.stateHash);
    expect(judged!.state).toBe('input-changed');
    expect(judged!.reasons.map(describeReason)).toEqual([expect.stringMatching(/^Placed: file .*plain\.tfw changed$/)]);

    cache.resetEvents();
    const second = await process(new Placed(plain), SPEC);
    expect(second.stateHash).toBe(first.stateHash);
    expect(second.computed).toBe(true);
    expect(cache.events.find((e) => e.type === 'miss')).toMatchObject({
      reason: 'stale',
      detail: expect.stringMatching(/^Placed: file .*plain\.tfw changed$/),
      stale: { kind: 'recorded-changed', chain: [{ className: 'Placed', stateHash: first.stateHash }], change: { what: 'file-changed' } },
    });
    expect(readFileSync(second.path).equals(before)).toBe(false);
    // Replaced in place: one folder for the state hash, nothing left aside in staging.
    expect(readdirSync(join(cache.root, 'data_processed'))).toEqual([first.stateHash]);
    expect(readdirSync(join(cache.root, '.staging'))).toEqual([]);
    cache.resetEvents();
    await process(new Placed(plain), SPEC);
    expect(cache.computed()).toEqual([]);
  });

  it('stays a hit when a file it read is rewritten with the same bytes', async () => {
    const plain = await plainTiff(join(cache.root, 'inputs'));
    await process(new Placed(plain), SPEC);
    const tfw = join(cache.root, 'inputs', 'plain.tfw');
    writeFileSync(tfw, readFileSync(tfw));
    cache.resetEvents();
    await process(new Placed(plain), SPEC);
    expect(cache.computed()).toEqual([]);
    expect(cache.hits()).toEqual(['Placed']);
  });

  it('recomputes when a sidecar GDAL looked for appears', async () => {
    const plain = await plainTiff(join(cache.root, 'inputs'));
    const first = await load<Raster>(new Direct(plain), SPEC);
    writeFileSync(`${plain}.aux.xml`, '<PAMDataset><PAMRasterBand band="1"><NoDataValue>0</NoDataValue></PAMRasterBand></PAMDataset>\n');
    expect((await explain(new Direct(plain), SPEC)).summary.join('\n')).toMatch(/Direct: file .*plain\.tif\.aux\.xml appeared/);
    cache.resetEvents();
    const second = await load<Raster>(new Direct(plain), SPEC);
    expect(cache.computed()).toEqual(['Direct']);
    expect(second.nodata).toBe(0);
    expect(first.nodata).not.toBe(0);
  });

  /** Runs `work` with `folder` as the working folder, as a script started from there would. */
  async function inFolder<T>(folder: string, work: () => Promise<T>): Promise<T> {
    const before = globalThis.process.cwd();
    mkdirSync(folder, { recursive: true });
    globalThis.process.chdir(folder);
    try {
      return await work();
    } finally {
      globalThis.process.chdir(before);
    }
  }

  it('recomputes when a mask sidecar of an input named by its absolute path appears, run from another working folder than the first time', async () => {
    const project = join(cache.root, 'project');
    mkdirSync(join(project, 'inputs'), { recursive: true });
    const input = join(project, 'inputs', 'ramp.tif');
    await Raster.fromArrays([ramp(1)], GRID).write(input);
    const first = await inFolder(project, () => load<Raster>(new Source(input), SPEC));
    // An external mask (GDAL's .msk) hiding the northern half, made by native GDAL beside a copy.
    const halves = join(cache.root, 'halves.tif');
    await Raster.fromArrays([Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? 0 : 1))], GRID).write(halves);
    execFileSync('gdal_translate', ['-q', '-mask', '1', '--config', 'GDAL_TIFF_INTERNAL_MASK', 'NO', halves, join(cache.root, 'masked.tif')]);
    renameSync(join(cache.root, 'masked.tif.msk'), `${input}.msk`);
    cache.resetEvents();
    const second = await inFolder(join(cache.root, 'elsewhere'), () => load<Raster>(new Source(input), SPEC));
    expect(cache.computed()).toEqual(['Source']);
    expect(Array.from(first.bands[0]!.slice(0, 8)).some(Number.isNaN)).toBe(false);
    expect(Array.from(second.bands[0]!.slice(0, 8)).every(Number.isNaN)).toBe(true);
  });

  it('recomputes when a file read beside an input named by its absolute path changes, run from another working folder, and stays a hit while it holds', async () => {
    const project = join(cache.root, 'project');
    const plain = await plainTiff(join(project, 'inputs'));
    const first = await inFolder(project, () => process(new Placed(plain), SPEC));
    const before = readFileSync(first.path);
    cache.resetEvents();
    await inFolder(join(cache.root, 'elsewhere'), () => process(new Placed(plain), SPEC));
    expect(cache.hits()).toEqual(['Placed']);
    writeFileSync(join(project, 'inputs', 'plain.tfw'), '10\n0\n0\n-10\n600025\n5200055\n');
    cache.resetEvents();
    const second = await inFolder(join(cache.root, 'elsewhere'), () => process(new Placed(plain), SPEC));
    expect(cache.computed()).toEqual(['Placed']);
    expect(readFileSync(second.path).equals(before)).toBe(false);
  });

  it('records the entries a computation processed, and recomputes when the input behind one of them changes', async () => {
    mkdirSync(join(cache.root, 'inputs'));
    const path = join(cache.root, 'inputs', 'elevation.tif');
    await Raster.fromArrays([ramp()], GRID).write(path);
    const entry = await process(new Derived(path), SPEC);
    const source = await process(new Source(path), SPEC);
    expect(metaOf(cache.root, entry.stateHash).recorded.entries).toEqual([
      { state_hash: source.stateHash, class_name: 'Source', object_type: 'data', sha256: source.meta.output.sha256, via: 'load' },
    ]);

    await Raster.fromArrays([ramp(100)], GRID).write(path);
    const why = await explain(new Derived(path), SPEC);
    expect(why.summary.join('\n')).toMatch(/Derived ← Source: input .*inputs\/elevation\.tif changed/);
    cache.resetEvents();
    const stats = await load<{ min: number }>(new Derived(path), SPEC);
    expect(cache.computed()).toEqual(['Source', 'Derived']);
    expect(stats.min).toBeGreaterThanOrEqual(100);
  });

  it('records a file a computation read with readWindow, and recomputes when it changes', async () => {
    // readWindow's reads went unrecorded: the changed file gave the old entry (a false hit),
    // where readRaster of the same file recomputed.
    mkdirSync(join(cache.root, 'inputs'));
    const path = join(cache.root, 'inputs', 'windowed.tif');
    await Raster.fromArrays([ramp()], GRID).write(path);
    const entry = await process(new Windowed(path), SPEC);
    expect(metaOf(cache.root, entry.stateHash).recorded.files).toEqual([{ path, size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    await Raster.fromArrays([ramp(100)], GRID).write(path);
    cache.resetEvents();
    const stats = await load<{ min: number; max: number }>(new Windowed(path), SPEC);
    expect(cache.computed()).toEqual(['Windowed']);
    expect(stats).toMatchObject({ min: 118, max: 136 });
  });

  it.skipIf(!HAS_DATA)('records a netCDF file a computation read with readRaster, and recomputes when it changes', async () => {
    // netCDF is read in place by range, never through readFile: nothing was recorded, and a
    // replaced file gave the old entry (a false hit).
    mkdirSync(join(cache.root, 'inputs'));
    const path = join(cache.root, 'inputs', 'grid.nc');
    copyFileSync(sample('unicode.nc'), path);
    const entry = await process(new FromNetcdf(path), SPEC);
    expect(metaOf(cache.root, entry.stateHash).recorded.files).toEqual([{ path, size: statSync(path).size, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    copyFileSync(sample('MODIS_ARRAY.nc'), path);
    cache.resetEvents();
    const stats = await load<{ width: number; min: number; max: number }>(new FromNetcdf(path), SPEC);
    expect(cache.computed()).toEqual(['FromNetcdf']);
    expect(stats).toMatchObject({ width: 200, min: 79, max: 1695 });
  });

  it('checks an entry read by its hash for being that same entry, not for its class being the same code', async () => {
    mkdirSync(join(cache.root, 'inputs'));
    const path = join(cache.root, 'inputs', 'elevation.tif');
    await Raster.fromArrays([ramp()], GRID).write(path);
    const Warped = defineWarped('nearest');
    const warped = await process(new Warped(path), SPEC);
    await load(new Pinned(warped.stateHash.slice(0, 16)), SPEC);

    // Its class's code changes: the entry with that hash is still the one Pinned read.
    defineWarped('bilinear');
    cache.resetEvents();
    await load(new Pinned(warped.stateHash.slice(0, 16)), SPEC);
    expect(cache.computed()).toEqual([]);

    // The entry itself is replaced (as a computation in place would): Pinned read other bytes.
    const meta = metaOf(cache.root, warped.stateHash);
    writeFileSync(join(cache.root, 'data_processed', warped.stateHash, 'meta.json'), JSON.stringify({ ...meta, output: { ...meta.output, sha256: 'f'.repeat(64) } }));
    const why = await explain(new Pinned(warped.stateHash.slice(0, 16)), SPEC);
    expect(why.summary.join('\n')).toMatch(/Pinned ← Warped: its entry [0-9a-f]{12} was computed again since/);
  });

  it('calls an entry of an older format stale, not damaged, and replaces it in place', async () => {
    const plain = await plainTiff(join(cache.root, 'inputs'));
    const entry = await process(new Placed(plain), SPEC);
    const metaPath = join(cache.root, 'data_processed', entry.stateHash, 'meta.json');
    const { recorded: _recorded, spec_sha256: _spec, ...older } = metaOf(cache.root, entry.stateHash);
    writeFileSync(metaPath, JSON.stringify({ ...older, format_version: 1 }));

    const why = await explain(new Placed(plain), SPEC);
    expect(why.status).toBe('stale');
    expect(why.reasons).toEqual([{ kind: 'entry-format', from: 1, to: 2 }]);
    const [judged] = await scanCache();
    expect(judged).toMatchObject({ state: 'stale', reasons: [{ kind: 'entry-format', from: 1, to: 2 }] });

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    cache.resetEvents();
    await process(new Placed(plain), SPEC);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(cache.events.filter((e) => e.type === 'damaged')).toEqual([]);
    expect(cache.events.find((e) => e.type === 'miss')).toMatchObject({ reason: 'stale', stale: { kind: 'entry-format' } });
    expect(metaOf(cache.root, entry.stateHash).format_version).toBe(2);
  });
});
