import { afterEach, describe, expect, it } from 'vitest';
import { Data, PipelineError, type Raster, SpatialSpec, load, process, register } from '../../src/node.js';
import { nodePlatform } from '../../src/node/platform-node.js';
import { setPlatform } from '../../src/platform.js';
import { useTempCache } from '../helpers/cache.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 2], shape: [2, 2] });
const bytes = (text: string) => new TextEncoder().encode(text);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Slow extends Data {
  override get ext() {
    return 'txt';
  }
  async _process() {
    await pause(150);
    return bytes('slow');
  }
}
register(Slow);

class UsesSlowA extends Data {
  override get ext() {
    return 'txt';
  }
  async _process(spec: SpatialSpec) {
    await process(new Slow(), spec);
    return bytes('a');
  }
}
register(UsesSlowA);

class UsesSlowB extends Data {
  override get ext() {
    return 'txt';
  }
  async _process(spec: SpatialSpec) {
    await process(new Slow(), spec);
    return bytes('b');
  }
}
register(UsesSlowB);

class Itself extends Data {
  async _process(spec: SpatialSpec) {
    await load(new Itself(), spec);
  }
}
register(Itself);

class WritesA extends Data {
  override get ext() {
    return 'txt';
  }
  async _process(spec: SpatialSpec) {
    await pause(50);
    (await import('node:fs')).writeFileSync(this.ensureProcessedPath(spec), 'A');
  }
}
register(WritesA);

class WritesB extends Data {
  override get ext() {
    return 'txt';
  }
  async _process(spec: SpatialSpec) {
    (await import('node:fs')).writeFileSync(this.ensureProcessedPath(spec), 'B');
    await pause(100);
  }
}
register(WritesB);

describe('within one process', () => {
  const cache = useTempCache();
  afterEach(() => setPlatform(nodePlatform));

  it('lets a second load of an entry that is being computed wait for it, and computes it once', async () => {
    const first = load<Uint8Array>(new Slow(), SPEC);
    await pause(30);
    const second = load<Uint8Array>(new Slow(), SPEC);
    expect(new TextDecoder().decode(await first)).toBe('slow');
    expect(new TextDecoder().decode(await second)).toBe('slow');
    expect(cache.computed()).toEqual(['Slow']);
  });

  it('runs two datasets that share an upstream in parallel, computing the upstream once', async () => {
    await Promise.all([load(new UsesSlowA(), SPEC), load(new UsesSlowB(), SPEC)]);
    expect(cache.computed().sort()).toEqual(['Slow', 'UsesSlowA', 'UsesSlowB']);
  });

  it('refuses a dataset that loads itself, naming it', async () => {
    await expect(load(new Itself(), SPEC)).rejects.toThrow(PipelineError);
    await expect(load(new Itself(), SPEC)).rejects.toThrow(/Itself depends on itself/);
  });

  it('keeps concurrent computations apart on a platform without async context (browsers)', async () => {
    setPlatform({ ...nodePlatform, asyncContext: undefined });
    const [a, b] = await Promise.all([load<Uint8Array>(new WritesA(), SPEC), load<Uint8Array>(new WritesB(), SPEC)]);
    expect(new TextDecoder().decode(a)).toBe('A');
    expect(new TextDecoder().decode(b)).toBe('B');
    await expect(load<Raster>(new Itself(), SPEC)).rejects.toThrow(/Itself depends on itself/);
  });
});
