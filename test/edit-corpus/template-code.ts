/**
 * Code edits on classes that return bytes (no GDAL: fast): a chain of named classes three deep, a
 * helper declared in `uses`, a Data parameter, co-outputs requested concurrently, a class nobody
 * loads, and a chain whose first class reads an input file inside `_process` and whose second
 * reads the first's entry by its path (`process` + `getProcessedPath`, the README's SlopeLoader).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { EditCase, Project, Template } from './harness.js';

/** Edits a file (`output`: its output) of the entry of `className` (the only entry of that class in these projects). */
function tamperEntry(project: Project, className: string, file: string, edit: (text: string) => string): void {
  for (const hash of readdirSync(project.path('cache/data_processed'))) {
    const meta = JSON.parse(readFileSync(project.path(`cache/data_processed/${hash}/meta.json`), 'utf8')) as { class_name: string; output: { file: string } };
    if (meta.class_name !== className) continue;
    const relative = `cache/data_processed/${hash}/${file === 'output' ? meta.output.file : file}`;
    const before = project.read(relative).toString('utf8');
    const after = edit(before);
    if (after === before) throw new Error(`edit corpus: the edit leaves ${relative} as it was`);
    project.write(relative, after);
    return;
  }
  throw new Error(`edit corpus: no entry of ${className}`);
}

export const code: Template = {
  name: 'code',
  async data(project) {
    project.write('data/values.json', JSON.stringify({ start: 2 }));
  },
  pipeline: `
import { Data, SpatialSpec, getConfig, load, process, register } from '@geodata';
import { runTargets } from '@runner';

getConfig().update({ root: 'cache', spec: new SpatialSpec({ crs: 'EPSG:32632', transform: [20, 0, 600000, 0, -20, 5200640], shape: [4, 4] }) });

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

export function twice(value: number): number {
  return value * 2;
}

export class Base extends Data {
  static uses = { json };
  get ext() {
    return 'json';
  }
  async _process() {
    return json({ value: 1 });
  }
}
register(Base);

export class Doubled extends Data {
  static uses = { json, twice };
  get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    const base = await load<{ value: number }>(new Base(), spec);
    return json({ value: twice(base.value) });
  }
}
register(Doubled);

export class Tripled extends Data {
  static uses = { json };
  get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    const doubled = await load<{ value: number }>(new Doubled(), spec);
    return json({ value: doubled.value * 3 });
  }
}
register(Tripled);

export class Offset extends Data {
  static uses = { json };
  constructor(public source: Data, public offset: number) {
    super();
  }
  get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    const source = await load<{ value: number }>(this.source, spec);
    return json({ value: source.value + this.offset });
  }
}
register(Offset);

/** One computation writes both halves (co-outputs). */
export class Half extends Data {
  static uses = { json };
  constructor(public which: 'low' | 'high') {
    super();
  }
  get ext() {
    return 'json';
  }
  async *_process(spec: SpatialSpec) {
    const low = new Half('low');
    const high = new Half('high');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await getConfig().engine.fs.writeFile(low.ensureProcessedPath(spec), json({ value: 10 }));
    await getConfig().engine.fs.writeFile(high.ensureProcessedPath(spec), json({ value: 20 }));
    yield this.which === 'low' ? high : low;
  }
}
register(Half);

/** Asks for both halves at once. */
export class Whole extends Data {
  static uses = { json };
  get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    const [low, high] = await Promise.all([load<{ value: number }>(new Half('low'), spec), load<{ value: number }>(new Half('high'), spec)]);
    return json({ value: low.value + high.value });
  }
}
register(Whole);

/** Reads an input file itself, inside _process: nothing declares it. */
export class Start extends Data {
  static uses = { json };
  get ext() {
    return 'json';
  }
  async _process() {
    const bytes = await getConfig().engine.fs.readFile('data/values.json');
    return json({ value: JSON.parse(new TextDecoder().decode(bytes)).start });
  }
}
register(Start);

/** The README's SlopeLoader pattern: process a named class, then read the file behind its entry. */
export class FromPath extends Data {
  static uses = { json };
  get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    await process(new Start(), spec);
    const bytes = await getConfig().engine.fs.readFile(new Start().getProcessedPath(spec));
    return json({ value: JSON.parse(new TextDecoder().decode(bytes)).value + 1 });
  }
}
register(FromPath);

/** A third level, loading the second by its class. */
export class AfterPath extends Data {
  static uses = { json };
  get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    const from = await load<{ value: number }>(new FromPath(), spec);
    return json({ value: from.value * 10 });
  }
}
register(AfterPath);

/** Registered, never loaded. */
export class Unused extends Data {
  static uses = { json };
  get ext() {
    return 'json';
  }
  async _process() {
    return json({ value: 0 });
  }
}
register(Unused);

await runTargets([
  { label: 'Tripled', make: () => new Tripled() },
  { label: 'Offset', make: () => new Offset(new Base(), 5) },
  { label: 'Whole', make: () => new Whole() },
  { label: 'AfterPath', make: () => new AfterPath() },
]);
`,
};

