/**
 * Files GDAL reads besides the one it was given: a world file, the .prj of an ASCII grid, an
 * external overview, the .aux.xml of a VRT's source, a lower-case <sourcefilename>, the .dbf of a
 * Shapefile named in an OGR VRT, a MapInfo .dat. Each class is one Reprojector or Rasterizer;
 * each case edits one of those files and expects exactly its class to be computed again.
 */
import { Raster, SpatialSpec, getConfig } from '../../src/node.js';
import type { EditCase, Project, Template } from './harness.js';

const GRID = new SpatialSpec({ crs: 'EPSG:32632', transform: [10, 0, 600000, 0, -10, 5200640], shape: [64, 64] });

/** Whole numbers 0..49, so a nodata value masks some pixels exactly. */
function pattern(variant = 0): Float32Array {
  return Float32Array.from({ length: 64 * 64 }, (_, index) => (index * (3 + variant) + Math.floor(index / 64)) % 50);
}

async function writeGrid(project: Project, relative: string, variant = 0): Promise<void> {
  await Raster.fromArrays([pattern(variant)], GRID).write(project.path(relative));
}

const engine = () => getConfig().engine;

/** A TIFF without georeferencing (baseline profile) and the world file that places it. */
async function writePlainTiff(project: Project): Promise<void> {
  await writeGrid(project, 'scratch/plain-source.tif');
  await engine().translate(project.path('scratch/plain-source.tif'), project.path('data/plain.tif'), ['-co', 'PROFILE=BASELINE']);
  project.remove('data/plain.tif.aux.xml');
  project.write('data/plain.tfw', '10\n0\n0\n-10\n600005\n5200635\n');
}

/** An ASCII grid and its .prj (EPSG:32632, or another CRS for the edit). */
async function writeAsciiGrid(project: Project, folder: string, crs: string): Promise<void> {
  await writeGrid(project, 'scratch/ascii-source.tif');
  await engine().translate(project.path('scratch/ascii-source.tif'), project.path(`${folder}/grid.asc`), ['-of', 'AAIGrid', '-a_srs', crs]);
  project.remove(`${folder}/grid.asc.aux.xml`);
}

/** An external overview of `relative`, built from the pattern `variant` (not from the file itself). */
async function writeOverview(project: Project, relative: string, variant: number): Promise<void> {
  await writeGrid(project, 'scratch/overview-source.tif', variant);
  await engine().translate(project.path('scratch/overview-source.tif'), project.path(`${relative}.ovr`), ['-of', 'GTiff', '-outsize', '32', '32', '-r', 'average']);
  project.remove(`${relative}.ovr.aux.xml`);
}

function zones(values: [number, number]): string {
  const square = (x: number, y: number, size: number) => [[[x, y], [x + size, y], [x + size, y - size], [x, y - size], [x, y]]];
  return JSON.stringify({
    type: 'FeatureCollection',
    crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32632' } },
    features: [
      { type: 'Feature', properties: { value: values[0] }, geometry: { type: 'Polygon', coordinates: square(600050, 5200590, 200) } },
      { type: 'Feature', properties: { value: values[1] }, geometry: { type: 'Polygon', coordinates: square(600330, 5200300, 250) } },
    ],
  });
}

/** zones.shp (with .dbf, .shx, .prj) and zones.tab (with .dat, .map, .id) in `folder`. */
async function writeZones(project: Project, folder: string, values: [number, number]): Promise<void> {
  project.write(`${folder}/zones.geojson`, zones(values));
  await engine().vectorTranslate(project.path(`${folder}/zones.geojson`), project.path(`${folder}/zones.shp`), ['-f', 'ESRI Shapefile']);
  await engine().vectorTranslate(project.path(`${folder}/zones.geojson`), project.path(`${folder}/zones.tab`), ['-f', 'MapInfo File']);
  project.remove(`${folder}/zones.geojson`);
}

const MASK_VRT = `<VRTDataset rasterXSize="64" rasterYSize="64">
  <SRS>EPSG:32632</SRS>
  <GeoTransform>600000, 10, 0, 5200640, 0, -10</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1">
    <NoDataValue>-1</NoDataValue>
    <ComplexSource>
      <SourceFilename relativeToVRT="1">masked.tif</SourceFilename>
      <SourceBand>1</SourceBand>
      <UseMaskBand>true</UseMaskBand>
    </ComplexSource>
  </VRTRasterBand>
</VRTDataset>
`;

