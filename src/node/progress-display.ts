// Node only: progress of pipeline work drawn on a terminal (stderr by default).
import { onPipelineEvent, type PipelineEvent } from '../pipeline/events.js';

/** Where the display draws: a terminal stream (`process.stderr`) or anything with `write`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of {@link showProgress}. */
export interface ShowProgressOptions {
  /** Default `process.stderr`. */
  stream?: ProgressStream;
  /** Draw even when the stream is not a terminal (tests, `script` recordings). Default false. */
  force?: boolean;
  /** Milliseconds between redraws of the live lines (default 100); 0 redraws on every event. */
  interval?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** A running computation as the display shows it. */
interface Running {
  className: string;
  stateHash: string;
  startedAt: number;
  step: string;
  fraction: number | undefined;
  message: string | undefined;
  /** Whether an entry was there (stale or damaged) and is replaced. */
  replaces: boolean;
}

const BAR = 20;
/** Milliseconds between redraws while something runs, so elapsed times move without events. */
const TICK = 1000;

/**
 * Shows the progress of pipeline work on a terminal: one live line per entry being computed
 * (its class, state hash, step, elapsed time and GDAL's own progress as a bar where the engine
 * reports it), a permanent line for each entry computed, recomputed or failed, and the number of
 * cache hits. Quiet when the stream is not a terminal (output piped to a file or a CI log) unless
 * `force`. Returns a function that stops it and clears the live lines.
 * @example
 * import { showProgress } from 'geodata';
 * showProgress(); // one line in a script: loads and produces now show their progress on stderr
 */
export function showProgress(options: ShowProgressOptions = {}): () => void {
  const stream = options.stream ?? process.stderr;
  if (!options.force && !stream.isTTY) return () => {};
  // The display writes with the stream's own write, which passThrough below replaces for others.
  const write = stream.write.bind(stream);
  const own: ProgressStream = { write, get isTTY() { return stream.isTTY; }, get columns() { return stream.columns; } };
  const display = new ProgressDisplay(own, options.interval ?? 100, options.now ?? Date.now);
  const stop = onPipelineEvent('*', (event) => display.handle(event));
  // Only a display on the terminal shares its screen with the process's other output.
  const release = stream.isTTY ? passThrough([process.stdout, process.stderr].filter((target) => target.isTTY), display) : () => {};
  return () => {
    stop();
    release();
    display.close();
  };
}

/**
 * Routes other writes to the terminal (console.log in a _process, geodata's warnings and verbose
 * lines) around the live lines: they are erased first and drawn again below, so nothing written
 * while an entry computes is erased by the next frame or left under a stale live line. Returns a
 * function that puts the streams' own write back. Exported for tests.
 */
export function passThrough(targets: readonly ProgressStream[], display: ProgressDisplay): () => void {
  const restores = targets.map((target) => {
    const original = target.write;
    const patched = function (this: unknown, chunk: unknown, ...rest: unknown[]): unknown {
      return display.interleave(() => (original as (...args: unknown[]) => unknown).call(target, chunk, ...rest), endsLine(chunk));
    };
    target.write = patched as ProgressStream['write'];
    return () => {
      if (target.write === patched) target.write = original;
    };
  });
  return () => restores.forEach((restore) => restore());
}

function endsLine(chunk: unknown): boolean {
  if (typeof chunk === 'string') return chunk.endsWith('\n');
  return chunk instanceof Uint8Array && chunk.length > 0 && chunk[chunk.length - 1] === 10;
}

/** The display's state and drawing, driven by pipeline events. Exported for tests. */
export class ProgressDisplay {
  readonly #running = new Map<string, Running>();
  /** Why an entry is computed, from its `miss` event, until it starts. */
  readonly #reasons = new Map<string, string>();
  #hits = 0;
  #computed = 0;
  /** Live lines on screen now (erased before anything else is written). */
  #shown = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether another writer left a line unfinished: live lines wait until it is ended. */
  #lineOpen = false;
  /** Redraws while entries run: a warp's first event, or GDAL's start, can be seconds away. */
  #ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly stream: ProgressStream,
    private readonly interval: number,
    private readonly now: () => number,
  ) {}

