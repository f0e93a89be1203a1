/**
 * The README's pipeline and its neighbours: a Reprojector class, SlopeLoader reading it through
 * `process` + `getProcessedPath`, a third level reading SlopeLoader, GDAL and geotiff.js reading
 * the input file directly inside `_process`, a Data parameter, `loadFromHash` inside `_process`,
 * and a figure.
 */
import { Raster, SpatialSpec } from '../../src/node.js';
import type { EditCase, Project, Template } from './harness.js';

/** 64x64 pixels of 10 m in EPSG:32632; the pipeline warps them to 32x32 pixels of 20 m. */
const GRID = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200640], shape: [64, 64] });

export function elevation(variant = 0): Float32Array {
  const values = new Float32Array(64 * 64);
  for (let row = 0; row < 64; row++) {
    for (let col = 0; col < 64; col++) {
      values[row * 64 + col] = 200 + 0.5 * col + 0.3 * row + 20 * Math.sin(col / (7 + variant)) * Math.cos(row / 5) + variant * 3;
    }
  }
  return values;
}

export async function writeElevation(project: Project, relative: string, variant = 0): Promise<void> {
  await Raster.fromArrays([elevation(variant)], GRID, { nodata: -9999 }).write(project.path(relative));
}

export const terrain: Template = {
  name: 'terrain',
  async data(project) {
    await writeElevation(project, 'data/elevation.tif');
    await writeElevation(project, 'data/other.tif', 2);
    project.write('data/notes.txt', 'field notes\n');
  },
  pipeline: `
import { Data, Figure, Raster, Reprojector, SpatialSpec, fingerprint, getConfig, load, loadFromHash, process, readRaster, register, renderRaster, slope } from '@geodata';
import { runTargets } from '@runner';

const spec = new SpatialSpec({ crs: 'EPSG:32632', transform: [20, 0, 600000, 0, -20, 5200640], shape: [32, 32] });
getConfig().update({ root: 'cache', spec });

export class ElevationLoader extends Data {
  get processor() {
    return new Reprojector('data/elevation.tif', { resampling: 'bilinear' });
  }
}
register(ElevationLoader);

export class SlopeLoader extends Data {
  async _process(spec: SpatialSpec) {
    await process(new ElevationLoader(), spec);
    await slope(new ElevationLoader().getProcessedPath(spec), this.ensureProcessedPath(spec));
  }
}
register(SlopeLoader);

export class SlopeSummary extends Data {
  get ext() {
    return 'json';
  }
  async _process(spec: SpatialSpec) {
    const degrees = await load<Raster>(new SlopeLoader(), spec);
    return new TextEncoder().encode(JSON.stringify(degrees.stats(0)));
  }
}
register(SlopeSummary);

/** GDAL reads the input file itself, inside _process: nothing declares it. */
export class RawSlope extends Data {
  async _process(spec: SpatialSpec) {
    await slope('data/elevation.tif', this.ensureProcessedPath(spec));
  }
}
register(RawSlope);

/** geotiff.js reads the input file inside _process. */
export class MeanElevation extends Data {
  get ext() {
    return 'json';
  }
  async _process() {
    const raster = await readRaster('data/elevation.tif');
    return new TextEncoder().encode(JSON.stringify(raster.stats(0)));
  }
}
register(MeanElevation);

export class Scaled extends Data {
  constructor(public source: Data, public factor: number) {
    super();
  }
  async _process(spec: SpatialSpec) {
    const raster = await load<Raster>(this.source, spec);
    const band = Float32Array.from(raster.bands[0]!, (value) => value * this.factor);
    await Raster.fromArrays([band], raster.spec).write(this.ensureProcessedPath(spec));
  }
}
register(Scaled);

/** An entry read by its hash inside _process. */
export class Pinned extends Data {
  constructor(public entry: string) {
    super();
  }
  get ext() {
    return 'json';
  }
  async _process() {
    const raster = await loadFromHash<Raster>(this.entry);
    return new TextEncoder().encode(JSON.stringify(raster.stats(0)));
  }
}
register(Pinned);

export class SlopeMap extends Figure {
  async _process(spec: SpatialSpec) {
    const degrees = await load<Raster>(new SlopeLoader(), spec);
    return renderRaster(degrees.band(0), { colormap: 'viridis' });
  }
}
register(SlopeMap);

await runTargets([
  { label: 'ElevationLoader', make: () => new ElevationLoader() },
  { label: 'SlopeLoader', make: () => new SlopeLoader() },
  { label: 'SlopeSummary', make: () => new SlopeSummary() },
  { label: 'RawSlope', make: () => new RawSlope() },
  { label: 'MeanElevation', make: () => new MeanElevation() },
  { label: 'Scaled', make: () => new Scaled(new ElevationLoader(), 2) },
  { label: 'Pinned', make: async () => new Pinned((await fingerprint(new SlopeLoader(), spec)).stateHash!.slice(0, 16)) },
  { label: 'SlopeMap', make: () => new SlopeMap() },
]);
`,
};