const LOWER_VRT = `<VRTDataset rasterXSize="64" rasterYSize="64">
  <SRS>EPSG:32632</SRS>
  <GeoTransform>600000, 10, 0, 5200640, 0, -10</GeoTransform>
  <VRTRasterBand dataType="Float32" band="1">
    <SimpleSource>
      <sourcefilename relativetovrt="1">lower-source.tif</sourcefilename>
      <SourceBand>1</SourceBand>
    </SimpleSource>
  </VRTRasterBand>
</VRTDataset>
`;

const OGR_VRT = `<OGRVRTDataSource>
  <OGRVRTLayer name="zones">
    <SrcDataSource relativeToVRT="1">zones.shp</SrcDataSource>
    <SrcLayer>zones</SrcLayer>
  </OGRVRTLayer>
</OGRVRTDataSource>
`;

const nodataAux = (value: number) => `<PAMDataset><PAMRasterBand band="1"><NoDataValue>${value}</NoDataValue></PAMRasterBand></PAMDataset>\n`;

export const sidecars: Template = {
  name: 'sidecars',
  async data(project) {
    project.write('data/.keep', '');
    await writePlainTiff(project);
    await writeAsciiGrid(project, 'data', 'EPSG:32632');
    await writeGrid(project, 'data/big.tif');
    await writeOverview(project, 'data/big.tif', 1);
    await writeGrid(project, 'data/bare.tif');
    await writeGrid(project, 'data/masked.tif');
    project.write('data/masked.tif.aux.xml', nodataAux(7));
    project.write('data/mask.vrt', MASK_VRT);
    await writeGrid(project, 'data/lower-source.tif');
    project.write('data/lower.vrt', LOWER_VRT);
    await writeZones(project, 'data', [3, 5]);
    project.write('data/zones.vrt', OGR_VRT);
    project.remove('scratch');
  },
  pipeline: `
import { Data, Rasterizer, Reprojector, SpatialSpec, getConfig, register } from '@geodata';
import { runTargets } from '@runner';

getConfig().update({ root: 'cache', spec: new SpatialSpec({ crs: 'EPSG:32632', transform: [20, 0, 600000, 0, -20, 5200640], shape: [32, 32] }) });

export class WorldFile extends Data {
  get processor() {
    return new Reprojector('data/plain.tif', { srcCrs: 'EPSG:32632' });
  }
}
register(WorldFile);

export class AsciiGrid extends Data {
  get processor() {
    return new Reprojector('data/grid.asc');
  }
}
register(AsciiGrid);

/** Warped to half the resolution: GDAL reads the external overview big.tif.ovr. */
export class Overview extends Data {
  get processor() {
    return new Reprojector('data/big.tif');
  }
}
register(Overview);

/** bare.tif has no overview yet. */
export class LaterOverview extends Data {
  get processor() {
    return new Reprojector('data/bare.tif');
  }
}
register(LaterOverview);

/** A VRT whose source's .aux.xml sets the nodata its mask band hides. */
export class VrtMask extends Data {
  get processor() {
    return new Reprojector('data/mask.vrt');
  }
}
register(VrtMask);

export class LowerVrt extends Data {
  get processor() {
    return new Reprojector('data/lower.vrt');
  }
}
register(LowerVrt);

export class ShapeVrt extends Data {
  get processor() {
    return new Rasterizer('data/zones.vrt', { attribute: 'value' });
  }
}
register(ShapeVrt);

export class MapInfoZones extends Data {
  get processor() {
    return new Rasterizer('data/zones.tab', { attribute: 'value' });
  }
}
register(MapInfoZones);

await runTargets(
  [WorldFile, AsciiGrid, Overview, LaterOverview, VrtMask, LowerVrt, ShapeVrt, MapInfoZones].map((cls) => ({ label: cls.name, make: () => new cls() })),
);
`,
};

/** Replaces one file of the project by the same file of a regenerated copy. */
async function replaceFrom(project: Project, make: (folder: string) => Promise<void>, name: string): Promise<void> {
  // A new folder name each time: GDAL's file system in this process remembers the files a
  // MapInfo or Shapefile write created, and a folder removed behind its back cannot be re-created.
  const folder = `alternative-${Math.random().toString(36).slice(2, 10)}`;
  project.write(`${folder}/.keep`, '');
  await make(folder);
  project.write(`data/${name}`, project.read(`${folder}/${name}`));
  project.remove(folder);
  project.remove('scratch');
}

