import { getConfig } from '../config.js';
import { Figure } from '../data/figure.js';
import type { LoadResult } from '../data/load-result.js';
import type { Tracked } from '../data/tracked.js';
import { driverForExtension } from '../drivers/builtin.js';
import type { Driver } from '../drivers/driver.js';
import { GeodataError, PipelineError, StoreError } from '../errors.js';
import { thrownText } from '../format.js';
import { getPlatform } from '../platform.js';
import { nameRemoteInputs } from '../sources/remote-input.js';
import { SpatialSpec } from '../spec/spatial-spec.js';
import type { StaleReason } from '../fingerprint/record.js';
import { type ActiveOutput, currentRecording, endComputation, inCallChain, runComputation } from './active.js';
import { recordCode } from './code-registry.js';
import { commitOutputs, type ProducedOutput } from './commit.js';
import { checkEntry, type EntryCheck, type EntryDecoder, type EntryMeta } from './entry.js';
import { emit, type PipelineEvent } from './events.js';
import { computesLocally, type Executor } from './executor.js';
import { describeReason } from './describe-reason.js';
import { identify, keyDependencies, outputFileName, prepareIdentity, upstreamOf, type Identity } from './identity.js';
import { entryPrefix } from './layout.js';
import { checkGridFits, checkOutputFits } from './output-limits.js';
import { committedOutputPath, rememberOutputFile } from './paths.js';
import { readGrid } from '../raster/read-raster.js';
import { isHit, judgeEntry, type Judged } from './recorded-check.js';
import { assertUnchangedWhileComputed } from './parameter-drift.js';
import { runProducer } from './run-producer.js';
import { noteYielded, takeSiblingTurn } from './sibling-runs.js';
import { resolveSpec } from './spec-resolution.js';
import { instanceMixup } from '../instance-mixup.js';

/** A committed entry, as `process()` returns it. */
export interface ProcessedEntry {
  stateHash: string;
  /** Where GDAL can open the output (see `getProcessedPath`). */
  path: string;
  meta: EntryMeta;
  /** Whether this call computed the entry (false: it came from the cache). */
  computed: boolean;
}

/**
 * Makes sure the entry of `instance` at `spec` exists, computing it (and, first, whatever its
 * `_process` asks for) only when the cache has no valid entry. Returns where the output is.
 * @example await produce(new ElevationLoader(), spec);
 */
export async function process(instance: Tracked, spec?: SpatialSpec): Promise<ProcessedEntry> {
  const { identity, resolved } = await identifyFor(instance, spec);
  const result = await ensureEntry(instance, resolved, identity, false);
  const path = committedOutputPath(identity, result.meta.output.file);
  rememberOutputFile(identity.stateHash, result.meta.output.file);
  const store = getConfig().store;
  if (!store.localPath) {
    // GDAL needs a path: give it a workspace copy of the committed bytes.
    const workspace = getPlatform().workspace();
    if ((await workspace.size(path)) !== result.meta.output.size) {
      const read = async () => {
        const bytes = result.bytes ?? (await store.get(result.outputKey));
        if (!bytes) throw new PipelineError(`entry ${identity.stateHash.slice(0, 12)} of ${identity.className} vanished while being read; run again`);
        return bytes;
      };
      if (workspace.deferFile) {
        // Copied into GDAL's file system only if GDAL starts: a run of hits never starts it.
        await workspace.deferFile(path, result.meta.output.size, read);
      } else {
        await workspace.mkdir(path.slice(0, path.lastIndexOf('/')));
        await workspace.writeFile(path, await read());
      }
    }
  }
  return { stateHash: identity.stateHash, path, meta: result.meta, computed: result.computed };
}

/**
 * Returns the output of `instance` at `spec` (default: the configured spec), computing it if
 * needed: a `Raster` for GeoTIFFs, parsed GeoJSON, or bytes, unless the class or its processor
 * names a driver. Its type comes from the class where the types tell (see `LoadResult`), else
 * name it: `load<Raster>(...)`.
 * @example const elevation = await load(new ElevationLoader()); // a Raster
 */
