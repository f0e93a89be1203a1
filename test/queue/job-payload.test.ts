import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Data, Raster, Reprojector, SpatialSpec, register } from '../../src/node.js';
import { identify, prepareIdentity } from '../../src/pipeline/identity.js';
import { decodeInstance, encodeJob } from '../../src/queue/job-payload.js';
import { checkJobIdentity } from '../../src/queue/worker.js';
import { useTempCache } from '../helpers/cache.js';
import { HAS_DATA, NO_DATA_REASON, sample } from '../wasm/fixtures.js';

const ELEV = sample('elev.tif');
if (!HAS_DATA) console.warn(`test/queue/job-payload: ${NO_DATA_REASON}`);
const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.01, 0, 5.8, 0, -0.01, 50.2], shape: [50, 50] });

/** As plain JavaScript writes it (TypeScript refuses a field over the base class's accessor). */
class FieldProcessor extends Data<Raster> {
  // @ts-expect-error TS2610: a field where Data has an accessor
  override processor = new Reprojector(ELEV, { resampling: 'bilinear' });
}
register(FieldProcessor);

class GetterProcessor extends Data<Raster> {
  constructor(public path: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.path, { resampling: 'bilinear' });
  }
}
register(GetterProcessor);

class Holder extends Data<Raster> {
  constructor(public inner: Data<Raster>) {
    super();
  }
}
register(Holder);

/** The job of `instance` at SPEC, as JSON travels through Redis. */
async function job(instance: Data<Raster>) {
  await prepareIdentity(instance);
  return JSON.parse(JSON.stringify(encodeJob(instance, SPEC, identify(instance, SPEC))));
}

describe.skipIf(!HAS_DATA)('job payloads', () => {
  const cache = useTempCache('geodata-job-payload');

  it('a processor returned by a getter travels: the instance a worker rebuilds has the same state hash', async () => {
    const instance = new GetterProcessor(ELEV);
    const payload = await job(instance);
    const rebuilt = decodeInstance(payload.instance);
    await prepareIdentity(rebuilt);
    expect(identify(rebuilt, SPEC).stateHash).toBe(payload.stateHash);
  });

  it('refuses an instance whose processor is an instance property, which a worker would rebuild without one, saying to make it a getter', async () => {
    await expect(job(new FieldProcessor())).rejects.toThrow(
      'FieldProcessor (FieldProcessor) sets its processor as an instance property, which a job cannot carry: a worker rebuilds FieldProcessor from its parameters without running its constructor or field initialisers; declare it as a getter instead',
    );
    await expect(job(new Holder(new FieldProcessor()))).rejects.toThrow(/^Holder\.inner \(FieldProcessor\) sets its processor as an instance property/);
  });

  it('a worker that reads another version of an input names the input and both digests, and refuses the job', async () => {
    const copy = join(cache.root, 'elev.tif');
    copyFileSync(ELEV, copy);
    const sha = () => createHash('sha256').update(readFileSync(copy)).digest('hex').slice(0, 12);
    const before = `${statSync(copy).size} bytes (sha256 ${sha()})`;
    const payload = await job(new GetterProcessor(copy));
    // The file changes after the client fingerprinted it, before a worker takes the job.
    appendFileSync(copy, new Uint8Array(16));
    const after = `${statSync(copy).size} bytes (sha256 ${sha()})`;
    const rebuilt = decodeInstance(payload.instance);
    await prepareIdentity(rebuilt);
    expect(() => checkJobIdentity(payload, identify(rebuilt, SPEC), 'host:1')).toThrow(
      `GetterProcessor: its input ${copy} is ${after} on worker host:1 but was ${before} where the job was asked for: it changed since (a file replaced, or updated on its server), or the machines see different files; the worker refused the job rather than compute from other bytes: ask again once every machine sees the same version`,
    );
  });
});
