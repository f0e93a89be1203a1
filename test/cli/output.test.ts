import { describe, expect, it } from 'vitest';
import { CliContext } from '../../src/cli/command.js';
import { countsLine, formatAge, formatBytes, table } from '../../src/format.js';

function io(errIsTTY: boolean) {
  const written = { out: '', err: '' };
  return { written, io: { out: (t: string) => void (written.out += t), err: (t: string) => void (written.err += t), errIsTTY, cwd: '/' } };
}

describe('CLI output', () => {
  it('draws progress on stderr only when it is a terminal and output is not JSON', () => {
    const tty = io(true);
    const progress = new CliContext(tty.io, { json: false, fullHash: false, root: '/' }).progress();
    progress.onProgress!({ phase: 'scanning entries', done: 1, total: 4 });
    progress.onProgress!({ phase: 'scanning entries', done: 4, total: 4 });
    progress.done();
    expect(tty.written.err).toBe(
      '\r\x1b[2Kscanning entries 1/4 [#####...............]' + '\r\x1b[2Kscanning entries 4/4 [####################]' + '\r\x1b[2K',
    );
    expect(tty.written.out).toBe('');
    const cases: Array<[errIsTTY: boolean, json: boolean]> = [
      [false, false],
      [true, true],
    ];
    for (const [errIsTTY, json] of cases) {
      const quiet = io(errIsTTY);
      const silent = new CliContext(quiet.io, { json, fullHash: false, root: '/' }).progress();
      expect(silent.onProgress).toBeUndefined();
      silent.done();
      expect(quiet.written.err).toBe('');
    }
  });

  it('prints hashes shortened to 12 characters unless asked for whole ones', () => {
    const hash = 'ab'.repeat(32);
    expect(new CliContext(io(false).io, { json: false, fullHash: false, root: '/' }).hash(hash)).toBe('abababababab');
    expect(new CliContext(io(false).io, { json: false, fullHash: true, root: '/' }).hash(hash)).toBe(hash);
  });

  it('formats sizes, ages, counts and tables', () => {
    expect([formatBytes(999), formatBytes(1000), formatBytes(15_300), formatBytes(2_500_000_000)]).toEqual(['999 B', '1.0 kB', '15 kB', '2.5 GB']);
    // The unit is chosen after rounding: never "1000 kB" or "10.0 kB".
    expect([999_499, 999_999, 9_949, 9_960, 99_950, 999_950_000].map(formatBytes)).toEqual(['999 kB', '1.0 MB', '9.9 kB', '10 kB', '100 kB', '1.0 GB']);
    const now = Date.parse('2025-01-31T12:00:00Z');
    expect(['2025-01-31T11:59:20Z', '2025-01-31T11:55:00Z', '2025-01-31T09:00:00Z', '2025-01-20T12:00:00Z', null].map((t) => formatAge(t, now))).toEqual([
      '40s ago',
      '5m ago',
      '3h ago',
      '11d ago',
      '-',
    ]);
    expect(countsLine({ fresh: 3, stale: 0, 'input-changed': 1 })).toBe('3 fresh, 1 input changed');
    expect(countsLine({ fresh: 0 })).toBe('none');
    expect(table(['A', 'LONG'], [['xyz', '1'], ['', 'last column is not padded']])).toBe('A    LONG\nxyz  1\n     last column is not padded');
  });
});
