import { mkdir, readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Data,
  Figure,
  SpatialSpec,
  defaultRegistry,
  getConfig,
  load,
  process,
  register,
  type Processor,
  type ProcessorContext,
} from '../../src/node.js';
import { Constant as ConstantV1, Label as LabelV1 } from './fixtures/classes-v1.js';
import { Constant as ConstantV2, Label as LabelV2 } from './fixtures/classes-v2.js';

/**
 * A real cache with a history, built in the current config root: several classes computed, then
 * code edits (classes re-defined under the same name), a recomputation, a changed input file, a
 * class that is no longer loaded, and the debris of crashed runs.
 */

export const SPEC = new SpatialSpec({ crs: 'EPSG:4326', transform: [0.5, 0, 5, 0, -0.5, 50], shape: [2, 3] });

/** The Constant class loaded now: what `new Constant()` in the classes below makes. */
let Constant: typeof ConstantV1 = ConstantV1;

/** Takes a Constant as a parameter: its entry's upstream is the Constant entry. */
class Doubled extends Data {
  constructor(public source: Data) {
    super();
  }
  override get ext() {
    return 'txt';
  }
  async _process(spec: SpatialSpec) {
    const bytes = await load<Uint8Array>(this.source, spec);
    return new TextEncoder().encode(`doubled ${new TextDecoder().decode(bytes)}`);
  }
}

/** Names Constant in its body: Constant is a dependency of its tree. */
class Chart extends Figure {
  async _process(spec: SpatialSpec) {
    const bytes = await load<Uint8Array>(new Constant(1), spec);
    return new TextEncoder().encode(`chart of ${new TextDecoder().decode(bytes)}`);
  }
}

/** Co-outputs: one run writes the min and the max entries. */
class Extreme extends Data {
  constructor(public which: 'min' | 'max') {
    super();
  }
  override get ext() {
    return 'txt';
  }
  async *_process(spec: SpatialSpec) {
    const min = new Extreme('min');
    const max = new Extreme('max');
    await writeFile(min.ensureProcessedPath(spec), 'min -5');
    await writeFile(max.ensureProcessedPath(spec), 'max 5');
    yield this.which === 'min' ? max : min;
  }
}

/** Copies an input file: the file's bytes are part of the entry's hash. */
class CopyInput implements Processor {
  readonly ext = 'txt';
  constructor(readonly path: string) {}
  inputs() {
    return [this.path];
  }
  settings() {
    return {};
  }
  async run(context: ProcessorContext) {
    await writeFile(context.outputPath, await readFile(await context.resolveInput(this.path)));
  }
}

class FromFile extends Data {
  constructor(public path: string) {
    super();
  }
  override get processor() {
    return new CopyInput(this.path);
  }
}

/** Computed, then no longer loaded: its entry is unknown. */
class Gone extends Data {
  override get ext() {
    return 'txt';
  }
  async _process() {
    return new TextEncoder().encode('gone');
  }
}

const NAMES = ['Constant', 'Doubled', 'Chart', 'Extreme', 'FromFile', 'Label', 'Gone'];

/** Registers the classes as they were before the edits. */
export function loadVersion1(): void {
  for (const name of NAMES) defaultRegistry.unregister(name);
  Constant = ConstantV1;
  for (const cls of [ConstantV1, Doubled, Chart, Extreme, FromFile, LabelV1, Gone]) register(cls);
}

/** Registers the classes as they are after the edits (Constant and Label changed, Gone gone). */
export function loadVersion2(): void {
  for (const name of NAMES) defaultRegistry.unregister(name);
  Constant = ConstantV2;
  for (const cls of [ConstantV2, Doubled, Chart, Extreme, FromFile, LabelV2]) register(cls);
}

/** Instances of the scenario's classes, made with the classes loaded now. */
export const make = {
  constant: (value: number) => new Constant(value),
  doubled: (value: number) => new Doubled(new Constant(value)),
  chart: () => new Chart(),
  extreme: (which: 'min' | 'max') => new Extreme(which),
  fromFile: (path: string) => new FromFile(path),
};

/** The state hashes and keys of everything the scenario wrote. */
export interface Scenario {
  root: string;
  inputPath: string;
  hashes: {
    constant1v1: string;
    constant2v1: string;
    constant3v1: string;
    doubled: string;
    chart: string;
    extremeMin: string;
    extremeMax: string;
    fromFile: string;
    labelV1: string;
    gone: string;
    constant1v2: string;
    truncated: string;
    oldFormat: string;
    badMeta: string;
    incomplete: string;
  };
  staging: string;
}

