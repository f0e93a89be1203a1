import { existsSync, readdirSync, rmSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  Data,
  FileError,
  FingerprintError,
  PipelineError,
  Raster,
  SpatialSpec,
  getConfig,
  load,
  process,
  register,
} from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { Four, MissingSource, Throws, WithCallback, WritesNothing } from './fixtures/bad-inputs.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 2], shape: [2, 2] });

/** Every file under the cache root, relative: what a failed call must not have left. */
function visibleEntries(root: string): string[] {
  const folders = ['data_processed', 'figures'].map((f) => join(root, f)).filter(existsSync);
  return folders.flatMap((folder) => readdirSync(folder));
}

describe('damaged entries', () => {
  const cache = useTempCache();

  it('detects a truncated output, says so in one line, and recomputes it', async () => {
    const entry = await process(new Four(), SPEC);
    truncateSync(entry.path, statSync(entry.path).size - 10);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    cache.resetEvents();
    const raster = await load<Raster>(new Four(), SPEC);
    expect(Array.from(raster.bands[0]!)).toEqual([1, 2, 3, 4]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/entry [0-9a-f]{12} of Four is damaged \(output four\.tif has \d+ bytes, expected \d+ \(truncated\?\)\); recomputing it/);
    warn.mockRestore();
    expect(cache.events.find((e) => e.type === 'miss')).toMatchObject({ reason: 'damaged' });
    expect(cache.computed()).toEqual(['Four']);
  });

  it('detects an output whose bytes no longer match the checksum', async () => {
    const entry = await process(new Four(), SPEC);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bytes = readFileSync(entry.path);
    bytes[bytes.length - 1]! ^= 0xff; // a GeoTIFF: not empty
    writeFileSync(entry.path, bytes);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const raster = await load<Raster>(new Four(), SPEC);
    expect(String(warn.mock.calls[0]![0])).toMatch(/does not match its checksum/);
    warn.mockRestore();
    expect(Array.from(raster.bands[0]!)).toEqual([1, 2, 3, 4]);
  });

  it('finds a same-size bit flip through process() and isProcessed() too, not only load()', async () => {
    const first = await process(new Four(), SPEC);
    expect(await new Four().isProcessed(SPEC)).toBe(true);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bytes = readFileSync(first.path);
    bytes[bytes.length - 1]! ^= 0xff; // a GeoTIFF: not empty
    writeFileSync(first.path, bytes);
    expect(await new Four().isProcessed(SPEC)).toBe(false);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    cache.resetEvents();
    const again = await process(new Four(), SPEC);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/entry [0-9a-f]{12} of Four is damaged \(output four\.tif does not match its checksum\); recomputing it/);
    warn.mockRestore();
    expect(again.computed).toBe(true);
    expect(cache.computed()).toEqual(['Four']);
    expect(Array.from((await load<Raster>(new Four(), SPEC)).bands[0]!)).toEqual([1, 2, 3, 4]);
  });

  it('treats a missing output file as a miss and recomputes it', async () => {
    const entry = await process(new Four(), SPEC);
    rmSync(entry.path);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    cache.resetEvents();
    const raster = await load<Raster>(new Four(), SPEC);
    expect(String(warn.mock.calls[0]![0])).toMatch(/entry [0-9a-f]{12} of Four is damaged \(output four\.tif is missing\); recomputing it/);
    warn.mockRestore();
    expect(cache.events.find((e) => e.type === 'miss')).toMatchObject({ reason: 'damaged', detail: 'output four.tif is missing' });
    expect(Array.from(raster.bands[0]!)).toEqual([1, 2, 3, 4]);
  });

  it('treats an unreadable meta.json as a miss', async () => {
    const entry = await process(new Four(), SPEC);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(cache.root, 'data_processed', entry.stateHash, 'meta.json'), '{ not json');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await load(new Four(), SPEC);
    expect(String(warn.mock.calls[0]![0])).toMatch(/meta\.json is not valid JSON/);
    warn.mockRestore();
    expect(cache.computed()).toEqual(['Four', 'Four']);
  });
});

