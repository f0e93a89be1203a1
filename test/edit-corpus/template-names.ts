/**
 * Free names of the user's code, in real modules on disk (issue 12, point 3): functions and
 * objects of the user's named like geodata's exports (`slope`, `status`, `entries`), like host
 * globals (`location`, `performance`), like a bundler's rename (`upscale2`) or a compiled
 * CommonJS import (`layer_1`); a `uses` alias the body names for another function; a subclass
 * whose free name its parent's `uses` also names; two modules each defining `class Scale` with
 * their own helper; helpers imported from other modules, through a namespace, and from a package
 * in node_modules. Classes return bytes (no GDAL): each case edits one declaration and expects
 * exactly the classes whose code means it to be computed again; edits that change nothing the
 * code does are hits.
 */
import type { EditCase, Template } from './harness.js';

const PARENT = `import { Data, register } from '@geodata';

function helper(x: number): number { return x + 1; }

/** Its uses says what helper means here; a subclass elsewhere may mean another helper. */
export class Parent extends Data {
  static uses = { helper };
  get ext() {
    return 'json';
  }
  async _process() {
    return new TextEncoder().encode(JSON.stringify(helper(1)));
  }
}
register(Parent);
`;

/** scale-a.ts and scale-b.ts: the same class text, each with its own helper. */
const scaleModule = (body: string, user: string) => `import { Data, load, register, type SpatialSpec } from '@geodata';

function helper(x: number): number { return ${body}; }

export class Scale extends Data {
  static uses = { helper };
  get ext() {
    return 'json';
  }
  async _process() {
    return new TextEncoder().encode(JSON.stringify(helper(10)));
  }
}
register(Scale);

export class ${user} extends Data {
  get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    const value = await load<number>(new Scale(), spec);
    return new TextEncoder().encode(JSON.stringify(value * 2));
  }
}
register(${user});
`;