export function load<I extends Tracked>(instance: I, spec?: SpatialSpec): Promise<LoadResult<I>>;
export function load<T>(instance: Tracked, spec?: SpatialSpec): Promise<T>;
export async function load(instance: Tracked, spec?: SpatialSpec): Promise<unknown> {
  if (instance instanceof Figure) {
    throw new PipelineError(`${instance.constructor.name} is a Figure: figures have no load(); use await produce(figure) and open the PNG at its path`);
  }
  prepareDriver(instance);
  const { identity, resolved } = await identifyFor(instance, spec);
  // Decoded while the output's checksum is computed (see EntryDecoder).
  const result = await ensureEntry(instance, resolved, identity, true, (bytes, meta, spec) => readOutput(instance, meta, bytes, spec));
  return result.decoded ? result.decoded.value : readOutput(instance, result.meta, result.bytes!, result.spec ?? resolved);
}

/**
 * The committed output of any entry (a figure's too) as bytes, computing it if needed; nothing is
 * decoded and GDAL's file system is not touched. For `figureBytes`/`figureUrl`.
 */
export async function outputBytes(instance: Tracked, spec?: SpatialSpec): Promise<{ bytes: Uint8Array; meta: EntryMeta; stateHash: string; computed: boolean }> {
  const { identity, resolved } = await identifyFor(instance, spec);
  const result = await ensureEntry(instance, resolved, identity, true);
  return { bytes: result.bytes!, meta: result.meta, stateHash: identity.stateHash, computed: result.computed };
}

async function identifyFor(instance: Tracked, spec: SpatialSpec | undefined): Promise<{ identity: Identity; resolved: SpatialSpec }> {
  assertTracked(instance);
  const resolved = resolveSpec(spec, instance.constructor.name);
  await prepareIdentity(instance);
  return { identity: identify(instance, resolved), resolved };
}

interface EnsuredEntry {
  meta: EntryMeta;
  outputKey: string;
  bytes?: Uint8Array;
  /** The spec read from spec.json (with `bytes`). */
  spec?: SpatialSpec;
  /** The output decoded by the `decode` given to ensureEntry, when it ran. */
  decoded?: { value: unknown };
  computed: boolean;
}

async function ensureEntry(instance: Tracked, spec: SpatialSpec, identity: Identity, bytes: boolean, decode?: EntryDecoder): Promise<EnsuredEntry> {
  if (inCallChain(identity.stateHash)) {
    throw new PipelineError(`${identity.className} depends on itself: its entry ${identity.stateHash.slice(0, 12)} is being computed higher up this call chain`);
  }
  let first = await judgeEntry(identity.objectType, identity.stateHash, { bytes, ...(decode ? { decode } : {}) });
  let endRun: () => void = () => undefined;
  while (!isHit(first)) {
    // A sibling's computation running now may be writing this entry as its co-output: wait for it.
    const turn = takeSiblingTurn(instance, identity);
    if ('end' in turn) {
      endRun = turn.end;
      break;
    }
    await turn.waitFor;
    first = await judgeEntry(identity.objectType, identity.stateHash, { bytes, ...(decode ? { decode } : {}) });
  }
  if (isHit(first)) return hit(identity, first.check);
  const store = getConfig().store;
  const executor = getConfig().executor;
  try {
    // Before the lock and any work: a grid load() could not read is refused at once.
    if (!(instance instanceof Figure)) checkGridFits(identity.className, spec, outputFileName(instance));
    if (executor && !computesLocally(instance)) return await computeElsewhere(executor, instance, spec, identity, first, bytes);
    const release = await store.lock(`entry-${identity.stateHash}`, { onWait: ({ holder, path }) => console.warn(waitingMessage(identity, holder, path)) });
    try {
      // Someone may have committed it while we waited for the lock.
      const again = await judgeEntry(identity.objectType, identity.stateHash, { bytes, ...(decode ? { decode } : {}) });
      if (isHit(again)) return hit(identity, again.check);
      const { check, stale } = again;
      if (check.state === 'damaged') reportDamage(identity, check.problem);
      // A stale entry stays until its replacement is committed over it; anything else goes. Also an
      // 'absent' one: a folder of temporary files a killed commit left is invisible to keys() but
      // would block the commit's rename.
      if (!stale) await store.removePrefix(entryPrefix(identity.objectType, identity.stateHash));
      emit({
        type: 'miss',
        className: identity.className,
        stateHash: identity.stateHash,
        objectType: identity.objectType,
        ...missReason(check, stale),
      });
      await compute(instance, spec, identity);
      const done = await checkEntry(identity.objectType, identity.stateHash, { bytes, ...(decode ? { decode } : {}) });
      if (done.state !== 'valid') {
        throw new PipelineError(`${identity.className} was computed but its entry does not read back (${done.state === 'absent' ? 'absent' : done.problem}); check the store ${store.name}`);
      }
      recordUse(identity, done.meta);
      return { meta: done.meta, outputKey: done.outputKey, bytes: done.bytes, spec: done.spec, ...(done.decoded ? { decoded: done.decoded } : {}), computed: true };
    } finally {
      await release();
    }
  } finally {
    endRun();
  }
}

