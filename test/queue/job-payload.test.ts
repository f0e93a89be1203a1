import { describe, expect, it } from 'vitest';
import { Data, Raster, Reprojector, SpatialSpec, register } from '../../src/node.js';
import { identify, prepareIdentity } from '../../src/pipeline/identity.js';
import { decodeInstance, encodeJob } from '../../src/queue/job-payload.js';
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
  useTempCache('geodata-job-payload');

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
});
