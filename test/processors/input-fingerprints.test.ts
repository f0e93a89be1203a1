import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ABSENT_SHA256 } from '../../src/fingerprint/input-hasher.js';
import { NodeInputHasher } from '../../src/fingerprint/input-hasher-node.js';
import { localFileOf, vrtReferences } from '../../src/fingerprint/vrt-references.js';
import { Data, getConfig, load, process as processEntry, Rasterizer, Raster, readRaster, register, Reprojector, SpatialSpec } from '../../src/node.js';
import { useTempCache } from '../helpers/cache.js';
import { HAS_DATA, NO_DATA_REASON, sample, useScratchFolder } from './helpers.js';

/** A Reprojector over one file, as a user writes it. */
class Warped extends Data {
  constructor(public source: string) {
    super();
  }
  override get processor() {
    return new Reprojector(this.source);
  }
}
register(Warped);

/** A Rasterizer over one vector file. */
class Burned extends Data {
  constructor(
    public source: string,
    public srcCrs?: string,
  ) {
    super();
  }
  override get processor() {
    return new Rasterizer(this.source, this.srcCrs ? { srcCrs: this.srcCrs } : {});
  }
}
register(Burned);

const sha256 = (path: string) => new NodeInputHasher().hash(path).then((digest) => digest.sha256);

