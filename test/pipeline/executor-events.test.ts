import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpatialSpec, getConfig, onPipelineEvent, process, withConfig, type Executor, type PipelineEvent } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { Four } from './fixtures/bad-inputs.js';

const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [1, 0, 0, 0, -1, 2], shape: [2, 2] });

// The events of the asking process (what its showProgress draws, what its logs count) while an
// executor (a job queue) computes the entry elsewhere. The test's executor computes here; the
// events of its computation, which a worker would emit in its own process, are left out.
describe('events of an entry computed by an executor', () => {
  useTempCache('geodata-executor-events');
  let elsewhere = false;
  let asked: PipelineEvent[] = [];
  let stop: () => void;
  beforeEach(() => {
    asked = [];
    stop = onPipelineEvent('*', (event) => {
      if (!elsewhere) asked.push(event);
    });
  });
  afterEach(() => stop());
  const executor = (failure?: Error): Executor => ({
    name: 'test queue',
    async compute({ instance, spec }) {
      elsewhere = true;
      try {
        if (failure) throw failure;
        await withConfig({ executor: undefined }, () => process(instance, spec));
      } finally {
        elsewhere = false;
      }
    },
  });

  it('a miss the executor computes is started and finished in the asking process, so its progress display draws it', async () => {
    getConfig().update({ executor: executor() });
    const entry = await process(new Four(), SPEC);
    expect(entry.computed).toBe(true);
    expect(asked.map((event) => event.type)).toEqual(['miss', 'start', 'finish']);
    const finish = asked[2] as Extract<PipelineEvent, { type: 'finish' }>;
    expect(finish).toMatchObject({ className: 'Four', stateHash: entry.stateHash });
    expect(finish.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a job that fails on the executor is a fail event in the asking process, with the error the call throws', async () => {
    const failure = new Error('the job for Four failed on a worker: the model diverged');
    getConfig().update({ executor: executor(failure) });
    await expect(process(new Four(), SPEC)).rejects.toBe(failure);
    expect(asked.map((event) => event.type)).toEqual(['miss', 'start', 'fail']);
    expect(asked[2]).toEqual({ type: 'fail', className: 'Four', stateHash: asked[0]!.type === 'miss' ? asked[0]!.stateHash : '', error: failure });
  });
});
