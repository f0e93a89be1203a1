import { describe, expect, it } from 'vitest';
import { describeCacheReason, describeReason, type CacheReason, type StaleReason } from '../../src/node.js';

// One vocabulary for why an entry is not a hit: `explain`, the pipeline's miss events and the
// cache's listings all give StaleReasons, said by one describeReason.
describe('describeReason', () => {
  it('says the reasons only a stored entry can have', () => {
    expect(describeReason({ kind: 'incomplete', problem: 'no meta.json' })).toBe('incomplete: no meta.json (left by an interrupted run)');
    expect(describeReason({ kind: 'upstream-changed', stateHash: 'ab'.repeat(32), className: 'Elevation', state: 'stale' })).toBe(
      'its parameter entry abababababab (Elevation) is stale',
    );
  });

  it('says which layout an entry of an older geodata has, in explain as in the cache listings', () => {
    expect(describeReason({ kind: 'entry-format', from: 0, to: 2 })).toBe('meta.json has format_version 0, and this version of geodata writes 2');
  });

  it('says which input is gone, and which processor changed its code, whoever asks', () => {
    expect(describeReason({ kind: 'input-changed', id: 'dem.tif', from: 'a'.repeat(64), to: null })).toBe('input dem.tif is missing or unreadable');
    expect(describeReason({ kind: 'input-changed', id: 'dem.tif', from: 'a'.repeat(64), to: 'b'.repeat(64) })).toBe('input dem.tif changed (aaaaaaaaaaaa → bbbbbbbbbbbb)');
    const processor = (sourceHash: string) => ({ className: 'Reprojector', sourceHash, settings: {} });
    expect(describeReason({ kind: 'processor-changed', from: processor('1'.repeat(64)), to: processor('2'.repeat(64)) })).toBe(
      "processor Reprojector's code changed (111111111111 → 222222222222)",
    );
    expect(describeReason({ kind: 'processor-changed', from: processor('1'.repeat(64)), to: null })).toBe('the processor changed (Reprojector → none)');
  });

  it('keeps the cache names as aliases of the one vocabulary', () => {
    expect(describeCacheReason).toBe(describeReason);
    const reason: CacheReason = { kind: 'damaged', problem: 'output missing' };
    const same: StaleReason = reason;
    expect(describeCacheReason(same)).toBe('damaged: output missing');
  });
});