describe('the files GDAL reads besides an input', () => {
  it('finds the sources a VRT names, relative or not (an absolute name, /vsizip/ too, never relative to the VRT), with XML entities decoded, each once', () => {
    const xml = `<VRTDataset>
      <VRTRasterBand><SimpleSource><SourceFilename relativeToVRT="1">tiles/a&amp;b.tif</SourceFilename></SimpleSource>
      <ComplexSource><SourceFilename relativetoVRT="0">/data/c.tif</SourceFilename></ComplexSource>
      <SimpleSource><SourceFilename relativeToVRT="1">tiles/a&amp;b.tif</SourceFilename></SimpleSource></VRTRasterBand>
      <VRTWarpedDataset><SourceDataset relativeToVRT="1">inner.vrt</SourceDataset></VRTWarpedDataset>
      <OGRVRTLayer name="x"><SrcDataSource relativeToVRT="1">x.shp</SrcDataSource></OGRVRTLayer>
      <SimpleSource><SourceFilename relativeToVRT="1">/vsizip/arch.zip/d.tif</SourceFilename></SimpleSource>
      <SimpleSource><SourceFilename relativeToVRT="1">/data/e.tif</SourceFilename></SimpleSource>
    </VRTDataset>`;
    // An absolute name stays as it is, whatever relativeToVRT says, as GDAL keeps it: the archive of
    // /vsizip/arch.zip/... is found from the working directory, not beside the VRT.
    expect(vrtReferences(xml)).toEqual([
      { path: 'tiles/a&b.tif', relativeToVrt: true },
      { path: '/data/c.tif', relativeToVrt: false },
      { path: 'inner.vrt', relativeToVrt: true },
      { path: 'x.shp', relativeToVrt: true },
      { path: '/vsizip/arch.zip/d.tif', relativeToVrt: false },
      { path: '/data/e.tif', relativeToVrt: false },
    ]);
  });

  it('reads element and attribute names in any case, as GDAL does', () => {
    const xml = `<VRTDataset><VRTRasterBand>
      <SimpleSource><sourcefilename RELATIVETOVRT="1">sub/a.tif</sourcefilename></SimpleSource>
      <SimpleSource><SOURCEFILENAME relativetovrt='1'>b.tif</SOURCEFILENAME></SimpleSource>
      <SimpleSource><SourceFileName>c.tif</SourceFileName></SimpleSource>
    </VRTRasterBand></VRTDataset>`;
    expect(vrtReferences(xml)).toEqual([
      { path: 'sub/a.tif', relativeToVrt: true },
      { path: 'b.tif', relativeToVrt: true },
      { path: 'c.tif', relativeToVrt: false },
    ]);
  });

  it('takes the archive for GDAL virtual paths into archives, and nothing for remote ones and connection strings', () => {
    expect(localFileOf('/vsizip//data/tiles.zip/a/b.tif')).toBe('/data/tiles.zip');
    expect(localFileOf('/vsitar/tiles.tar.gz/b.tif')).toBe('tiles.tar.gz');
    expect(localFileOf('/vsigzip//data/dem.tif.gz')).toBe('/data/dem.tif.gz');
    expect(localFileOf('/vsicurl/https://example.org/a.tif')).toBeUndefined();
    expect(localFileOf('PG:dbname=gis')).toBeUndefined();
    expect(localFileOf('a.tif')).toBe('a.tif');
  });

  it('hashes a missing optional input as absent and a missing required one as a FileError', async () => {
    const scratch = useOwnFolder('optional');
    const hasher = new NodeInputHasher();
    const missing = join(scratch, 'dem.tif.aux.xml');
    expect(await hasher.hash(missing, { optional: true })).toEqual({ id: missing, size: 0, sha256: ABSENT_SHA256 });
    await expect(hasher.hash(missing)).rejects.toThrow(/The input file .*dem\.tif\.aux\.xml does not exist/);
    writeFileSync(missing, '<PAMDataset/>');
    expect(await hasher.hash(missing, { optional: true })).toEqual({ id: missing, size: 13, sha256: await sha256(missing) });
  });

  it('lists the files behind a VRT, following a VRT in a VRT, a missing one as absent, and a cycle once', async () => {
    const scratch = useOwnFolder('vrt-refs');
    mkdirSync(join(scratch, 'tiles'));
    writeFileSync(join(scratch, 'tiles', 'a.tif'), 'pixels of a');
    const source = (path: string, relative = true) => `<SimpleSource><SourceFilename relativeToVRT="${relative ? 1 : 0}">${path}</SourceFilename></SimpleSource>`;
    writeFileSync(join(scratch, 'inner.vrt'), `<VRTDataset>${source('tiles/a.tif')}${source('outer.vrt')}</VRTDataset>`);
    writeFileSync(join(scratch, 'outer.vrt'), `<VRTDataset>${source('inner.vrt')}${source(join(scratch, 'gone.tif'), false)}</VRTDataset>`);
    const digest = await new NodeInputHasher().hash(join(scratch, 'outer.vrt'));
    expect(digest).toEqual({
      id: join(scratch, 'outer.vrt'),
      size: statSync(join(scratch, 'outer.vrt')).size,
      sha256: await sha256(join(scratch, 'outer.vrt')),
      references: [
        { id: join(scratch, 'inner.vrt'), size: statSync(join(scratch, 'inner.vrt')).size, sha256: await sha256(join(scratch, 'inner.vrt')) },
        { id: join(scratch, 'tiles', 'a.tif'), size: 11, sha256: await sha256(join(scratch, 'tiles', 'a.tif')) },
        { id: join(scratch, 'gone.tif'), size: 0, sha256: ABSENT_SHA256 },
      ],
    });
  });
});