export const codeCases: EditCase[] = [
  {
    name: 'editing the first class of a three-level chain recomputes the chain and the class that takes it as a parameter',
    kind: 'input chains',
    edit: (project) => project.replace('pipeline.ts', 'return json({ value: 1 });', 'return json({ value: 7 });'),
    expected: { computed: ['Base', 'Doubled', 'Tripled', 'Offset'] },
  },
  {
    name: 'editing a helper declared in uses recomputes the classes that use it',
    kind: 'code and parameters',
    edit: (project) => project.replace('pipeline.ts', 'return value * 2;', 'return value * 4;'),
    expected: { computed: ['Doubled', 'Tripled'] },
  },
  {
    name: 'editing the last class of the chain recomputes only it',
    kind: 'code and parameters',
    edit: (project) => project.replace('pipeline.ts', 'doubled.value * 3', 'doubled.value * 5'),
    expected: { computed: ['Tripled'] },
  },
  {
    name: 'editing a class with co-outputs runs its computation once for both siblings, even when they are requested together',
    kind: 'smaller holes',
    edit: (project) => project.replace('pipeline.ts', 'json({ value: 20 })', 'json({ value: 30 })'),
    expected: { computed: ['Half', 'Half', 'Whole'], runs: { Half: 1 } },
  },
  {
    name: 'a comment and a renamed local variable are a hit everywhere',
    kind: 'code and parameters',
    edit: (project) => project.replace('pipeline.ts', 'const base = await load<{ value: number }>(new Base(), spec);\n    return json({ value: twice(base.value) });', '// the base value\n    const b = await load<{ value: number }>(new Base(), spec);\n    return json({ value: twice(b.value) });'),
    expected: { computed: [] },
  },
  {
    name: 'editing a registered class that nothing loads is a hit everywhere',
    kind: 'code and parameters',
    edit: (project) => project.replace('pipeline.ts', 'return json({ value: 0 });', 'return json({ value: -1 });'),
    expected: { computed: [] },
  },
  {
    name: 'changing the parameter of the class that takes a Data parameter computes that entry only',
    kind: 'code and parameters',
    edit: (project) => project.replace('pipeline.ts', 'new Offset(new Base(), 5)', 'new Offset(new Base(), 6)'),
    expected: { computed: ['Offset'] },
  },
  {
    name: 'replacing the bytes of the file the first class reads inside _process recomputes the chain that reads its entry by path and by class',
    kind: 'input chains',
    edit: (project) => project.write('data/values.json', JSON.stringify({ start: 3 })),
    expected: {
      computed: ['Start', 'FromPath', 'AfterPath'],
      explain: { AfterPath: /AfterPath ← FromPath ← Start: file data\/values\.json changed/ },
    },
  },
  {
    name: 'rewriting the file the first class reads with identical bytes is a hit everywhere',
    kind: 'input chains',
    edit: (project) => project.write('data/values.json', project.read('data/values.json')),
    expected: { computed: [] },
  },
  {
    name: 'the file the first class reads replaced by a symbolic link to the same bytes is a hit everywhere',
    kind: 'smaller holes',
    edit: (project) => {
      project.write('elsewhere/values.json', project.read('data/values.json'));
      project.remove('data/values.json');
      project.symlink('../elsewhere/values.json', 'data/values.json');
    },
    expected: { computed: [] },
  },
  {
    name: 'the data folder replaced by a symbolic link to a copy with other values recomputes the chain that read it',
    kind: 'smaller holes',
    edit: (project) => {
      project.write('moved/values.json', JSON.stringify({ start: 4 }));
      project.remove('data');
      project.symlink('moved', 'data');
    },
    expected: { computed: ['Start', 'FromPath', 'AfterPath'] },
  },
  {
    name: "a tampered spec.json of a loaded entry recomputes that entry instead of returning another CRS",
    kind: 'smaller holes',
    edit: (project) => tamperEntry(project, 'Tripled', 'spec.json', (text) => text.replace('EPSG:32632', 'EPSG:4326')),
    expected: { computed: ['Tripled'] },
  },
  {
    name: 'a tampered output of a loaded entry (same size, other bytes) recomputes that entry',
    kind: 'smaller holes',
    edit: (project) => tamperEntry(project, 'Tripled', 'output', (text) => text.replace(/\d/, (digit) => String((Number(digit) + 1) % 10))),
    expected: { computed: ['Tripled'] },
  },
];