  handle(event: PipelineEvent): void {
    // A batch's entries report their own events; the batch totals add nothing to the live lines.
    if (event.type === 'batch') return;
    const key = `${event.className}\0${event.stateHash}`;
    switch (event.type) {
      case 'hit':
        this.#hits++;
        this.#schedule();
        return;
      case 'miss':
        this.#reasons.set(key, event.reason === 'absent' ? 'computing' : event.reason === 'stale' ? `recomputing (${event.detail ?? 'stale'})` : `recomputing (damaged${event.detail ? `: ${event.detail}` : ''})`);
        return;
      case 'start': {
        const step = this.#reasons.get(key) ?? 'computing';
        this.#running.set(key, { className: event.className, stateHash: event.stateHash, startedAt: this.now(), step, fraction: undefined, message: undefined, replaces: step.startsWith('recomputing') });
        this.#reasons.delete(key);
        this.#draw();
        return;
      }
      case 'progress': {
        const running = this.#running.get(key);
        if (!running) return;
        running.fraction = event.fraction;
        running.message = event.message;
        this.#schedule();
        return;
      }
      case 'commit': {
        const running = this.#running.get(key);
        if (running) running.step = 'committing';
        // A co-output commits without a start of its own: it is counted, not shown.
        if (!running) this.#computed++;
        return;
      }
      case 'finish': {
        const running = this.#running.get(key);
        this.#running.delete(key);
        this.#computed++;
        const seconds = (event.durationMs / 1000).toFixed(2);
        this.#draw(`✓ ${label(event.className, event.stateHash)} ${running?.replaces ? 'recomputed' : 'computed'} in ${seconds} s`);
        return;
      }
      case 'fail': {
        this.#running.delete(key);
        const message = event.error instanceof Error ? event.error.message : String(event.error);
        this.#draw(`✗ ${label(event.className, event.stateHash)} failed: ${firstLine(message)}`);
        return;
      }
      case 'damaged':
        return;
    }
  }

  /**
   * The live lines as they would be drawn now, each at most `width` characters: the step's reason
   * and GDAL's message are shortened first, so the bar and the elapsed time stay in view.
   */
  liveLines(width = Infinity): string[] {
    const now = this.now();
    const lines = [...this.#running.values()].map((running) => {
      const elapsed = `${((now - running.startedAt) / 1000).toFixed(1)} s`;
      const bar = running.fraction === undefined ? '' : ` [${'#'.repeat(Math.round(running.fraction * BAR)).padEnd(BAR, '.')}] ${Math.round(running.fraction * 100)}%`;
      const head = `… ${label(running.className, running.stateHash)} `;
      // Reasons and messages may hold line breaks (an error's text): one line each, or erasing miscounts.
      const step = oneLine(running.step);
      const message = oneLine(running.message ?? '');
      const room = width - head.length - bar.length - `  ${elapsed}`.length;
      const shownStep = shorten(step, room);
      const shownMessage = shorten(message, room - shownStep.length - 1);
      return `${head}${shownStep}${bar}${shownMessage ? ` ${shownMessage}` : ''}  ${elapsed}`.slice(0, width);
    });
    if (lines.length > 0 || this.#hits > 0) lines.push(`  ${this.#computed} computed, ${this.#hits} cache hit${this.#hits === 1 ? '' : 's'}, ${this.#running.size} running`);
    return lines;
  }

  /**
   * Runs another writer's write to the same terminal: the live lines are erased before it and
   * drawn again after it. After a write that leaves its line open (no newline yet) they are drawn
   * again only once a later write ends that line, so they never land in the middle of it.
   */
  interleave<T>(write: () => T, endsLine: boolean): T {
    if (this.#shown > 0) this.#erase();
    const result = write();
    this.#lineOpen = !endsLine;
    if (endsLine && this.#running.size > 0) this.#draw();
    return result;
  }

  /** Erases the live lines and stops redrawing. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#tick(false);
    this.#erase();
  }

  /** Starts or stops the periodic redraw. */
  #tick(on: boolean): void {
    if (on && !this.#ticker) {
      this.#ticker = setInterval(() => this.#draw(), TICK);
      this.#ticker.unref?.();
    } else if (!on && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  #schedule(): void {
    if (this.interval === 0) return this.#draw();
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#draw();
    }, this.interval);
    this.#timer.unref?.();
  }

  /**
   * Redraws: erases the live lines, writes `permanent` above them, then the live lines again.
   * Nothing stays on screen once no computation runs, so a script's own output between its
   * calls is never overwritten.
   */
  #draw(permanent?: string): void {
    const width = Math.max(20, (this.stream.columns ?? 100) - 1);
    let text = this.#eraseText();
    if (permanent) text += `${permanent}\n`;
    const live = this.#running.size > 0 && !this.#lineOpen ? this.liveLines(width) : [];
    for (const line of live) text += `${line}\n`;
    this.#shown = live.length;
    this.#tick(this.#running.size > 0);
    if (text) this.stream.write(text);
  }

  #erase(): void {
    const text = this.#eraseText();
    this.#shown = 0;
    if (text) this.stream.write(text);
  }

  #eraseText(): string {
    // Up to the first live line, then clear to the end of the screen.
    return this.#shown > 0 ? `\x1b[${this.#shown}F\x1b[0J` : '';
  }
}

function label(className: string, stateHash: string): string {
  return `${className} ${stateHash.slice(0, 8)}`;
}

/** Text on one line: line breaks and other control characters become spaces. */
function oneLine(text: string): string {
  return text.replace(/[\s\x00-\x1f\x7f]+/g, ' ').trim();
}

/** `text` cut to `max` characters, ending in an ellipsis when cut; empty when there is no room. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 0 ? '' : `${text.slice(0, max - 1)}…`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}