export const names: Template = {
  name: 'names',
  async data() {},
  files: {
    'constants.ts': 'export const FACTOR = 2;\n',
    'helpers.ts': `import { FACTOR } from './constants.js';

export function kernel(values: number[]): number[] {
  const scaled = values.map((v) => v * FACTOR);
  return scaled;
}

export function unusedHere(): number {
  return 0;
}
`,
    'shapes.ts': 'export function area(side: number): number {\n  return side * side;\n}\n',
    'parent.ts': PARENT,
    'scale-a.ts': scaleModule('x + 1', 'ScaleUserA'),
    'scale-b.ts': scaleModule('x - 1', 'ScaleUserB'),
    'node_modules/tinykernel/package.json': JSON.stringify({ name: 'tinykernel', version: '1.0.0', type: 'module', exports: './index.js' }),
    'node_modules/tinykernel/index.js': 'export function tiny(v) {\n  return v + 100;\n}\n',
  },
  pipeline: `
import { Data, SpatialSpec, getConfig, register, slope as terrainSlope } from '@geodata';
import { runTargets } from '@runner';
import { kernel } from './helpers.js';
import * as shapes from './shapes.js';
import { tiny } from 'tinykernel';
import { Parent } from './parent.js';
import { ScaleUserA } from './scale-a.js';
import { ScaleUserB } from './scale-b.js';

getConfig().update({ root: 'cache', spec: new SpatialSpec({ crs: 'EPSG:32632', transform: [20, 0, 600000, 0, -20, 5200640], shape: [4, 4] }) });

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function slope(x: number): number { return x * 2; }
function status(x: number): number { return x + 2; }
function entries(x: number): number { return x - 2; }
const location = { scale: 2 };
function performance(x: number): number { return x + 1; }
function upscale2(x: number): number { return x * 3; }
const layer_1 = { factor: 2 };
function scale(x: number): number { return x * 4; }
function other(x: number): number { return x + 5; }
function helper(x: number): number { return x * 10; }
function twice(x: number): number { return x + x; }

class JsonData extends Data {
  get ext() {
    return 'json';
  }
}

export class UsesSlope extends JsonData {
  async _process() {
    return json(slope(3));
  }
}
register(UsesSlope);

export class UsesStatus extends JsonData {
  async _process() {
    return json(status(3));
  }
}
register(UsesStatus);

export class UsesEntries extends JsonData {
  async _process() {
    return json(entries(3));
  }
}
register(UsesEntries);

export class UsesLocation extends JsonData {
  async _process() {
    return json(3 * location.scale);
  }
}
register(UsesLocation);

export class UsesPerformance extends JsonData {
  async _process() {
    return json(performance(3));
  }
}
register(UsesPerformance);

export class UsesUpscale2 extends JsonData {
  async _process() {
    return json(upscale2(3));
  }
}
register(UsesUpscale2);

export class UsesLayer extends JsonData {
  async _process() {
    return json(3 * layer_1.factor);
  }
}
register(UsesLayer);

/** uses says scale is other; the body's scale is the module's scale. */
export class Aliased extends JsonData {
  static uses = { scale: other };
  async _process() {
    return json(scale(3) + other(3));
  }
}
register(Aliased);

/** Parent's uses names a helper; this module's helper is another. */
export class Child extends Parent {
  async _process() {
    return json(helper(2));
  }
}
register(Child);

export class UsesKernel extends JsonData {
  async _process() {
    return json(kernel([1, 2]));
  }
}
register(UsesKernel);

export class UsesShapes extends JsonData {
  async _process() {
    return json(shapes.area(3));
  }
}
register(UsesShapes);

export class UsesPackage extends JsonData {
  async _process() {
    return json(tiny(1));
  }
}
register(UsesPackage);

export class UsesTwice extends JsonData {
  async _process() {
    return json(twice(4));
  }
}
register(UsesTwice);

/** geodata's slope under another local name (the module's own slope is the user's). */
export class UsesGeodata extends JsonData {
  async _process() {
    return json(typeof terrainSlope);
  }
}
register(UsesGeodata);

export class UsesMath extends JsonData {
  async _process() {
    return json(Math.max(3, 4));
  }
}
register(UsesMath);

await runTargets(
  [UsesSlope, UsesStatus, UsesEntries, UsesLocation, UsesPerformance, UsesUpscale2, UsesLayer, Aliased, Parent, Child, ScaleUserA, ScaleUserB, UsesKernel, UsesShapes, UsesPackage, UsesTwice, UsesGeodata, UsesMath].map(
    (cls) => ({ label: cls.name, make: () => new cls() }),
  ),
);
`,
};

const edit = (from: string, to: string, file = 'pipeline.ts') => (project: { replace(relative: string, from: string, to: string): void }) => project.replace(file, from, to);