/**
 * A miss handed to the configured executor (a job queue): it has the entry computed and committed
 * to the shared store, then the entry is read back here like a hit, checked as any entry is.
 */
async function computeElsewhere(
  executor: Executor,
  instance: Tracked,
  spec: SpatialSpec,
  identity: Identity,
  first: Judged,
  bytes: boolean,
): Promise<EnsuredEntry> {
  const { className, stateHash } = identity;
  emit({ type: 'miss', className, stateHash, objectType: identity.objectType, ...missReason(first.check, first.stale) });
  // The computation runs elsewhere, but this process's progress display and logs follow it here:
  // started when handed over, then finished or failed (the worker's own events stay there).
  const startedAt = Date.now();
  emit({ type: 'start', className, stateHash });
  try {
    await executor.compute({ instance, spec, identity });
    const done = await checkEntry(identity.objectType, stateHash, { bytes });
    if (done.state !== 'valid') {
      const why = done.state === 'absent' ? 'it is absent' : done.problem;
      throw new PipelineError(
        `${executor.name} reported ${className} (${stateHash.slice(0, 12)}) computed, but its entry does not read back from ${getConfig().store.name} (${why}): workers must write to the same store as this process (geodata worker --root <the shared cache root>)`,
      );
    }
    emit({ type: 'finish', className, stateHash, durationMs: Date.now() - startedAt });
    recordUse(identity, done.meta);
    return { meta: done.meta, outputKey: done.outputKey, bytes: done.bytes, spec: done.spec, computed: true };
  } catch (error) {
    emit({ type: 'fail', className, stateHash, error });
    throw error;
  }
}

function hit(identity: Identity, check: Extract<EntryCheck, { state: 'valid' }>): EnsuredEntry {
  emit({ type: 'hit', className: identity.className, stateHash: identity.stateHash, objectType: identity.objectType });
  recordUse(identity, check.meta);
  return { meta: check.meta, outputKey: check.outputKey, bytes: check.bytes, spec: check.spec, ...(check.decoded ? { decoded: check.decoded } : {}), computed: false };
}

/** An entry used inside a running computation is one of its recorded dependencies. */
function recordUse(identity: Identity, meta: EntryMeta): void {
  currentRecording()?.addEntry({ state_hash: identity.stateHash, class_name: identity.className, object_type: identity.objectType, sha256: meta.output.sha256, via: 'load' });
}

function missReason(check: EntryCheck, stale: StaleReason | undefined): Pick<Extract<PipelineEvent, { type: 'miss' }>, 'reason' | 'detail' | 'stale'> {
  if (stale) return { reason: 'stale', detail: describeReason(stale), stale };
  if (check.state === 'damaged') return { reason: 'damaged', detail: check.problem };
  return { reason: 'absent' };
}

