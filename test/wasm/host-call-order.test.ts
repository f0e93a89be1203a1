/**
 * Node's engines keep the order of calls on host files (`wasm/host-call-order-node.ts`), also
 * where one file is reached by different names: a folder moved around a file, a relative
 * `-cutline`, a relative `/vsizip/` archive, a VRT written by a file method, a linked folder. Each
 * test starts a new engine; a new pool's first GDAL call waits for its thread to load GDAL (about a
 * second), so a file method not ordered behind it runs first, every time, and the test sees the
 * difference from the calls run in call order.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GdalError } from '../../src/errors.js';
import type { GdalEngine } from '../../wasm/engine.js';
import { createNodeEngine, createPoolEngine } from '../../wasm/node.js';
import { useScratchFolder } from './fixtures.js';

const SIZE = 16;

/** A Byte raster on disk without GDAL: raw bytes of `value` and the VRT reading them (relativeToVRT). */
function rawRaster(vrt: string, value: number): void {
  const raw = vrt.replace(/\.vrt$/, '.raw');
  writeFileSync(raw, new Uint8Array(SIZE * SIZE).fill(value));
  writeFileSync(
    vrt,
    `<VRTDataset rasterXSize="${SIZE}" rasterYSize="${SIZE}">
  <SRS>EPSG:32632</SRS>
  <GeoTransform>600000, 30, 0, 5200020, 0, -30</GeoTransform>
  <VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">
    <SourceFilename relativeToVRT="1">${path.basename(raw)}</SourceFilename>
    <ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>${SIZE}</LineOffset>
  </VRTRasterBand>
</VRTDataset>`,
  );
}

/** The distinct pixel values of band 1, through an ENVI copy. */
async function pixelValues(engine: GdalEngine, file: string): Promise<number[]> {
  const raw = `${file}.envi`;
  await engine.translate(file, raw, ['-of', 'ENVI', '-ot', 'Byte']);
  return [...new Set(await engine.fs.readFile(raw))].sort((a, b) => a - b);
}

// The in-thread engine's file methods are Node's asynchronous fs beside GDAL calls on the thread:
// it keeps the same order.
const ENGINES: Array<{ name: string; make: (workers: number) => GdalEngine }> = [
  { name: 'the pool engine', make: (workers) => createPoolEngine({ workers }) },
  { name: 'the in-thread engine', make: () => createNodeEngine() },
];