export const nameCases: EditCase[] = [
  ...(
    [
      ['slope', "a user's own function named like geodata's export slope", 'function slope(x: number): number { return x * 2; }', 'function slope(x: number): number { return x * 5; }', 'UsesSlope'],
      ['status', "a user's own function named like geodata's export status", 'return x + 2; }', 'return x + 7; }', 'UsesStatus'],
      ['entries', "a user's own function named like geodata's export entries", 'return x - 2; }', 'return x - 7; }', 'UsesEntries'],
      ['location', "a user's own object named like the host global location", 'const location = { scale: 2 };', 'const location = { scale: 3 };', 'UsesLocation'],
      ['performance', "a user's own function named like the host global performance", 'return x + 1; }\nfunction upscale2', 'return x + 9; }\nfunction upscale2', 'UsesPerformance'],
      ['upscale2', "a user helper upscale2, which is not a bundler's rename of geodata's upscale", 'return x * 3; }', 'return x * 6; }', 'UsesUpscale2'],
      ['layer_1', "a user's object layer_1, which is not a compiled CommonJS import", 'const layer_1 = { factor: 2 };', 'const layer_1 = { factor: 4 };', 'UsesLayer'],
      ['scale', 'a function the body names, though a uses alias of the same key names another', 'return x * 4; }', 'return x * 8; }', 'Aliased'],
      ['helper', "a subclass's helper, though its parent's uses names a helper of the same name", 'return x * 10; }', 'return x * 20; }', 'Child'],
    ] as const
  ).map(
    ([, what, from, to, target]): EditCase => ({
      name: `editing ${what} recomputes the class that calls it, and only it`,
      kind: 'free names',
      edit: edit(from, to),
      expected: { computed: [target] },
    }),
  ),
  {
    name: "editing the parent's own helper recomputes the parent and the subclass that inherits its code",
    kind: 'free names',
    edit: edit('return x + 1; }', 'return x + 2; }', 'parent.ts'),
    expected: { computed: ['Parent', 'Child'] },
  },
  {
    name: "two modules each define class Scale with their own helper: editing the first module's helper recomputes its Scale and what loads it",
    kind: 'free names',
    edit: edit('return x + 1; }', 'return x + 3; }', 'scale-a.ts'),
    expected: { computed: ['Scale', 'ScaleUserA'] },
  },
  {
    name: "two modules each define class Scale with their own helper: editing the second module's helper recomputes its Scale and what loads it",
    kind: 'free names',
    edit: edit('return x - 1; }', 'return x - 3; }', 'scale-b.ts'),
    expected: { computed: ['Scale', 'ScaleUserB'] },
  },
  {
    name: 'editing a helper imported from another module recomputes the class that calls it',
    kind: 'free names',
    edit: edit('v * FACTOR', 'v * FACTOR + 1', 'helpers.ts'),
    expected: { computed: ['UsesKernel'] },
  },
  {
    name: "editing a constant two modules away (the imported helper's import) recomputes the class",
    kind: 'free names',
    edit: edit('FACTOR = 2', 'FACTOR = 3', 'constants.ts'),
    expected: { computed: ['UsesKernel'] },
  },
  {
    name: 'editing a helper called through a namespace import recomputes the class',
    kind: 'free names',
    edit: edit('side * side', 'side * side * side', 'shapes.ts'),
    expected: { computed: ['UsesShapes'] },
  },
  {
    name: 'a package in node_modules at a new version recomputes the class that imports it',
    kind: 'free names',
    edit: (project) => {
      project.replace('node_modules/tinykernel/package.json', '"1.0.0"', '"1.1.0"');
      project.replace('node_modules/tinykernel/index.js', 'v + 100', 'v + 200');
    },
    expected: { computed: ['UsesPackage'] },
  },
  {
    name: 'renaming a local variable of an imported helper is a hit everywhere',
    kind: 'free names',
    edit: edit('const scaled = values.map((v) => v * FACTOR);\n  return scaled;', 'const result = values.map((w) => w * FACTOR);\n  return result;', 'helpers.ts'),
    expected: { computed: [] },
  },
  {
    name: 'moving a helper into another module and importing it is a hit everywhere',
    kind: 'free names',
    edit: (project) => {
      project.replace('pipeline.ts', 'function twice(x: number): number { return x + x; }\n', '');
      project.replace('pipeline.ts', "import { kernel } from './helpers.js';", "import { kernel, twice } from './helpers.js';");
      project.replace('helpers.ts', 'export function unusedHere', 'export function twice(x: number): number { return x + x; }\n\nexport function unusedHere');
    },
    expected: { computed: [] },
  },
  {
    name: 'reordering imports is a hit everywhere',
    kind: 'free names',
    edit: edit("import { kernel } from './helpers.js';\nimport * as shapes from './shapes.js';", "import * as shapes from './shapes.js';\nimport { kernel } from './helpers.js';"),
    expected: { computed: [] },
  },
  {
    name: 'an unrelated function and comments added to the module are a hit everywhere',
    kind: 'free names',
    edit: edit('function slope(x: number)', 'function unused() { return 42; }\n// doubles\nfunction slope(x: number)'),
    expected: { computed: [] },
  },
  {
    name: "geodata's own export imported under another local name is a hit everywhere",
    kind: 'free names',
    edit: (project) => {
      project.replace('pipeline.ts', 'slope as terrainSlope', 'slope as geodataSlope');
      project.replace('pipeline.ts', 'typeof terrainSlope', 'typeof geodataSlope');
    },
    expected: { computed: [] },
  },
];
