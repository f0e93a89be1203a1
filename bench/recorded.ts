/**
 * What checking recorded dependencies adds to a cache hit, on the README's three-step chain:
 * ElevationLoader (a Reprojector of a GeoTIFF), SlopeLoader (processes it, then gdaldem slope on
 * its committed file) and SlopeSummary (loads SlopeLoader, returns JSON). A hit of SlopeSummary
 * checks its recorded SlopeLoader entry, that entry's recorded ElevationLoader entry, its input
 * file and the sidecars GDAL looked for beside it (absent), recursively.
 *
 *   npx tsx bench/recorded.ts [--repetitions 200]
 *
 * Side by side in one run: `process()` of SlopeSummary (a hit: entry check + recorded check),
 * the recorded check alone (`RecordedChecker.change`), and `checkEntry` alone (what a hit cost
 * before dependencies were recorded).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Data, Raster, Reprojector, SpatialSpec, getConfig, load, process, register, slope, syntheticTerrain } from '../src/node.js';
import { checkEntry, type EntryMeta } from '../src/pipeline/entry.js';
import { RecordedChecker } from '../src/pipeline/recorded-check.js';
import { median, timeAsync } from './lib/timing.js';

const { values } = parseArgs({ options: { repetitions: { type: 'string', default: '200' } } });
const REPETITIONS = Number(values.repetitions);

const root = mkdtempSync(path.join(tmpdir(), 'geodata-bench-recorded-'));
const input = path.join(root, 'data', 'elevation.tif');

class ElevationLoader extends Data {
  override get processor() {
    return new Reprojector(input, { resampling: 'bilinear' });
  }
}
register(ElevationLoader);

class SlopeLoader extends Data {
  async _process(spec: SpatialSpec) {
    await process(new ElevationLoader(), spec);
    await slope(new ElevationLoader().getProcessedPath(spec), this.ensureProcessedPath(spec));
  }
}
register(SlopeLoader);

class SlopeSummary extends Data {
  override get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    const degrees = await load<Raster>(new SlopeLoader(), spec);
    return new TextEncoder().encode(JSON.stringify(degrees.stats(0)));
  }
}
register(SlopeSummary);

try {
  mkdirSync(path.dirname(input), { recursive: true });
  const terrain = syntheticTerrain({ size: 256, pixel: 10 });
  await terrain.write(input);
  getConfig().update({ root: path.join(root, 'cache'), spec: terrain.spec.with({ transform: [20, 0, terrain.spec.transform![2], 0, -20, terrain.spec.transform![5]], shape: [128, 128] }) });
  const entry = await process(new SlopeSummary());
  const meta = JSON.parse(readFileSync(path.join(root, 'cache', 'data_processed', entry.stateHash, 'meta.json'), 'utf8')) as EntryMeta;
  const slopeMeta = JSON.parse(readFileSync(path.join(root, 'cache', 'data_processed', meta.recorded.entries[0]!.state_hash, 'meta.json'), 'utf8')) as EntryMeta;
  const elevationMeta = JSON.parse(readFileSync(path.join(root, 'cache', 'data_processed', slopeMeta.recorded.entries[0]!.state_hash, 'meta.json'), 'utf8')) as EntryMeta;
  console.log(
    `chain: SlopeSummary records ${meta.recorded.entries.length} entry; SlopeLoader ${slopeMeta.recorded.entries.length} entry; ` +
      `ElevationLoader ${elevationMeta.inputs.length} input and ${elevationMeta.recorded.absent.length} sidecars GDAL looked for in vain`,
  );
  for (let warm = 0; warm < 20; warm++) await process(new SlopeSummary()); // module loading, JIT, the input hasher's memo

  // Interleaved, so the three see the same machine load.
  const hits: number[] = [];
  const checks: number[] = [];
  const entries: number[] = [];
  for (let round = 0; round < REPETITIONS; round++) {
    hits.push(...(await timeAsync(1, async () => {
      if ((await process(new SlopeSummary())).computed) throw new Error('the bench expects hits');
    })));
    checks.push(...(await timeAsync(1, async () => {
      if (await new RecordedChecker().change(meta)) throw new Error('the recorded dependencies should hold');
    })));
    entries.push(...(await timeAsync(1, () => checkEntry('data', entry.stateHash))));
  }
  const [hitMs, recordedMs, entryMs] = [median(hits), median(checks), median(entries)];

  console.log(`process(SlopeSummary), a hit:         ${hitMs.toFixed(2)} ms`);
  console.log(`  of which the recorded check:        ${recordedMs.toFixed(2)} ms (${((recordedMs / hitMs) * 100).toFixed(0)}%)`);
  console.log(`checkEntry alone (a hit before):      ${entryMs.toFixed(2)} ms`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