const ALL = ['ElevationLoader', 'SlopeLoader', 'SlopeSummary', 'RawSlope', 'MeanElevation', 'Scaled', 'Pinned', 'SlopeMap'];
const except = (...names: string[]) => ALL.filter((name) => !names.includes(name));

export const terrainCases: EditCase[] = [
  {
    name: "replacing the bytes behind ElevationLoader recomputes everything that read them, at every level",
    kind: 'input chains',
    edit: (project) => writeElevation(project, 'data/elevation.tif', 1),
    expected: {
      computed: ALL,
      explain: {
        SlopeLoader: /SlopeLoader ← ElevationLoader: input data\/elevation\.tif changed/,
        SlopeSummary: /SlopeSummary ← SlopeLoader ← ElevationLoader: input data\/elevation\.tif changed/,
        RawSlope: /RawSlope: file data\/elevation\.tif changed/,
        MeanElevation: /MeanElevation: file data\/elevation\.tif changed/,
        ElevationLoader: /input .*elevation\.tif changed/,
      },
    },
  },
  {
    name: 'touching elevation.tif (a new modification time, the same bytes) is a hit everywhere',
    kind: 'input chains',
    edit: (project) => project.touch('data/elevation.tif'),
    expected: { computed: [] },
  },
  {
    name: 'rewriting elevation.tif with identical bytes is a hit everywhere',
    kind: 'input chains',
    edit: (project) => project.write('data/elevation.tif', project.read('data/elevation.tif')),
    expected: { computed: [] },
  },
  {
    name: 'a new unrelated file in the data folder is a hit everywhere',
    kind: 'files GDAL opens',
    edit: (project) => project.write('data/readme.md', '# data\n'),
    expected: { computed: [] },
  },
  {
    name: 'editing an unrelated file in the data folder is a hit everywhere',
    kind: 'files GDAL opens',
    edit: async (project) => {
      await writeElevation(project, 'data/other.tif', 5);
      project.write('data/notes.txt', 'more notes\n');
    },
    expected: { computed: [] },
  },
  {
    name: 'an elevation.tif.aux.xml that appears (GDAL takes its georeferencing first) recomputes what GDAL computed from elevation.tif',
    kind: 'files GDAL opens',
    edit: (project) => project.write('data/elevation.tif.aux.xml', '<PAMDataset><GeoTransform>600000, 20, 0, 5200640, 0, -20</GeoTransform></PAMDataset>\n'),
    // geotiff.js (MeanElevation) does not read .aux.xml files.
    expected: {
      computed: except('MeanElevation'),
      explain: {
        RawSlope: /RawSlope: file data\/elevation\.tif\.aux\.xml appeared/,
        SlopeLoader: /SlopeLoader ← ElevationLoader: file data\/elevation\.tif\.aux\.xml appeared/,
      },
    },
  },
  {
    name: 'an elevation.tfw that appears beside a georeferenced TIFF is a hit (GDAL prefers the internal georeferencing)',
    kind: 'files GDAL opens',
    edit: (project) => project.write('data/elevation.tfw', '20\n0\n0\n-20\n600000\n5200640\n'),
    expected: { computed: [] },
  },
  {
    name: "editing ElevationLoader's resampling recomputes it and everything that names or reads it",
    kind: 'code and parameters',
    edit: (project) => project.replace('pipeline.ts', "resampling: 'bilinear'", "resampling: 'cubic'"),
    expected: { computed: except('RawSlope', 'MeanElevation') },
  },
  {
    name: "editing SlopeLoader's code recomputes SlopeLoader and what reads it, not ElevationLoader",
    kind: 'code and parameters',
    edit: (project) =>
      project.replace('pipeline.ts', 'this.ensureProcessedPath(spec));\n  }\n}\nregister(SlopeLoader)', "this.ensureProcessedPath(spec), { slopeFormat: 'percent' });\n  }\n}\nregister(SlopeLoader)"),
    expected: { computed: ['SlopeLoader', 'SlopeSummary', 'Pinned', 'SlopeMap'] },
  },
  {
    name: 'editing the code of the third level (SlopeSummary) recomputes only it',
    kind: 'code and parameters',
    edit: (project) => project.replace('pipeline.ts', 'JSON.stringify(degrees.stats(0))', 'JSON.stringify(degrees.stats(0), null, 1)'),
    expected: { computed: ['SlopeSummary'] },
  },
  {
    name: 'a comment added to SlopeLoader is a hit everywhere',
    kind: 'code and parameters',
    edit: (project) => project.replace('pipeline.ts', '    await process(new ElevationLoader(), spec);', '    // the elevation first\n    await process(new ElevationLoader(), spec);'),
    expected: { computed: [] },
  },
  {
    name: 'changing a parameter (the factor of Scaled) computes that entry only',
    kind: 'code and parameters',
    edit: (project) => project.replace('pipeline.ts', 'new Scaled(new ElevationLoader(), 2)', 'new Scaled(new ElevationLoader(), 3)'),
    expected: { computed: ['Scaled'] },
  },
  {
    name: "deleting SlopeLoader's entry computes it again; what read it stays a hit, since the bytes computed again are the same",
    kind: 'input chains',
    edit: async (project) => {
      const { readdirSync, readFileSync } = await import('node:fs');
      for (const hash of readdirSync(project.path('cache/data_processed'))) {
        const meta = JSON.parse(readFileSync(project.path(`cache/data_processed/${hash}/meta.json`), 'utf8')) as { class_name: string };
        if (meta.class_name === 'SlopeLoader') project.remove(`cache/data_processed/${hash}`);
      }
    },
    expected: { computed: ['SlopeLoader'], explain: { SlopeSummary: /SlopeSummary ← SlopeLoader: its entry [0-9a-f]{12} is gone/ } },
  },
  {
    name: 'replacing elevation.tif by a symbolic link to the same bytes elsewhere is a hit everywhere',
    kind: 'smaller holes',
    edit: (project) => {
      project.write('elsewhere/elevation.tif', project.read('data/elevation.tif'));
      project.remove('data/elevation.tif');
      project.symlink('../elsewhere/elevation.tif', 'data/elevation.tif');
    },
    expected: { computed: [] },
  },
  {
    name: 'a data folder that becomes a symbolic link to a copy with another elevation recomputes everything that read it',
    kind: 'smaller holes',
    edit: async (project) => {
      project.write('moved/.keep', '');
      for (const name of ['elevation.tif', 'other.tif', 'notes.txt']) project.write(`moved/${name}`, project.read(`data/${name}`));
      project.remove('data');
      project.symlink('moved', 'data');
      await writeElevation(project, 'moved/elevation.tif', 1);
    },
    expected: { computed: ALL },
  },
];
