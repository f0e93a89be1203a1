import { afterAll, describe, expect, it } from 'vitest';
import { FileError } from '../../src/errors.js';
import { createPoolEngine } from '../../wasm/node.js';

describe('an error from a thread of the pool', () => {
  const engine = createPoolEngine({ workers: 1, warm: false });
  afterAll(() => engine.close());

  async function translateAskedByTheScript(): Promise<unknown> {
    return await engine.translate('/nowhere/geodata-missing.tif', '/tmp/geodata-pool-error-stack.tif', ['-of', 'GTiff']);
  }

  it('names the function that made the call above the thread’s frames: it showed only the message handler', async () => {
    const error = await translateAskedByTheScript().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileError);
    const [caller, thread] = (error as Error).stack!.split('\n    --- in the GDAL worker ---\n');
    expect(caller).toMatch(/at async translateAskedByTheScript /);
    expect(thread).toMatch(/gdal-call\.ts|gdal-call\.js|pool-worker/);
  });
});
