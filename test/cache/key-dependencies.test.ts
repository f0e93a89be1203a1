import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Data, defaultRegistry, describeReason, process, register, Reprojector, scanCache, sourceHash, type Processor, type ProcessorContext } from '../../src/node.js';
import { dependencyTree } from '../../src/fingerprint/index.js';
import { useTempCache } from '../helpers/cache.js';
import { SPEC } from './scenario.js';

const text = (value: string) => new TextEncoder().encode(value);

/** A class's one entry as the scan judges it now. */
async function judged(className: string) {
  const found = (await scanCache()).filter((entry) => entry.className === className);
  expect(found).toHaveLength(1);
  return found[0]!;
}

class KeySource extends Data {
  constructor(public v: number) {
    super();
  }
  override get ext() {
    return 'txt';
  }
  async _process() {
    return text(`source ${this.v}`);
  }
}

/** Takes a Data parameter and never loads it. */
class KeyUser extends Data {
  constructor(public source: Data) {
    super();
  }
  override get ext() {
    return 'txt';
  }
  async _process() {
    return text('user');
  }
}

class Hidden implements Processor {
  readonly ext = 'txt';
  inputs() {
    return [];
  }
  settings() {
    return {};
  }
  async run(context: ProcessorContext) {
    await writeFile(context.outputPath, 'hidden');
  }
}

/** Makes its processor in the constructor: the class alone cannot say which one it returns. */
class HiddenTool extends Data {
  _tool: Processor = new Hidden();
  override get processor() {
    return this._tool;
  }
}

class Simple extends Data {
  override get ext() {
    return 'txt';
  }
  async _process() {
    return text('simple');
  }
}

/** Two versions of a registered processor: the same class text, helpers of different code. */
function toolWith(helper: () => string) {
  return class Tool implements Processor {
    static uses = { helper };
    readonly ext = 'txt';
    inputs() {
      return [];
    }
    settings() {
      return {};
    }
    async run(context: ProcessorContext) {
      await writeFile(context.outputPath, helper());
    }
  };
}
const ToolV1 = toolWith(() => 'tool 1');
const ToolV2 = toolWith(() => 'tool 2');
let CurrentTool = ToolV1;

class Tooled extends Data {
  override get processor() {
    return new CurrentTool();
  }
}

const NAMES = ['KeySource', 'KeyUser', 'HiddenTool', 'Simple', 'Tool', 'Tooled'];

describe('scanCache and the code in an entry key beyond its class tree', () => {
  const cache = useTempCache('geodata-key-dependencies');
  afterEach(() => {
    for (const name of NAMES) defaultRegistry.unregister(name);
    CurrentTool = ToolV1;
  });

  it('calls an entry unknown, never fresh, when the class of a Data parameter is not loaded', async () => {
    register(KeySource);
    register(KeyUser);
    await process(new KeyUser(new KeySource(1)), SPEC);
    expect((await judged('KeyUser')).state).toBe('fresh');
    defaultRegistry.unregister('KeySource');
    const entry = await judged('KeyUser');
    expect([entry.state, entry.reasons]).toEqual(['unknown', [{ kind: 'parameter-class-unknown', className: 'KeySource' }]]);
    expect(describeReason(entry.reasons[0]!)).toBe('cannot judge: parameter class KeySource is not loaded (import the module that defines it)');
  });

  it('calls an entry unknown, never fresh, when its processor class cannot be found', async () => {
    register(HiddenTool);
    const { stateHash } = await process(new HiddenTool(), SPEC);
    const entry = await judged('HiddenTool');
    expect(entry.stateHash).toBe(stateHash);
    expect([entry.state, entry.reasons]).toEqual(['unknown', [{ kind: 'processor-unknown', processor: 'Hidden' }]]);
    expect(describeReason(entry.reasons[0]!)).toBe(
      'cannot judge: processor Hidden is not loaded (register it, or make the class return it from its parameters alone)',
    );
  });

  it("compares a library processor recorded in meta.json with the library's code", async () => {
    register(Simple);
    const { stateHash } = await process(new Simple(), SPEC);
    const metaPath = join(cache.root, 'data_processed', stateHash, 'meta.json');
    const meta = JSON.parse(await readFile(metaPath, 'utf8'));
    const setProcessor = (hash: string) => writeFile(metaPath, JSON.stringify({ ...meta, key_dependencies: { processors: [{ class_name: 'Reprojector', source_hash: hash }], classes: {} } }));
    await setProcessor(sourceHash(Reprojector));
    expect((await judged('Simple')).state).toBe('fresh');
    await setProcessor('0'.repeat(64));
    const entry = await judged('Simple');
    expect([entry.state, entry.reasons]).toEqual(['stale', [{ kind: 'processor-code-changed', processor: 'Reprojector', change: 'code', from: '0'.repeat(64), to: sourceHash(Reprojector) }]]);
    expect(describeReason(entry.reasons[0]!)).toBe(`processor Reprojector's code changed (000000000000 → ${sourceHash(Reprojector).slice(0, 12)})`);
  });

  it("calls an entry stale when the dependencies of its registered processor changed, though the processor's own code did not", async () => {
    register(Tooled);
    register(ToolV1);
    const { stateHash } = await process(new Tooled(), SPEC);
    expect((await judged('Tooled')).state).toBe('fresh');
    defaultRegistry.unregister('Tool');
    register(ToolV2);
    CurrentTool = ToolV2;
    expect(sourceHash(ToolV2)).toBe(sourceHash(ToolV1));
    const entry = await judged('Tooled');
    expect(entry.stateHash).toBe(stateHash);
    const from = JSON.parse(await readFile(join(cache.root, 'data_processed', stateHash, 'meta.json'), 'utf8')).processor.dep_tree_hash;
    expect([entry.state, entry.reasons]).toEqual(['stale', [{ kind: 'processor-code-changed', processor: 'Tool', change: 'dependencies', from, to: expect.stringMatching(/^[0-9a-f]{64}$/) }]]);
    expect(dependencyTree(ToolV2)).not.toEqual(dependencyTree(ToolV1));
    expect(describeReason(entry.reasons[0]!)).toMatch(/^processor Tool's dependencies changed \(tree [0-9a-f]{12} → [0-9a-f]{12}\)$/);
  });
});
