import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ProgressDisplay, passThrough, showProgress } from '../../src/node/progress-display.js';
import { REPO } from './cli-helpers.js';

const HASH = 'ab12cd34'.repeat(8);
const OTHER = 'ef56ab78'.repeat(8);

function recorder() {
  const writes: string[] = [];
  return { writes, stream: { write: (text: string) => writes.push(text), isTTY: true, columns: 120 } };
}

describe('the progress display', () => {
  it('draws a live line per running entry with GDAL progress as a bar, and a permanent line when it finishes', () => {
    const { writes, stream } = recorder();
    let now = 1000;
    const display = new ProgressDisplay(stream, 0, () => now);
    display.handle({ type: 'hit', className: 'Elevation', stateHash: OTHER, objectType: 'data' });
    display.handle({ type: 'miss', className: 'Slope', stateHash: HASH, objectType: 'data', reason: 'stale', detail: 'Slope ← Elevation: input dem.tif changed' });
    display.handle({ type: 'start', className: 'Slope', stateHash: HASH });
    now = 2500;
    display.handle({ type: 'progress', className: 'Slope', stateHash: HASH, fraction: 0.5, message: 'warp' });
    expect(display.liveLines()).toEqual([
      '… Slope ab12cd34 recomputing (Slope ← Elevation: input dem.tif changed) [##########..........] 50% warp  1.5 s',
      '  0 computed, 1 cache hit, 1 running',
    ]);
    display.handle({ type: 'commit', className: 'Slope', stateHash: HASH, key: `data_processed/${HASH}/`, size: 10 });
    display.handle({ type: 'finish', className: 'Slope', stateHash: HASH, durationMs: 1530 });
    // Each frame erases the live lines drawn before it; once nothing runs, none are left.
    expect(writes).toEqual([
      '… Slope ab12cd34 recomputing (Slope ← Elevation: input dem.tif changed)  0.0 s\n  0 computed, 1 cache hit, 1 running\n',
      '\x1b[2F\x1b[0J… Slope ab12cd34 recomputing (Slope ← Elevation: input dem.tif changed) [##########..........] 50% warp  1.5 s\n  0 computed, 1 cache hit, 1 running\n',
      '\x1b[2F\x1b[0J✓ Slope ab12cd34 recomputed in 1.53 s\n',
    ]);
  });

  it('says which entry failed, with the first line of its error', () => {
    const { writes, stream } = recorder();
    const display = new ProgressDisplay(stream, 0, () => 0);
    display.handle({ type: 'start', className: 'Chart', stateHash: HASH });
    display.handle({ type: 'fail', className: 'Chart', stateHash: HASH, error: new Error('no spec for Chart\nmore') });
    expect(writes.at(-1)).toBe('\x1b[2F\x1b[0J✗ Chart ab12cd34 failed: no spec for Chart\n');
  });

  it('keeps the bar and the elapsed time on an 80-column line, shortening a long reason and GDAL message instead', () => {
    const writes: string[] = [];
    let now = 0;
    const display = new ProgressDisplay({ write: (text: string) => writes.push(text), isTTY: true, columns: 81 }, 0, () => now);
    display.handle({ type: 'miss', className: 'Slope', stateHash: HASH, objectType: 'data', reason: 'stale', detail: 'Slope ← Elevation: input /work/shared/data/elevation_of_the_whole_country.tif changed' });
    display.handle({ type: 'start', className: 'Slope', stateHash: HASH });
    now = 2500;
    display.handle({ type: 'progress', className: 'Slope', stateHash: HASH, fraction: 0.5, message: 'Processing /tmp/project/.staging/ab12cd34-p1.tif' });
    const line = '… Slope ab12cd34 recomputing (Slope ← Elevati… [##########..........] 50%  2.5 s';
    expect(line.length).toBe(80);
    expect(display.liveLines(80)[0]).toBe(line);
    expect(writes.at(-1)).toBe(`\x1b[2F\x1b[0J${line}\n  0 computed, 0 cache hits, 1 running\n`);
    // With room, the message follows the bar.
    expect(display.liveLines(200)[0]).toBe(
      '… Slope ab12cd34 recomputing (Slope ← Elevation: input /work/shared/data/elevation_of_the_whole_country.tif changed) [##########..........] 50% Processing /tmp/project/.staging/ab12cd34-p1.tif  2.5 s',
    );
    display.close();
  });

  it('draws a reason holding line breaks on one line, so the next frame erases exactly what was drawn', () => {
    const { writes, stream } = recorder();
    const display = new ProgressDisplay(stream, 0, () => 0);
    display.handle({ type: 'miss', className: 'Chart', stateHash: HASH, objectType: 'figure', reason: 'damaged', detail: 'meta.json is not JSON:\nUnexpected token\r\n at 3' });
    display.handle({ type: 'start', className: 'Chart', stateHash: HASH });
    expect(writes).toEqual(['… Chart ab12cd34 recomputing (damaged: meta.json is not JSON: Unexpected token at 3)  0.0 s\n  0 computed, 0 cache hits, 1 running\n']);
    display.handle({ type: 'finish', className: 'Chart', stateHash: HASH, durationMs: 10 });
    // Two lines drawn, two lines erased.
    expect(writes.at(-1)).toBe('\x1b[2F\x1b[0J✓ Chart ab12cd34 recomputed in 0.01 s\n');
  });

  it('moves the elapsed time every second while an entry computes without reporting progress, and stops once it is done', () => {
    vi.useFakeTimers();
    try {
      const { writes, stream } = recorder();
      const display = new ProgressDisplay(stream, 100, () => Date.now());
      display.handle({ type: 'start', className: 'Waiting', stateHash: HASH });
      vi.advanceTimersByTime(2500);
      expect(writes.map((text) => /Waiting ab12cd34 computing {2}(\d+\.\d) s/.exec(text)?.[1])).toEqual(['0.0', '1.0', '2.0']);
      display.handle({ type: 'finish', className: 'Waiting', stateHash: HASH, durationMs: 2600 });
      const count = writes.length;
      vi.advanceTimersByTime(5000);
      expect(writes.length).toBe(count);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('puts a line written to the terminal while an entry computes (a verbose line, a warning) above the live lines, leaving none stale', () => {
    // One log of the terminal: the display's frames and the other stream's writes, in order.
    const terminal: string[] = [];
    const display = new ProgressDisplay({ write: (text: string) => terminal.push(text), isTTY: true, columns: 120 }, 0, () => 0);
    const stdout = { write: (text: string) => terminal.push(`stdout:${text}`), isTTY: true };
    const release = passThrough([stdout], display);
    display.handle({ type: 'start', className: 'Map', stateHash: HASH });
    display.handle({ type: 'start', className: 'Elevation', stateHash: OTHER });
    display.handle({ type: 'finish', className: 'Elevation', stateHash: OTHER, durationMs: 1000 });
    stdout.write('geodata: computed Elevation (ef56ab78ef56) in 1.00 s\n');
    stdout.write('half a ');
    stdout.write('line\n');
    display.handle({ type: 'finish', className: 'Map', stateHash: HASH, durationMs: 2000 });
    release();
    stdout.write('after\n');
    const live = '… Map ab12cd34 computing  0.0 s\n';
    expect(terminal).toEqual([
      `${live}  0 computed, 0 cache hits, 1 running\n`,
      `\x1b[2F\x1b[0J${live}… Elevation ef56ab78 computing  0.0 s\n  0 computed, 0 cache hits, 2 running\n`,
      `\x1b[3F\x1b[0J✓ Elevation ef56ab78 computed in 1.00 s\n${live}  1 computed, 0 cache hits, 1 running\n`,
      // The live lines make way for the line, then come back below it.
      '\x1b[2F\x1b[0J',
      'stdout:geodata: computed Elevation (ef56ab78ef56) in 1.00 s\n',
      `${live}  1 computed, 0 cache hits, 1 running\n`,
      '\x1b[2F\x1b[0J',
      // A line written in two parts gets no live lines in its middle.
      'stdout:half a ',
      'stdout:line\n',
      `${live}  1 computed, 0 cache hits, 1 running\n`,
      '\x1b[2F\x1b[0J✓ Map ab12cd34 computed in 2.00 s\n',
      'stdout:after\n',
    ]);
  });

  it('stays quiet when the stream is not a terminal', () => {
    const { writes, stream } = recorder();
    const stop = showProgress({ stream: { ...stream, isTTY: false }, interval: 0 });
    stop();
    expect(writes).toEqual([]);
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const SCRIPT = join(REPO, 'test', 'cli', 'fixtures', 'slow-pipeline.ts');
const work = mkdtempSync(join(tmpdir(), 'geodata-progress-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!hasTmux)('showProgress() in a terminal (tmux)', () => {
  it('shows the running entry while it computes, then its result line, and none of it when piped', async () => {
    const session = `geodata-progress-${process.pid}`;
    const go = join(work, 'go');
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '20', `${TSX} ${SCRIPT} ${join(work, 'cache')} ${go}; sleep 60`]);
    const screen = () => execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }).split('\n').filter((line) => line.trim() !== '');
    try {
      let running: string[] = [];
      for (let tries = 0; tries < 400 && !running.some((line) => line.startsWith('… Waiting')); tries++) {
        await sleep(100);
        running = screen();
      }
      expect(running).toEqual([expect.stringMatching(/^… Waiting [0-9a-f]{8} computing {2}\d+\.\d s$/), '  0 computed, 0 cache hits, 1 running']);
      writeFileSync(go, '');
      let done: string[] = [];
      for (let tries = 0; tries < 200 && !done.some((line) => line.startsWith('script output')); tries++) {
        await sleep(100);
        done = screen();
      }
      expect(done).toEqual([expect.stringMatching(/^✓ Waiting [0-9a-f]{8} computed in \d+\.\d\d s$/), 'script output: done']);
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
    // Piped (not a terminal): the script's own output only.
    const piped = spawnSync(TSX, [SCRIPT, join(work, 'piped'), go], { encoding: 'utf8', timeout: 60_000 });
    expect([piped.status, piped.stdout, piped.stderr]).toEqual([0, 'script output: done\n', '']);
  }, 90_000);
});