async function compute(instance: Tracked, spec: SpatialSpec, identity: Identity): Promise<void> {
  const workspace = getPlatform().workspace();
  const store = getConfig().store;
  const stagingFolder = store.createStagingFolder
    ? await store.createStagingFolder(identity.stateHash.slice(0, 16))
    : `${workspace.tempFolder}/geodata-staging/${identity.stateHash.slice(0, 16)}-${Math.random().toString(36).slice(2, 10)}`;
  await workspace.mkdir(stagingFolder);
  const main: ActiveOutput = { identity, instance, spec, stagingFolder, outputPath: `${stagingFolder}/${outputFileName(instance)}` };
  const startedAt = new Date();
  emit({ type: 'start', className: identity.className, stateHash: identity.stateHash });
  let ended = false;
  const releases: Array<() => Promise<void>> = [];
  try {
    const { completedSpec, coOutputs } = await runComputation(main, () => runProducer(main));
    const { outputs, recording } = endComputation(identity.stateHash);
    ended = true;
    assertUnchangedWhileComputed(instance, spec, identity);
    if (coOutputs.length > 0) noteYielded(instance);
    const produced = await collectOutputs(main, outputs, coOutputs, completedSpec, releases, startedAt);
    const recorded = await recording!.result(
      produced.map((p) => p.output.identity.stateHash),
      identity.record.inputs,
    );
    const finishedAt = new Date();
    await recordCode(produced.map((p) => p.output));
    const leftovers = outputs.filter((o) => o !== main && !produced.some((p) => p.output === o)).map((o) => o.outputPath);
    for (const meta of await commitOutputs(produced, { startedAt, finishedAt }, workspace, recorded, leftovers)) {
      emit({ type: 'commit', className: meta.class_name, stateHash: meta.state_hash, key: entryPrefix(meta.object_type, meta.state_hash), size: meta.output.size });
    }
    const durationMs = finishedAt.getTime() - startedAt.getTime();
    emit({ type: 'finish', className: identity.className, stateHash: identity.stateHash, durationMs });
    if (getConfig().verbose) console.log(`geodata: computed ${identity.className} (${identity.stateHash.slice(0, 12)}) in ${(durationMs / 1000).toFixed(2)} s`);
  } catch (error) {
    emit({ type: 'fail', className: identity.className, stateHash: identity.stateHash, error });
    throw wrapFailure(identity, spec, error);
  } finally {
    for (const release of releases) await release();
    if (!ended) endComputation(identity.stateHash);
    await workspace.removeFolder(stagingFolder).catch(() => undefined);
  }
}

/**
 * What a computation produced and should commit: its own output, and each co-output it yielded
 * that no other computation is producing or has produced (their locks go into `releases`).
 */
async function collectOutputs(
  main: ActiveOutput,
  outputs: ActiveOutput[],
  coOutputs: string[],
  completedSpec: SpatialSpec,
  releases: Array<() => Promise<void>>,
  startedAt: Date,
): Promise<ProducedOutput[]> {
  const { identity } = main;
  for (const hash of coOutputs) {
    if (!outputs.some((o) => o.identity.stateHash === hash)) {
      throw new PipelineError(`${identity.className}._process yielded a co-output (${hash.slice(0, 12)}) without writing it: write to sibling.ensureProcessedPath(spec) before yielding it`);
    }
  }
  const workspace = getPlatform().workspace();
  const produced: ProducedOutput[] = [];
  for (const output of outputs) {
    const isMain = output === main;
    if (!isMain && !coOutputs.includes(output.identity.stateHash)) continue; // asked for a path, never yielded
    if (!isMain) {
      const release = await tryLock(`entry-${output.identity.stateHash}`);
      if (!release) continue;
      releases.push(release);
      // A sibling that is a hit stays; a stale one is replaced in place, a damaged one overwritten.
      if (isHit(await judgeEntry(output.identity.objectType, output.identity.stateHash))) continue;
    }
    if (!(await workspace.size(output.outputPath))) {
      const who = isMain ? identity.className : `co-output ${output.identity.className} of ${identity.className}`;
      await refuseMisplacedOutput(who, output, startedAt);
      throw new PipelineError(
        `${who} produced no output: nothing was written to ${output.outputPath}; write the result to this.ensureProcessedPath(spec) (or return its bytes from _process)`,
      );
    }
    // The output's own name: a Figure that drew SVG stores `.svg` whatever its default extension.
    const fileName = isMain ? output.outputPath.slice(output.outputPath.lastIndexOf('/') + 1) : outputFileName(output.instance);
    const recorded = await recordedSpec(isMain ? completedSpec : output.spec, output.outputPath, fileName);
    // Never commit what load() cannot read back (a grid the spec did not say, or a file too large to read).
    if (!(output.instance instanceof Figure)) checkOutputFits(output.identity.className, recorded, fileName);
    produced.push({
      output,
      fileName,
      spec: recorded,
      upstream: upstreamOf(output.instance, output.spec),
      keyDependencies: keyDependencies(output.identity, output.instance, output.spec),
    });
  }
  return produced;
}

/**
 * A `_process` that wrote to `getProcessedPath(spec)` (where a committed entry's output is read)
 * instead of `ensureProcessedPath(spec)` left a file in the entry's own folder, without meta.json:
 * it is removed (the caller holds the entry's lock), and the error says what happened.
 */
