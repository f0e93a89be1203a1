import type { GdalEngine } from '../wasm/engine.js';
import { ConfigError, describeValue } from './errors.js';
import { limitsProblem, type Limits } from './limits.js';
import { getPlatform, type AsyncContext } from './platform.js';
import { SpatialSpec } from './spec/spatial-spec.js';
import type { StoreAdapter } from './store/adapter.js';
import { isExecutor, type Executor } from './pipeline/executor.js';

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
  /**
   * The folder (Node) or database name (browser) that holds the cache. Default: the working
   * directory. In Node a relative folder is resolved when it is set, against the working directory then.
   */
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
  /** Size limits (see `Limits`): those given replace the defaults, the others stay. */
  limits: Partial<Limits>;
  /**
   * Where misses are computed; default (undefined): in this process. `queueExecutor({ redis })`
   * from `geodata/queue` hands them to workers sharing the store.
   */
  executor: Executor | undefined;
}

const DEFAULTS: ConfigValues = {
  spec: undefined,
  root: '.',
  store: undefined,
  engine: undefined,
  strictFingerprints: false,
  layout: { data: 'data_processed', figures: 'figures', source: '.source' },
  verbose: false,
  limits: {},
  executor: undefined,
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
  limits: (v) => limitsProblem(v),
  executor: (v) => (v === undefined || isExecutor(v) ? undefined : "an executor (queueExecutor({ redis }) from 'geodata/queue'), or undefined to compute here"),
};

/**
 * The configuration: process-wide values, and those `withConfig` blocks give the calls they make.
 * Defaults for store and engine are created on first use from the root, so changing `root`
 * before the first load takes effect.
 */
export class Config {
  #values: ConfigValues = { ...DEFAULTS, layout: { ...DEFAULTS.layout } };
  /** The keys each running `withConfig` block set, following its async calls (where the platform can). */
  #scopes: AsyncContext<Partial<ConfigValues>> | undefined;
  readonly #defaultStores = new Map<string, StoreAdapter>();
  #defaultEngine: GdalEngine | undefined;

  /**
   * Changes settings. Unknown keys and wrong types are errors (nothing is changed then). Inside a
   * `withConfig` block, a key the block set changes for that block only; any other key changes
   * for the whole process.
   * @example getConfig().update({ spec: await SpatialSpec.fromRasterFile('reference.tif'), root: 'cache' })
   */
  update(changes: Partial<ConfigValues>): this {
    checkChanges(changes);
    changes = withResolvedRoot(changes);
    const scoped = this.#scopes?.get();
    const global: Partial<ConfigValues> = {};
    for (const [key, value] of Object.entries(changes) as Array<[keyof ConfigValues, never]>) {
      if (scoped && key in scoped) scoped[key] = value;
      else global[key] = value;
    }
    this.#values = { ...this.#values, ...global };
    return this;
  }

  get spec(): SpatialSpec | undefined {
    return this.#get('spec');
  }
  get root(): string {
    return this.#get('root');
  }
  get strictFingerprints(): boolean {
    return this.#get('strictFingerprints');
  }
  get layout(): CacheLayout {
    return this.#get('layout');
  }
  get verbose(): boolean {
    return this.#get('verbose');
  }
  get limits(): Partial<Limits> {
    return this.#get('limits');
  }
  get executor(): Executor | undefined {
    return this.#get('executor');
  }

  /** The configured store, or the platform's default for `root` (created once per root). */
  get store(): StoreAdapter {
    const configured = this.#get('store');
    if (configured) return configured;
    const root = this.#get('root');
    let store = this.#defaultStores.get(root);
    if (!store) this.#defaultStores.set(root, (store = getPlatform().createStore(root)));
    return store;
  }

  /** The configured engine, or the platform's default (which starts GDAL only on its first call). */
  get engine(): GdalEngine {
    const configured = this.#get('engine');
    if (configured) return configured;
    this.#defaultEngine ??= getPlatform().createEngine();
    return this.#defaultEngine;
  }

