import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../wasm/pool-engine.js';

describe('the Node options a pool worker thread inherits', () => {
  it('drops the code and --input-type of a script run with node --input-type=module -e, which a worker refuses', () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'await run()'])).toEqual([]);
    expect(workerExecArgv(['--input-type', 'module', '--eval', 'x', '--print', 'y'])).toEqual([]);
  });

  it('keeps loaders and other flags', () => {
    expect(workerExecArgv(['--import', 'tsx', '--max-old-space-size=4096', '-p', 'x', '--enable-source-maps'])).toEqual(['--import', 'tsx', '--max-old-space-size=4096', '--enable-source-maps']);
  });
});
