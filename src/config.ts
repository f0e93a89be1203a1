import type { GdalEngine } from '../wasm/engine.js';
import { ConfigError, describeValue } from './errors.js';
import { getPlatform } from './platform.js';
import { SpatialSpec } from './spec/spatial-spec.js';
import type { StoreAdapter } from './store/adapter.js';

/** Folder names inside the cache root, laid out as pygeodata lays them out. */
export interface CacheLayout {
  data: string;
  figures: string;
  source: string;
}

/** Everything `getConfig().update()` accepts. */
export interface ConfigValues {
  /** The spec datasets adapt to when `load`/`process` get none. */
  spec: SpatialSpec | undefined;
  /** The folder (Node) or database name (browser) that holds the cache. Default: the working directory. */
  root: string;
  /** The store adapter; default: the platform's for `root` (filesystem in Node, IndexedDB in browsers). */
  store: StoreAdapter | undefined;
  /** The GDAL engine; default: the platform's, started on first use. */
  engine: GdalEngine | undefined;
  /** Make unhashed references in class bodies an error instead of a warning. */
  strictFingerprints: boolean;
  /** Folder names for data, figures and the code registry inside the root. */
  layout: CacheLayout;
  /** Print one line per computed or damaged entry (the events are emitted either way). */
  verbose: boolean;
}

const DEFAULTS: ConfigValues = {
  spec: undefined,
  root: '.',
  store: undefined,
  engine: undefined,
  strictFingerprints: false,
  layout: { data: 'data_processed', figures: 'figures', source: '.source' },
  verbose: false,
};

const CHECKS: { [K in keyof ConfigValues]: (value: unknown) => string | undefined } = {
  spec: (v) => (v === undefined || v instanceof SpatialSpec ? undefined : 'a SpatialSpec (new SpatialSpec({ crs, transform, shape }))'),
  root: (v) => (typeof v === 'string' && v !== '' ? undefined : 'a non-empty path string'),
  store: (v) => (v === undefined || isStore(v) ? undefined : 'a store adapter (fsStore, indexedDbStore or memoryStore)'),
  engine: (v) => (v === undefined || (typeof v === 'object' && v !== null && 'warp' in v) ? undefined : 'a GDAL engine'),
  strictFingerprints: (v) => (typeof v === 'boolean' ? undefined : 'true or false'),
  layout: (v) =>
    v && typeof v === 'object' && ['data', 'figures', 'source'].every((k) => typeof (v as Record<string, unknown>)[k] === 'string')
      ? undefined
      : 'an object { data, figures, source } of folder names',
  verbose: (v) => (typeof v === 'boolean' ? undefined : 'true or false'),
};

/**
 * The process-wide configuration. Defaults for store and engine are created on first use from
 * the root, so changing `root` before the first load takes effect.
 */
export class Config {
  #values: ConfigValues = { ...DEFAULTS, layout: { ...DEFAULTS.layout } };
  #defaultStore: { root: string; store: StoreAdapter } | undefined;
  #defaultEngine: GdalEngine | undefined;

  /**
   * Changes settings. Unknown keys and wrong types are errors (nothing is changed then).
   * @example getConfig().update({ spec: await SpatialSpec.fromRasterFile('reference.tif'), root: 'cache' })
   */
  update(changes: Partial<ConfigValues>): this {
    if (!changes || typeof changes !== 'object') throw new ConfigError(`config update needs an object, got ${describeValue(changes)}`);
    for (const [key, value] of Object.entries(changes)) {
      if (!(key in CHECKS)) {
        throw new ConfigError(`unknown config key ${JSON.stringify(key)}; known keys: ${Object.keys(CHECKS).join(', ')}`);
      }
      const problem = CHECKS[key as keyof ConfigValues](value);
      if (problem) throw new ConfigError(`config ${key} must be ${problem}, got ${describeValue(value)}`);
    }
    this.#values = { ...this.#values, ...changes };
    return this;
  }

  get spec(): SpatialSpec | undefined {
    return this.#values.spec;
  }
  get root(): string {
    return this.#values.root;
  }
  get strictFingerprints(): boolean {
    return this.#values.strictFingerprints;
  }
  get layout(): CacheLayout {
    return this.#values.layout;
  }
  get verbose(): boolean {
    return this.#values.verbose;
  }

  /** The configured store, or the platform's default for `root` (created once per root). */
  get store(): StoreAdapter {
    if (this.#values.store) return this.#values.store;
    const root = this.#values.root;
    if (this.#defaultStore?.root !== root) this.#defaultStore = { root, store: getPlatform().createStore(root) };
    return this.#defaultStore.store;
  }

  /** The configured engine, or the platform's default (which starts GDAL only on its first call). */
  get engine(): GdalEngine {
    if (this.#values.engine) return this.#values.engine;
    this.#defaultEngine ??= getPlatform().createEngine();
    return this.#defaultEngine;
  }

  /** A copy of the current values (store and engine as configured, not defaults). */
  snapshot(): ConfigValues {
    return { ...this.#values, layout: { ...this.#values.layout } };
  }

  /** Restores values taken by `snapshot()`. */
  restore(values: ConfigValues): void {
    this.#values = { ...values, layout: { ...values.layout } };
  }
}

const config = new Config();

/** The process-wide configuration. */
export function getConfig(): Config {
  return config;
}

/**
 * Runs `fn` with some settings changed and restores them afterwards, also when `fn` throws.
 * Overrides are process-wide while `fn` runs: do not run two `withConfig` blocks concurrently.
 * @example await withConfig({ root: 'scratch-cache' }, () => load(new Elevation()));
 */
export async function withConfig<T>(changes: Partial<ConfigValues>, fn: () => T | Promise<T>): Promise<T> {
  const saved = config.snapshot();
  config.update(changes);
  try {
    return await fn();
  } finally {
    config.restore(saved);
  }
}

function isStore(value: unknown): boolean {
  const methods = ['get', 'has', 'stat', 'keys', 'set', 'setMany', 'remove', 'removePrefix', 'lock'];
  return typeof value === 'object' && value !== null && methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}