  /** A copy of the process-wide values (store and engine as configured, not defaults). */
  snapshot(): ConfigValues {
    return { ...this.#values, layout: { ...this.#values.layout } };
  }

  /** Restores process-wide values taken by `snapshot()`. */
  restore(values: ConfigValues): void {
    this.#values = { ...values, layout: { ...values.layout } };
  }

  /** See {@link withConfig}. */
  async within<T>(changes: Partial<ConfigValues>, fn: () => T | Promise<T>): Promise<T> {
    checkChanges(changes);
    changes = withResolvedRoot(changes);
    this.#scopes ??= getPlatform().createAsyncContext?.<Partial<ConfigValues>>();
    if (this.#scopes) return await this.#scopes.run({ ...this.#scopes.get(), ...changes }, fn);
    // No async context (browsers): the changes hold for the whole page while fn runs. Each key is
    // put back afterwards, unless something else changed it meanwhile.
    const before = this.#values;
    const during = (this.#values = { ...this.#values, ...changes });
    try {
      return await fn();
    } finally {
      const after: Record<string, unknown> = { ...this.#values };
      for (const key of Object.keys(changes) as Array<keyof ConfigValues>) if (this.#values[key] === during[key]) after[key] = before[key];
      this.#values = after as unknown as ConfigValues;
    }
  }

  #get<K extends keyof ConfigValues>(key: K): ConfigValues[K] {
    const scoped = this.#scopes?.get();
    return scoped && key in scoped ? (scoped[key] as ConfigValues[K]) : this.#values[key];
  }
}

const config = new Config();

/** The configuration (see {@link withConfig} for settings that hold for some calls only). */
export function getConfig(): Config {
  return config;
}

/**
 * Runs `fn` with some settings changed for it and the calls it makes, also when `fn` throws, and
 * restores nothing it did not change. In Node the changes follow `fn`'s async calls
 * (AsyncLocalStorage) and nothing else sees them: concurrent blocks each see their own, nested
 * blocks add to the outer one's, and code running meanwhile outside sees the process-wide
 * values. `getConfig().update()` inside the block changes a key the block set for the block only,
 * any other key for the process (it stays changed).
 *
 * Browsers have no AsyncLocalStorage: there the changes hold for the whole page while `fn` runs,
 * and each key is put back when `fn` ends, unless something else changed it meanwhile. Blocks
 * that overlap in time see each other's changes: run them one after another.
 * @example await withConfig({ root: 'scratch-cache' }, () => load(new Elevation()));
 */
export function withConfig<T>(changes: Partial<ConfigValues>, fn: () => T | Promise<T>): Promise<T> {
  return config.within(changes, fn);
}

/** Throws a ConfigError naming the first unknown key or wrong value. */
function checkChanges(changes: Partial<ConfigValues>): void {
  if (!changes || typeof changes !== 'object') throw new ConfigError(`config update needs an object, got ${describeValue(changes)}`);
  for (const [key, value] of Object.entries(changes)) {
    if (!(key in CHECKS)) {
      throw new ConfigError(`unknown config key ${JSON.stringify(key)}; known keys: ${Object.keys(CHECKS).join(', ')}`);
    }
    const problem = CHECKS[key as keyof ConfigValues](value);
    if (problem) throw new ConfigError(`config ${key} must be ${problem}, got ${describeValue(value)}`);
  }
}

/**
 * A relative root resolved now (Node: against the working directory), not when the store is first
 * used: a script that changes directory after configuring keeps the cache where it said.
 */
function withResolvedRoot(changes: Partial<ConfigValues>): Partial<ConfigValues> {
  return changes.root === undefined ? changes : { ...changes, root: getPlatform().resolvePath(changes.root) };
}

function isStore(value: unknown): boolean {
  const methods = ['get', 'has', 'stat', 'keys', 'set', 'setMany', 'remove', 'removePrefix', 'lock'];
  return typeof value === 'object' && value !== null && methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}