/** Builds the scenario in the configured root; leaves version 2 loaded. */
export async function buildScenario(): Promise<Scenario> {
  const root = getConfig().root;
  const inputPath = join(root, 'inputs', 'input.txt');
  await mkdir(join(root, 'inputs'), { recursive: true });
  await writeFile(inputPath, 'input, first version');

  loadVersion1();
  const constant1v1 = (await process(new Constant(1), SPEC)).stateHash;
  const constant2v1 = (await process(new Constant(2), SPEC)).stateHash;
  const doubled = (await process(new Doubled(new Constant(3)), SPEC)).stateHash;
  const constant3v1 = (await process(new Constant(3), SPEC)).stateHash;
  const chart = (await process(new Chart(), SPEC)).stateHash;
  const extremeMax = (await process(new Extreme('max'), SPEC)).stateHash;
  const extremeMin = (await process(new Extreme('min'), SPEC)).stateHash;
  const fromFile = (await process(new FromFile(inputPath), SPEC)).stateHash;
  const labelV1 = (await process(new LabelV1(), SPEC)).stateHash;
  const gone = (await process(new Gone(), SPEC)).stateHash;

  loadVersion2();
  const constant1v2 = (await process(new Constant(1), SPEC)).stateHash;
  const truncated = (await process(new Constant(5), SPEC)).stateHash;
  await truncate(join(root, 'data_processed', truncated, 'constant.txt'), 3);
  await writeFile(inputPath, 'input, second version');

  // An entry written by an older meta.json format.
  const oldFormat = 'f0'.repeat(32);
  const meta = JSON.parse(await readFile(join(root, 'data_processed', constant1v2, 'meta.json'), 'utf8'));
  await mkdir(join(root, 'data_processed', oldFormat));
  await writeFile(join(root, 'data_processed', oldFormat, 'constant.txt'), await readFile(join(root, 'data_processed', constant1v2, 'constant.txt')));
  await writeFile(join(root, 'data_processed', oldFormat, 'meta.json'), JSON.stringify({ ...meta, format_version: 0, state_hash: oldFormat }));
  // A meta.json that is not JSON.
  const badMeta = 'ba'.repeat(32);
  await mkdir(join(root, 'data_processed', badMeta));
  await writeFile(join(root, 'data_processed', badMeta, 'meta.json'), '{"format_version": 1, "class_na');
  await writeFile(join(root, 'data_processed', badMeta, 'constant.txt'), 'constant 9');
  // A crashed run: a folder without meta.json, and a staging folder nobody holds.
  const incomplete = 'c0'.repeat(32);
  await mkdir(join(root, 'data_processed', incomplete));
  await writeFile(join(root, 'data_processed', incomplete, 'constant.txt'), 'half');
  const staging = `${'d1'.repeat(8)}-Xy12Ab`;
  await mkdir(join(root, '.staging', staging), { recursive: true });
  await writeFile(join(root, '.staging', staging, 'constant.txt'), 'half written');
  await backdate(join(root, '.staging', staging), 10 * 60_000);

  return {
    root,
    inputPath,
    hashes: { constant1v1, constant2v1, constant3v1, doubled, chart, extremeMin, extremeMax, fromFile, labelV1, gone, constant1v2, truncated, oldFormat, badMeta, incomplete },
    staging,
  };
}

/** Sets a folder's (and its files') modification times `ageMs` into the past. */
export async function backdate(path: string, ageMs: number): Promise<void> {
  const { readdir, stat } = await import('node:fs/promises');
  const when = new Date(Date.now() - ageMs);
  if ((await stat(path)).isDirectory()) for (const name of await readdir(path)) await backdate(join(path, name), ageMs);
  await utimes(path, when, when);
}

/** Every file under a folder with its size, for "nothing changed" checks. */
export async function listTree(path: string, prefix = ''): Promise<string[]> {
  const { readdir, stat } = await import('node:fs/promises');
  const found: string[] = [];
  for (const name of (await readdir(path)).sort()) {
    const full = join(path, name);
    const info = await stat(full);
    if (info.isDirectory()) found.push(...(await listTree(full, `${prefix}${name}/`)));
    else found.push(`${prefix}${name} ${info.size}`);
  }
  return found;
}