export const sidecarCases: EditCase[] = [
  {
    name: 'editing the .tfw world file beside a TIFF without georeferencing recomputes its warp',
    kind: 'files GDAL opens',
    edit: (project) => project.write('data/plain.tfw', '10\n0\n0\n-10\n600105\n5200535\n'),
    expected: { computed: ['WorldFile'], explain: { WorldFile: /WorldFile: file data\/plain\.tfw changed/ } },
  },
  {
    name: 'editing the .prj of an ASCII grid recomputes its warp',
    kind: 'files GDAL opens',
    edit: (project) => replaceFrom(project, (folder) => writeAsciiGrid(project, folder, 'EPSG:32631'), 'grid.prj'),
    expected: { computed: ['AsciiGrid'], explain: { AsciiGrid: /AsciiGrid: file data\/grid\.prj changed/ } },
  },
  {
    name: 'editing the values of an ASCII grid recomputes its warp',
    kind: 'files GDAL opens',
    edit: (project) => project.replace('data/grid.asc', ' 3 ', ' 4 '),
    expected: { computed: ['AsciiGrid'] },
  },
  {
    name: 'editing the external .ovr overview GDAL warps from recomputes the warp',
    kind: 'files GDAL opens',
    edit: (project) => writeOverview(project, 'data/big.tif', 2).then(() => project.remove('scratch')),
    expected: { computed: ['Overview'], explain: { Overview: /Overview: file data\/big\.tif\.ovr changed/ } },
  },
  {
    name: 'an external .ovr that appears later (absent, then present) recomputes the warp',
    kind: 'files GDAL opens',
    edit: (project) => writeOverview(project, 'data/bare.tif', 3).then(() => project.remove('scratch')),
    expected: { computed: ['LaterOverview'], explain: { LaterOverview: /LaterOverview: file data\/bare\.tif\.ovr appeared/ } },
  },
  {
    name: "editing the .aux.xml of a VRT's source (its nodata) recomputes the warp of the VRT",
    kind: 'files GDAL opens',
    edit: (project) => project.write('data/masked.tif.aux.xml', nodataAux(9)),
    expected: { computed: ['VrtMask'], explain: { VrtMask: /VrtMask: file data\/masked\.tif\.aux\.xml changed/ } },
  },
  {
    name: 'editing the source a VRT names in a lower-case <sourcefilename> recomputes the warp',
    kind: 'files GDAL opens',
    edit: (project) => writeGrid(project, 'data/lower-source.tif', 4),
    // GDAL reads VRT names in any case, and so does the state hash: the source is one of the entry's inputs.
    expected: { computed: ['LowerVrt'], explain: { LowerVrt: /LowerVrt will be computed.*\ninput .*data\/lower-source\.tif changed/ } },
  },
  {
    name: 'editing the .dbf of a Shapefile named inside an OGR VRT recomputes the rasterization',
    kind: 'files GDAL opens',
    edit: (project) => replaceFrom(project, (folder) => writeZones(project, folder, [4, 6]), 'zones.dbf'),
    expected: { computed: ['ShapeVrt'], explain: { ShapeVrt: /ShapeVrt: file data\/zones\.dbf changed/ } },
  },
  {
    name: 'editing the .dat of a MapInfo table recomputes the rasterization',
    kind: 'files GDAL opens',
    edit: (project) => replaceFrom(project, (folder) => writeZones(project, folder, [4, 6]), 'zones.dat'),
    expected: { computed: ['MapInfoZones'], explain: { MapInfoZones: /MapInfoZones: file data\/zones\.dat changed/ } },
  },
  {
    name: "touching a VRT source's .aux.xml (same bytes) is a hit everywhere",
    kind: 'files GDAL opens',
    edit: (project) => project.touch('data/masked.tif.aux.xml'),
    expected: { computed: [] },
  },
  {
    name: 'an .aux.xml beside a file no class reads is a hit everywhere',
    kind: 'files GDAL opens',
    edit: (project) => project.write('data/unrelated.tif.aux.xml', nodataAux(1)),
    expected: { computed: [] },
  },
  {
    name: 'touching every file of the Shapefile and the MapInfo table is a hit everywhere',
    kind: 'files GDAL opens',
    edit: (project) => {
      for (const name of ['zones.shp', 'zones.shx', 'zones.dbf', 'zones.prj', 'zones.tab', 'zones.dat', 'zones.map', 'zones.id']) project.touch(`data/${name}`);
    },
    expected: { computed: [] },
  },
];