describe('bad inputs leave the store untouched', () => {
  const cache = useTempCache();

  it('no spec anywhere', async () => {
    await expect(load(new Four())).rejects.toThrow(ConfigError);
    await expect(load(new Four())).rejects.toThrow(/no spec for Four: pass one \(load\(instance, spec\)\) or set one with getConfig\(\)\.update/);
    expect(existsSync(join(cache.root, 'data_processed'))).toBe(false);
  });

  it('an unknown config key, or a config value of the wrong type', () => {
    expect(() => getConfig().update({ sepc: SPEC } as never)).toThrow(/unknown config key "sepc"; known keys: spec, root, store/);
    expect(() => getConfig().update({ root: 42 } as never)).toThrow(/config root must be a non-empty path string, got 42/);
    expect(() => getConfig().update({ spec: { crs: 'EPSG:4326' } } as never)).toThrow(/config spec must be a SpatialSpec/);
  });

  it('a parameter that cannot be fingerprinted', async () => {
    const failure = load(new WithCallback({ callback: () => undefined }), SPEC);
    await expect(failure).rejects.toThrow(FingerprintError);
    await expect(load(new WithCallback({ callback: () => undefined }), SPEC)).rejects.toThrow(/options\.callback/);
    expect(visibleEntries(cache.root)).toEqual([]);
  });

  it('a processor whose source file is missing', async () => {
    await expect(load(new MissingSource(), SPEC)).rejects.toThrow(FileError);
    await expect(load(new MissingSource(), SPEC)).rejects.toThrow(/\/definitely\/not\/here\/elevation\.tif/);
    expect(visibleEntries(cache.root)).toEqual([]);
  });

  it('_process that throws: the error says which class failed and why, and nothing is committed', async () => {
    const failure = load(new Throws(), SPEC);
    await expect(failure).rejects.toThrow(PipelineError);
    await expect(load(new Throws(), SPEC)).rejects.toThrow(/computing Throws for SpatialSpec\(EPSG:4326.*\) failed \(RangeError\): the model diverged; no entry was written/);
    expect(visibleEntries(cache.root)).toEqual([]);
    expect(readdirSync(join(cache.root, '.staging'))).toEqual([]);
    expect(cache.events.filter((e) => e.type === 'fail')).toHaveLength(2);
  });

  it('_process that throws something other than an Error: the error shows what was thrown, not [object Object]', async () => {
    class ThrowsObject extends Data {
      async _process() {
        throw { code: 42, reason: 'quota' };
      }
    }
    register(ThrowsObject);
    class ThrowsForeignError extends Data {
      async _process() {
        // An Error made in another realm (a vm context) is no instanceof Error here.
        throw Object.create(null, { message: { value: 'made elsewhere' } });
      }
    }
    register(ThrowsForeignError);
    await expect(load(new ThrowsObject(), SPEC)).rejects.toThrow(/^computing ThrowsObject for SpatialSpec\(.*\) failed \(object\): \{"code":42,"reason":"quota"\}; no entry was written$/);
    await expect(load(new ThrowsForeignError(), SPEC)).rejects.toThrow(/failed \(object\): made elsewhere; no entry was written$/);
    class ThrowsBare extends Data {
      async _process() {
        throw Object.create(null);
      }
    }
    register(ThrowsBare);
    await expect(load(new ThrowsBare(), SPEC)).rejects.toThrow(/^computing ThrowsBare .* failed \(object\): an object \(no class\) with no message; no entry was written$/);
    expect(visibleEntries(cache.root)).toEqual([]);
  });

  it('_process that returns a Raster instead of writing it: the error names the Raster and how to write it', async () => {
    class ReturnsRaster extends Data {
      async _process(spec: SpatialSpec) {
        return Raster.fromArrays([new Float32Array(4)], spec) as never;
      }
    }
    register(ReturnsRaster);
    await expect(load(new ReturnsRaster(), SPEC)).rejects.toThrow(
      'ReturnsRaster._process returned a Raster (write it with `await write(this, raster)`, or for a Figure return renderRaster(raster.band(0))); return nothing',
    );
    expect(visibleEntries(cache.root)).toEqual([]);
  });

  it('an instance changed while it is computed: nothing is committed under the key of its old values', async () => {
    class Threshold extends Data {
      constructor(public level: number) {
        super();
      }
      override get ext() {
        return 'json';
      }
      async _process() {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return new TextEncoder().encode(JSON.stringify({ level: this.level }));
      }
    }
    register(Threshold);
    const step = new Threshold(10);
    const loading = load(step, SPEC);
    await new Promise((resolve) => setTimeout(resolve, 25)); // keyed by level 10, now in _process
    step.level = 20;
    await expect(loading).rejects.toThrow(
      /^Threshold changed while it was being computed for entry [0-9a-f]{12}: its parameter changed: level: 10 → 20; nothing was committed/,
    );
    expect(visibleEntries(cache.root)).toEqual([]);
    // The entry of level 10 holds level 10's output, not the one computed with 20.
    expect(await load(new Threshold(10), SPEC)).toEqual({ level: 10 });
    expect(await load(new Threshold(20), SPEC)).toEqual({ level: 20 });
  });

  it('_process that writes nothing', async () => {
    await expect(load(new WritesNothing(), SPEC)).rejects.toThrow(/WritesNothing produced no output: nothing was written to .*writes_nothing\.tif; write the result to this\.ensureProcessedPath\(spec\)/);
    expect(visibleEntries(cache.root)).toEqual([]);
  });

  it('ensureProcessedPath called outside _process', () => {
    expect(() => new Four().ensureProcessedPath(SPEC)).toThrow(/Four\.ensureProcessedPath\(\) was called outside _process/);
  });
});

