import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { getConfig, onPipelineEvent, type PipelineEvent } from '../../src/node.js';

/**
 * Gives each test a fresh cache root in a temp folder (config `root`), restores the config after
 * the test, and records pipeline events. Returns live accessors.
 */
export function useTempCache(label = 'geodata-test') {
  const state = { root: '', events: [] as PipelineEvent[] };
  let saved: ReturnType<ReturnType<typeof getConfig>['snapshot']>;
  let stop: () => void;
  beforeEach(() => {
    saved = getConfig().snapshot();
    state.root = mkdtempSync(join(tmpdir(), `${label}-`));
    state.events = [];
    getConfig().update({ root: state.root });
    stop = onPipelineEvent('*', (event) => state.events.push(event));
  });
  afterEach(() => {
    stop();
    getConfig().restore(saved);
    rmSync(state.root, { recursive: true, force: true });
  });
  return {
    get root() {
      return state.root;
    },
    get events() {
      return state.events;
    },
    /** Class names of the entries computed (committed) since the test began or since `reset`. */
    computed(): string[] {
      return state.events.filter((e) => e.type === 'commit').map((e) => (e as { className: string }).className);
    },
    hits(): string[] {
      return state.events.filter((e) => e.type === 'hit').map((e) => (e as { className: string }).className);
    },
    resetEvents() {
      state.events.length = 0;
    },
  };
}
