/**
 * Code edits on classes that return bytes (no GDAL: fast): a chain of named classes three deep, a
 * helper declared in `uses`, a Data parameter, co-outputs requested concurrently, and a class
 * nobody loads.
 */
import type { EditCase, Template } from './harness.js';

export const code: Template = {
  name: 'code',
  async data(project) {
    project.write('data/values.json', JSON.stringify({ start: 2 }));
  },
  pipeline: `
import { Data, SpatialSpec, getConfig, load, register } from '@geodata';
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
]);
`,
};

export const codeCases: EditCase[] = [
  {
    name: 'editing the first class of a three-level chain recomputes the chain and the class that takes it as a parameter',
    edit: (project) => project.replace('pipeline.ts', 'return json({ value: 1 });', 'return json({ value: 7 });'),
    expected: { computed: ['Base', 'Doubled', 'Tripled', 'Offset'] },
  },
  {
    name: 'editing a helper declared in uses recomputes the classes that use it',
    edit: (project) => project.replace('pipeline.ts', 'return value * 2;', 'return value * 4;'),
    expected: { computed: ['Doubled', 'Tripled'] },
  },
  {
    name: 'editing the last class of the chain recomputes only it',
    edit: (project) => project.replace('pipeline.ts', 'doubled.value * 3', 'doubled.value * 5'),
    expected: { computed: ['Tripled'] },
  },
  {
    name: 'editing a class with co-outputs runs its computation once for both siblings, even when they are requested together',
    edit: (project) => project.replace('pipeline.ts', 'json({ value: 20 })', 'json({ value: 30 })'),
    expected: { computed: ['Half', 'Half', 'Whole'], runs: { Half: 1 } },
  },
  {
    name: 'a comment and a renamed local variable are a hit everywhere',
    edit: (project) => project.replace('pipeline.ts', 'const base = await load<{ value: number }>(new Base(), spec);\n    return json({ value: twice(base.value) });', '// the base value\n    const b = await load<{ value: number }>(new Base(), spec);\n    return json({ value: twice(b.value) });'),
    expected: { computed: [] },
  },
  {
    name: 'editing a registered class that nothing loads is a hit everywhere',
    edit: (project) => project.replace('pipeline.ts', 'return json({ value: 0 });', 'return json({ value: -1 });'),
    expected: { computed: [] },
  },
  {
    name: 'changing the parameter of the class that takes a Data parameter computes that entry only',
    edit: (project) => project.replace('pipeline.ts', 'new Offset(new Base(), 5)', 'new Offset(new Base(), 6)'),
    expected: { computed: ['Offset'] },
  },
];