describe('entries hold only their own files', () => {
  const cache = useTempCache();

  class Parts extends Data {
    constructor(public part: 'a' | 'b') {
      super();
    }
    override get ext() {
      return 'txt';
    }
    async *_process(spec: SpatialSpec) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(new Parts('a').ensureProcessedPath(spec), 'a');
      writeFileSync(new Parts('b').ensureProcessedPath(spec), 'b');
      // Yields nothing: the sibling's file was written but is not a co-output.
    }
  }
  register(Parts);

  class Meta extends Data {
    override get ext() {
      return 'json';
    }
    async _process() {
      return new TextEncoder().encode('{}');
    }
  }
  register(Meta);

  it('commits no file of a sibling that was not yielded into the entry', async () => {
    const entry = await process(new Parts('a'), SPEC);
    expect(readdirSync(join(cache.root, 'data_processed', entry.stateHash)).sort()).toEqual(['meta.json', 'parameters.json', 'parts.txt', 'spec.json']);
    expect(readdirSync(join(cache.root, 'data_processed'))).toEqual([entry.stateHash]);
  });

  it('refuses an output name that would overwrite the entry own files', async () => {
    await expect(load(new Meta(), SPEC)).rejects.toThrow(/Meta would write its output to meta\.json, which is one of the entry's own files/);
  });

  it('reads an entry whose meta.json names an output outside its folder as damaged, and recomputes it', async () => {
    const entry = await process(new Four(), SPEC);
    const metaPath = join(cache.root, 'data_processed', entry.stateHash, 'meta.json');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    meta.output.file = '../../escape.tif';
    writeFileSync(metaPath, JSON.stringify(meta));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const raster = await load<Raster>(new Four(), SPEC);
    warn.mockRestore();
    expect(Array.from(raster.bands[0]!)).toEqual([1, 2, 3, 4]);
  });

  it('recovers an entry folder that holds only the temporary files of a killed commit', async () => {
    const { identify } = await import('../../src/pipeline/identity.js');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    await process(new Four(), SPEC).then(async (entry) => {
      const folder = join(cache.root, 'data_processed', entry.stateHash);
      (await import('node:fs')).rmSync(folder, { recursive: true });
      mkdirSync(folder);
      writeFileSync(join(folder, 'four.tif.geodata-tmp-123'), 'half');
      expect(identify(new Four(), SPEC).stateHash).toBe(entry.stateHash);
    });
    const raster = await load<Raster>(new Four(), SPEC);
    expect(Array.from(raster.bands[0]!)).toEqual([1, 2, 3, 4]);
  });

  it('recomputes an entry whose folder is a file, replacing the file, instead of failing at every commit with ENOTDIR', async () => {
    const { writeFileSync } = await import('node:fs');
    const entry = await process(new Four(), SPEC);
    const folder = join(cache.root, 'data_processed', entry.stateHash);
    rmSync(folder, { recursive: true });
    writeFileSync(folder, 'not an entry');
    const raster = await load<Raster>(new Four(), SPEC);
    expect(Array.from(raster.bands[0]!)).toEqual([1, 2, 3, 4]);
    expect(readdirSync(folder).sort()).toEqual(['four.tif', 'meta.json', 'parameters.json', 'spec.json']);
    expect(readdirSync(join(cache.root, '.staging'))).toEqual([]);
  });
});