async function refuseMisplacedOutput(who: string, output: ActiveOutput, startedAt: Date): Promise<void> {
  const store = getConfig().store;
  const fileName = outputFileName(output.instance);
  const prefix = entryPrefix(output.identity.objectType, output.identity.stateHash);
  const committedPath = committedOutputPath(output.identity, fileName);
  let written: boolean;
  if (store.localPath) {
    const found = await store.stat(prefix + fileName);
    // A stale entry's old output stays there during the computation: only a file written since counts.
    written = found !== undefined && found.mtimeMs >= startedAt.getTime() - 1000;
    if (written) await store.removePrefix(prefix);
  } else {
    written = ((await getPlatform().workspace().size(committedPath)) ?? 0) > 0;
    if (written) await getPlatform().workspace().remove(committedPath).catch(() => undefined);
  }
  if (!written) return;
  throw new PipelineError(
    `${who} wrote its output to ${committedPath}, the path getProcessedPath(spec) gives (where a committed entry is read from, after produce), ` +
      `instead of ${output.outputPath}, the path this.ensureProcessedPath(spec) gives inside _process; nothing was committed and that file was removed. ` +
      'Write the result to this.ensureProcessedPath(spec)',
  );
}

/**
 * The spec to write into spec.json: as computed, or, for a CRS-only spec that `_process` completed
 * itself, the grid its GeoTIFF output has (read from the header).
 */
async function recordedSpec(spec: SpatialSpec, outputPath: string, fileName: string): Promise<SpatialSpec> {
  if (spec.isFullyDefined || !/\.tiff?$/i.test(fileName)) return spec;
  try {
    const grid = await readGrid(await getPlatform().workspace().readFile(outputPath), fileName);
    return spec.with({ transform: grid.transform, shape: [grid.height, grid.width] });
  } catch {
    return spec; // not a GeoTIFF after all: the spec as given is all there is to record
  }
}

/** The lock, if nobody holds it now; undefined (not waiting) otherwise. */
async function tryLock(name: string): Promise<(() => Promise<void>) | undefined> {
  try {
    return await getConfig().store.lock(name, { timeoutMs: 25 });
  } catch (error) {
    if (error instanceof StoreError) return undefined;
    throw error;
  }
}

function wrapFailure(identity: Identity, spec: SpatialSpec, error: unknown): unknown {
  if (error instanceof PipelineError && error.message.includes(identity.className)) return error;
  const message = nameRemoteInputs(error instanceof Error ? error.message : thrownText(error)).replace(/; no entry was written$/, '');
  const kind = error instanceof GeodataError ? '' : ` (${error instanceof Error ? error.name : typeof error})`;
  return new PipelineError(`computing ${identity.className} for ${spec} failed${kind}: ${message}; no entry was written`, { cause: error });
}

/** Said once by a run that waits for another process computing the same entry. */
function waitingMessage(identity: Identity, holder: string, path: string): string {
  return (
    `geodata: waiting for ${identity.className} (${identity.stateHash.slice(0, 12)}): ${holder} is computing it and holds its lock ${path}; ` +
    'this run reads the entry once that process commits it. If that process is stopped (Ctrl-Z), resume or end it; if it is gone for good, delete the lock folder'
  );
}

function reportDamage(identity: Identity, problem: string): void {
  emit({ type: 'damaged', className: identity.className, stateHash: identity.stateHash, problem });
  console.warn(`geodata: entry ${identity.stateHash.slice(0, 12)} of ${identity.className} is damaged (${problem}); recomputing it`);
}

/** Reads an output's bytes with the class's driver, else its processor's, else by extension. */
export function readOutput(instance: Tracked, meta: EntryMeta, bytes: Uint8Array, spec: SpatialSpec | undefined): Promise<unknown> {
  return driverOf(instance).read(bytes, { name: meta.output.file, ...(spec ? { spec } : {}) });
}

/**
 * Starts loading what the driver of `instance` reads with, to overlap finding and checking the
 * entry. Its failures, and those of a `driver` or `processor` getter, are left to the steps that
 * follow, which report them with their context.
 */
function prepareDriver(instance: Tracked): void {
  try {
    driverOf(instance).prepare?.().catch(() => undefined);
  } catch {
    // identifyFor or readOutput calls the same getter and reports what it throws.
  }
}

/** The driver that reads `instance`'s output: the class's, else its processor's, else the one of its extension. */
function driverOf(instance: Tracked): Driver {
  return instance.driver ?? instance.processor?.driver ?? driverForExtension(instance.ext);
}

function assertTracked(instance: unknown): asserts instance is Tracked {
  const mixup = instanceMixup(instance);
  if (mixup) throw new PipelineError(`load/process need an instance of a Data or Figure subclass, got ${mixup}`);
}
