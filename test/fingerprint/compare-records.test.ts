import { describe as group, expect, it } from 'vitest';
import { FINGERPRINT_FORMAT_VERSION, compareRecords, describe, type InstanceRecord } from '../../src/fingerprint/index.js';
import { buildWorld } from './world.js';

class ListProcessor {
  readonly ext = 'tif';
  constructor(readonly files: Uint8Array[]) {}
  inputs() {
    return this.files;
  }
  settings() {
    return { count: this.files.length };
  }
  async run() {}
}

const source = `
  class Layer extends Data {
    constructor(options, files) { super(); this.options = options; this.files = files; }
    get processor() { return this.files ? new ListProcessor(this.files) : undefined; }
  }
  return { Layer };
`;

async function recordOf(options: object, files?: Uint8Array[], spec?: object): Promise<InstanceRecord> {
  const { classes, registry } = buildWorld(source, { ListProcessor });
  return describe(new classes.Layer(options, files), spec, { registry, knownNames: ['ListProcessor'] });
}

group('compareRecords', () => {
  it('finds nothing between two records of the same instance', async () => {
    const a = await recordOf({ zFactor: 1 }, [new Uint8Array([1])], { crs: 'EPSG:4326' });
    const b = await recordOf({ zFactor: 1 }, [new Uint8Array([1])], { crs: 'EPSG:4326' });
    expect(compareRecords(a, b)).toEqual([]);
  });

  it('names added, removed and changed parameters by path, through objects and arrays', async () => {
    const stored = await recordOf({ zFactor: 1, bands: [1, 2], mask: { $kind: 'box', size: 3 }, gone: true });
    const live = await recordOf({ zFactor: 2, bands: [1, 2, 3], mask: { $kind: 'box', size: 3, fill: 0 } });
    expect(compareRecords(live, stored)).toEqual([
      { kind: 'parameter-added', path: 'params.options.bands[2]' },
      { kind: 'parameter-removed', path: 'params.options.gone' },
      { kind: 'parameter-added', path: 'params.options.mask.fill' },
      { kind: 'parameter-changed', path: 'params.options.zFactor', from: 1, to: 2 },
    ]);
  });

  it('compares tagged values whole', async () => {
    const stored = await recordOf({ nodata: NaN, when: new Date(0) });
    const live = await recordOf({ nodata: -9999, when: new Date(1) });
    expect(compareRecords(live, stored)).toEqual([
      { kind: 'parameter-changed', path: 'params.options.nodata', from: { $number: 'NaN' }, to: -9999 },
      { kind: 'parameter-changed', path: 'params.options.when', from: { $date: '1970-01-01T00:00:00.000Z' }, to: { $date: '1970-01-01T00:00:00.001Z' } },
    ]);
  });

  it('reports a processor that appeared, and inputs by position', async () => {
    const stored = await recordOf({}, undefined);
    const live = await recordOf({}, [new Uint8Array([1]), new Uint8Array([2, 3])]);
    const reasons = compareRecords(live, stored);
    expect(reasons.map((r) => r.kind)).toEqual(['parameter-added', 'processor-changed', 'input-changed', 'input-changed']);
    expect(reasons[1]).toMatchObject({ from: null, to: { className: 'ListProcessor', settings: { count: 2 } } });
    expect(reasons.slice(2)).toEqual([
      { kind: 'input-changed', id: 'bytes:1', from: null, to: live.inputs[0]!.sha256 },
      { kind: 'input-changed', id: 'bytes:2', from: null, to: live.inputs[1]!.sha256 },
    ]);
  });

  it('reports a spec change by its hashes', async () => {
    const stored = await recordOf({}, undefined, { crs: 'EPSG:4326' });
    const live = await recordOf({}, undefined, { crs: 'EPSG:3857' });
    expect(compareRecords(live, stored)).toEqual([{ kind: 'spec-changed', from: stored.specHash, to: live.specHash }]);
  });

  it('stops at a different format version', async () => {
    const live = await recordOf({ zFactor: 2 });
    const stored = { ...(await recordOf({ zFactor: 1 })), format_version: 0 };
    expect(compareRecords(live, stored)).toEqual([{ kind: 'format-version', from: 0, to: FINGERPRINT_FORMAT_VERSION }]);
  });

  it('lists unhashed references of the live record as warnings, even when nothing changed', async () => {
    const { classes, registry } = buildWorld(`class Odd extends Data { run() { return mystery(); } } return { Odd };`);
    const record = await describe(new classes.Odd(), undefined, { registry });
    expect(compareRecords(record, record)).toEqual([{ kind: 'unhashed-reference', className: 'Odd', identifier: 'mystery' }]);
  });

  it('says when only the links between unchanged code changed', async () => {
    const source = `
      class Helper extends Data {}
      class User extends Data { run() { return new Helper(); } }
      return { Helper, User };
    `;
    const linked = buildWorld(source);
    const unlinked = buildWorld(source.replace('class Helper extends Data {}', 'class Helper extends Data {}\nHelper.unregistered = true;'));
    const live = await describe(new linked.classes.User(), undefined, { registry: linked.registry });
    const stored = await describe(new unlinked.classes.User(), undefined, { registry: unlinked.registry });
    expect(compareRecords(live, stored)).toEqual([
      { kind: 'dependency-changed', className: 'User', dependency: 'Helper', from: null, to: live.tree.nodes.Helper!.sourceHash },
    ]);
  });
});