describe.each(ENGINES)('$name orders calls on host files reached by different names', ({ make }) => {
  const scratch = useScratchFolder('pool-order-host');
  let engineInUse: GdalEngine | undefined;
  afterEach(async () => {
    await engineInUse?.close();
    engineInUse = undefined;
  });
  const pool = () => (engineInUse = make(1));

  it('moves a folder only after an unawaited call has read the file inside it', async () => {
    const folder = scratch.path('moved');
    mkdirSync(folder);
    rawRaster(path.join(folder, 'a.vrt'), 7);
    const engine = pool();
    const out = scratch.path('moved-out.tif');
    const [translated] = await Promise.allSettled([engine.translate(path.join(folder, 'a.vrt'), out, []), engine.fs.rename(folder, scratch.path('moved-away'))]);
    expect(translated.status).toBe('fulfilled');
    expect(await pixelValues(engine, out)).toEqual([7]);
  });

  it('removes a relative -cutline only after an unawaited warp has read it', async () => {
    rawRaster(scratch.path('cut-in.vrt'), 7);
    const cutline = scratch.path('cut.geojson');
    const box = [[[600000, 5199780], [600240, 5199780], [600240, 5200020], [600000, 5200020], [600000, 5199780]]];
    writeFileSync(cutline, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32632' } }, features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: box } }] }));
    const engine = pool();
    const out = scratch.path('cut-out.tif');
    const relative = path.relative(process.cwd(), cutline);
    const [warped] = await Promise.allSettled([engine.warp([scratch.path('cut-in.vrt')], out, ['-cutline', relative, '-dstnodata', '0']), engine.fs.remove(relative)]);
    expect(warped.status).toBe('fulfilled');
    expect(await pixelValues(engine, out)).toEqual([0, 7]);
  });

  it('answers a file method on a relative /vsizip/ archive after the unawaited call writing into it', async () => {
    rawRaster(scratch.path('zip-in.vrt'), 7);
    const engine = pool();
    // Below the working folder: a name climbing out of it with `..` would reach the same absolute path from `/`.
    const folder = mkdtempSync(path.join(process.cwd(), '.pool-order-host-'));
    try {
      const archive = path.join(path.relative(process.cwd(), folder), 'out.zip');
      const [, exists] = await Promise.all([engine.translate(scratch.path('zip-in.vrt'), `/vsizip/${archive}/grid.asc`, ['-of', 'AAIGrid']), engine.fs.exists(archive)]);
      expect(exists).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reads through a VRT written by a file method before a later file method rewrites what the VRT names', async () => {
    rawRaster(scratch.path('tile.vrt'), 7);
    const mosaic = scratch.path('mosaic.vrt');
    const text = `<VRTDataset rasterXSize="${SIZE}" rasterYSize="${SIZE}">
  <SRS>EPSG:32632</SRS>
  <GeoTransform>600000, 30, 0, 5200020, 0, -30</GeoTransform>
  <VRTRasterBand dataType="Byte" band="1">
    <SimpleSource><SourceFilename relativeToVRT="1">tile.vrt</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
  </VRTRasterBand>
</VRTDataset>`;
    const engine = pool();
    const out = scratch.path('mosaic-out.tif');
    await Promise.all([
      engine.fs.writeFile(mosaic, new TextEncoder().encode(text)),
      engine.translate(mosaic, out, []),
      engine.fs.writeFile(scratch.path('tile.raw'), new Uint8Array(SIZE * SIZE).fill(9)),
    ]);
    expect(await pixelValues(engine, out)).toEqual([7]);
  });

  it('removes a file named through a linked folder only after the unawaited call writing it by its real folder', async () => {
    mkdirSync(scratch.path('real'));
    symlinkSync('real', scratch.path('link'));
    rawRaster(scratch.path('link-in.vrt'), 7);
    const engine = pool();
    await Promise.all([engine.translate(scratch.path('link-in.vrt'), scratch.path('real', 'out.tif'), []), engine.fs.remove(scratch.path('link', 'out.tif'))]);
    expect(await engine.fs.exists(scratch.path('real', 'out.tif'))).toBe(false);
  });

  it('removes a sidecar (an ENVI header) only after an unawaited call has read the raster it describes', async () => {
    const raster = scratch.path('sidecar.envi');
    writeFileSync(raster, new Uint8Array(SIZE * SIZE).fill(7));
    writeFileSync(scratch.path('sidecar.hdr'), `ENVI\nsamples = ${SIZE}\nlines = ${SIZE}\nbands = 1\nheader offset = 0\ndata type = 1\ninterleave = bsq\nbyte order = 0\n`);
    const engine = pool();
    const out = scratch.path('sidecar-out.tif');
    const [translated] = await Promise.allSettled([engine.translate(raster, out, []), engine.fs.remove(scratch.path('sidecar.hdr'))]);
    expect(translated.status).toBe('fulfilled');
    expect(await pixelValues(engine, out)).toEqual([7]);
  });

  it('gives an info made while an info -stats of the same raster is unawaited the statistics that call stores', async () => {
    // Large enough that computing the statistics outlasts the other thread's start: run beside it, the info reads no .aux.xml yet.
    const side = 2000;
    const raster = scratch.path('stats.envi');
    writeFileSync(raster, new Uint8Array(side * side).map((_, index) => index % 251));
    writeFileSync(scratch.path('stats.hdr'), `ENVI\nsamples = ${side}\nlines = ${side}\nbands = 1\nheader offset = 0\ndata type = 1\ninterleave = bsq\nbyte order = 0\n`);
    const engine = (engineInUse = make(2));
    const [, after] = await Promise.all([engine.info(raster, ['-stats']), engine.info(raster)]);
    // gdalinfo's JSON gives each band its metadata (the statistics stored), which RasterInfo's type leaves out.
    const band = after.bands[0] as { metadata?: Record<string, Record<string, string>> };
    expect(band.metadata?.['']?.STATISTICS_MAXIMUM).toBe('250');
  });

  it('fails a call writing into a missing folder that a later, unawaited mkdir or writeFile makes, as in call order', async () => {
    rawRaster(scratch.path('made-in.vrt'), 7);
    const engine = pool();
    const made = await Promise.allSettled([engine.translate(scratch.path('made-in.vrt'), scratch.path('made', 'out.tif'), []), engine.fs.mkdir(scratch.path('made'))]);
    const written = await Promise.allSettled([engine.translate(scratch.path('made-in.vrt'), scratch.path('written', 'out.tif'), []), engine.fs.writeFile(scratch.path('written', 'note.txt'), new Uint8Array(1))]);
    for (const [translated, folder] of [made, written]) {
      expect(translated.status).toBe('rejected');
      expect((translated as PromiseRejectedResult).reason).toBeInstanceOf(GdalError);
      expect(folder.status).toBe('fulfilled');
    }
  });

  it('reads through a VRT named .xml before a later file method rewrites what it names', async () => {
    rawRaster(scratch.path('xml-tile.vrt'), 7);
    const mosaic = scratch.path('mosaic.xml');
    writeFileSync(
      mosaic,
      `<VRTDataset rasterXSize="${SIZE}" rasterYSize="${SIZE}">
  <VRTRasterBand dataType="Byte" band="1">
    <SimpleSource><SourceFilename relativeToVRT="1">xml-tile.vrt</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
  </VRTRasterBand>
</VRTDataset>`,
    );
    const engine = pool();
    const out = scratch.path('xml-out.tif');
    await Promise.all([engine.translate(mosaic, out, []), engine.fs.writeFile(scratch.path('xml-tile.raw'), new Uint8Array(SIZE * SIZE).fill(9))]);
    expect(await pixelValues(engine, out)).toEqual([7]);
  });

  it('removes a file from a folder read as one dataset (CSV files) only after an unawaited vectorInfo of the folder', async () => {
    const folder = scratch.path('tables');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'kept.csv'), 'id,x\n1,2\n');
    writeFileSync(path.join(folder, 'removed.csv'), 'id,x\n1,2\n');
    const engine = pool();
    const [info] = await Promise.all([engine.vectorInfo(folder), engine.fs.remove(path.join(folder, 'removed.csv'))]);
    expect(info.layers.map((layer) => layer.name).sort()).toEqual(['kept', 'removed']);
  });

  it('rewrites a file an unawaited call reads an argument from (-sql @file) only after that call', async () => {
    const points = [1, 2, 3].map((id) => ({ type: 'Feature', properties: { id }, geometry: { type: 'Point', coordinates: [id, 0] } }));
    writeFileSync(scratch.path('points.geojson'), JSON.stringify({ type: 'FeatureCollection', features: points }));
    const query = scratch.path('query.sql');
    writeFileSync(query, 'SELECT * FROM points WHERE id = 1');
    const engine = pool();
    const out = scratch.path('selected.geojson');
    await Promise.all([engine.vectorTranslate(scratch.path('points.geojson'), out, ['-sql', `@${query}`]), engine.fs.writeFile(query, new TextEncoder().encode('SELECT * FROM points WHERE id > 1'))]);
    expect((await engine.vectorInfo(out)).layers.map((layer) => layer.featureCount)).toEqual([1]);
  });
});