describe.skipIf(!HAS_DATA)(`what a load fingerprints besides its inputs${HAS_DATA ? '' : ` (${NO_DATA_REASON})`}`, () => {
  const cache = useTempCache('geodata-input-fingerprints');
  const scratch = useScratchFolder('input-fingerprints');

  afterAll(async () => {
    await getConfig().engine.close();
  });

  /** elev.tif uncompressed, its valid heights raised by `raise`: every version has the same size. */
  async function writeElevation(path: string, raise: number): Promise<void> {
    const elev = await readRaster(sample('elev.tif'));
    const heights = Int16Array.from(elev.bands[0] as Int16Array, (v) => (v === -32768 ? v : v + raise));
    await Raster.fromArrays([heights], elev.spec, { nodata: -32768 }).write(path, { compress: 'NONE', tiled: false });
  }

  it('recomputes a Reprojector over a VRT when a raster the VRT names is replaced by one of the same size', async () => {
    const folder = scratch.path('vrt');
    mkdirSync(folder);
    await writeElevation(join(folder, 'a.tif'), 0);
    await writeElevation(join(folder, 'b.tif'), 1000);
    expect(statSync(join(folder, 'b.tif')).size).toBe(statSync(join(folder, 'a.tif')).size);
    await getConfig().engine.translate(join(folder, 'a.tif'), join(folder, 'dem.vrt'), ['-of', 'VRT']);
    expect(readFileSync(join(folder, 'dem.vrt'), 'utf8')).toContain('<SourceFilename relativeToVRT="1">a.tif</SourceFilename>');
    const spec = await SpatialSpec.fromRasterFile(join(folder, 'a.tif'));

    const first = await processEntry(new Warped(join(folder, 'dem.vrt')), spec);
    expect(first.meta.inputs.map((input) => input.id)).toEqual([join(folder, 'dem.vrt'), join(folder, 'a.tif')]);
    const before = await load<Raster>(new Warped(join(folder, 'dem.vrt')), spec);
    copyFileSync(join(folder, 'b.tif'), join(folder, 'a.tif'));
    const after = await load<Raster>(new Warped(join(folder, 'dem.vrt')), spec);
    expect(cache.computed()).toEqual(['Warped', 'Warped']);
    const [x, y] = [before.band(0).data, after.band(0).data];
    const raised = Array.from(x).flatMap((v, i) => (v === -32768 ? [] : [y[i]! - v]));
    expect(new Set(raised)).toEqual(new Set([1000]));
  });

  it('recomputes when an .aux.xml appears beside a source, and takes the first entry back when it goes', async () => {
    const folder = scratch.path('aux');
    mkdirSync(folder);
    const dem = join(folder, 'dem.tif');
    await writeElevation(dem, 0);
    const spec = await SpatialSpec.fromRasterFile(dem);
    const plain = await load<Raster>(new Warped(dem), spec);
    expect(plain.nodata).toBe(-32768);
    // The sidecar gives the band another nodata value; GDAL reads it, so the result differs.
    writeFileSync(`${dem}.aux.xml`, '<PAMDataset><PAMRasterBand band="1"><NoDataValue>-9999</NoDataValue></PAMRasterBand></PAMDataset>');
    const withAux = await load<Raster>(new Warped(dem), spec);
    expect(withAux.nodata).toBe(-9999);
    rmSync(`${dem}.aux.xml`);
    const again = await load<Raster>(new Warped(dem), spec);
    expect(again.nodata).toBe(-32768);
    expect(cache.computed()).toEqual(['Warped', 'Warped']);
    expect(cache.hits()).toEqual(['Warped']);
  });

  it('burns a Shapefile without .prj through load() with srcCrs, and recomputes when a .prj is added', async () => {
    const folder = scratch.path('no-prj');
    mkdirSync(folder);
    for (const ext of ['shp', 'shx', 'dbf']) copyFileSync(sample(`box.${ext}`), join(folder, `box.${ext}`));
    const spec = new SpatialSpec({ crs: 'EPSG:32618', transform: [1000, 0, 170000, 0, -1000, 2760000], shape: [70, 90] });
    const burned = await load<Raster>(new Burned(join(folder, 'box.shp'), 'EPSG:32618'), spec);
    expect(Array.from(burned.band(0).data).filter((v) => v === 1).length).toBe(75 * 50);
    copyFileSync(sample('box.prj'), join(folder, 'box.prj'));
    await load<Raster>(new Burned(join(folder, 'box.shp'), 'EPSG:32618'), spec);
    expect(cache.computed()).toEqual(['Burned', 'Burned']);
  });
});

/** A scratch folder removed when the test file ends. */
function useOwnFolder(label: string): string {
  const folder = join(process.env.TMPDIR ?? '/tmp', `geodata-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(folder, { recursive: true });
  folders.push(folder);
  return folder;
}
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
