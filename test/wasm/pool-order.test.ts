import { describe, expect, it } from 'vitest';
import { IssueOrder, namesVsimem, pagePath, scopeOf, withVrtSources } from '../../wasm/pool-order.js';

/** Runs operations through one `IssueOrder`, each ending when the test says, logging starts and ends. */
function harness(vrts: Record<string, string> = {}) {
  const order = new IssueOrder();
  const log: string[] = [];
  const ends = new Map<string, () => void>();
  const start = (name: string, method: Parameters<typeof scopeOf>[0], args: unknown[]) =>
    order.run(() => scopeOf(method, args, (path) => vrts[path]), () => {
      log.push(`start ${name}`);
      return new Promise<void>((resolve) => ends.set(name, resolve));
    });
  const end = async (name: string) => {
    ends.get(name)!();
    // Let the waiting operations start.
    for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
  };
  return { start, end, log, vrts };
}

describe('the Web Worker pool’s order of operations', () => {
  it('starts operations on other files at once, and one on a running call’s output after the call', async () => {
    const { start, end, log } = harness();
    void start('warp a', 'warp', [['/in/dem.tif'], '/out/a.tif', []]);
    void start('warp b', 'warp', [['/in/dem.tif'], '/out/b.tif', []]);
    void start('read a', 'readFile', ['/out/a.tif']);
    void start('write c', 'writeFile', ['/out/c.tif']);
    await end('write c');
    expect(log).toEqual(['start warp a', 'start warp b', 'start write c']);
    await end('warp a');
    expect(log).toEqual(['start warp a', 'start warp b', 'start write c', 'start read a']);
  });

  it('makes a change of a running call’s input wait, and keeps later operations behind a waiting one', async () => {
    const { start, end, log } = harness();
    void start('translate', 'translate', ['/in/a.tif', '/out/b.tif', []]);
    void start('remove input', 'remove', ['/in/a.tif']);
    void start('rewrite input', 'writeFile', ['in/../in/a.tif']);
    expect(log).toEqual(['start translate']);
    await end('translate');
    expect(log).toEqual(['start translate', 'start remove input']);
    await end('remove input');
    expect(log).toEqual(['start translate', 'start remove input', 'start rewrite input']);
  });

  it('orders close after everything before it, and everything after it behind it', async () => {
    const { start, end, log } = harness();
    void start('crs', 'crsInfo', ['EPSG:4326']);
    void start('close', 'close', []);
    void start('exists', 'exists', ['/x']);
    expect(log).toEqual(['start crs']);
    await end('crs');
    expect(log).toEqual(['start crs', 'start close']);
    await end('close');
    expect(log).toEqual(['start crs', 'start close', 'start exists']);
  });

  it('knows what each call may write: its output, the files sharing its stem, what is inside it, its inputs’ statistics', () => {
    const shapefile = scopeOf('vectorTranslate', ['/in/box.geojson', '/out/box.shp', ['-f', 'ESRI Shapefile']]);
    expect(['/out/box.shp', '/out/box.dbf', '/out/box.shp.aux.xml', '/in/box.geojson.aux.xml'].map(shapefile.writes)).toEqual([true, true, true, true]);
    expect(['/out/boxes.shp', '/in/box.geojson', '/out/box', '/in'].map(shapefile.writes)).toEqual([false, false, false, false]);
    // Its folder too, which GDAL may open as one dataset (a folder of shapefiles).
    expect(shapefile.writes('/out')).toBe(true);
    const folder = scopeOf('vectorTranslate', ['/in/box.geojson', '/out/shp', []]);
    expect(['/out/shp/box.shp', '/out/shp', '/out/shpx/box.shp'].map(folder.writes)).toEqual([true, true, false]);
    const relief = scopeOf('dem', ['color-relief', '/in/a.tif', '/out/c.tif', [], { colorFile: '/in/../colors/ramp.txt' }]);
    expect(relief.names).toEqual(['/in/a.tif', '/out/c.tif', '/colors/ramp.txt']);
    const cut = scopeOf('warp', [['a.tif'], '/out/w.tif', ['-cutline', '/cut/x/../box.geojson', '-t_srs', 'EPSG:3035']]);
    expect(cut.names).toEqual(['/a.tif', '/cut/box.geojson', '/out/w.tif']);
    const info = scopeOf('info', ['/in/a.tif', ['-stats']]);
    // The raster itself too: a call opening it reads the statistics stored with it.
    expect([info.writes('/in/a.tif.aux.xml'), info.writes('/in/a.tif'), info.writes('/in/b.tif')]).toEqual([true, true, false]);
    const vrts: Record<string, string> = { '/in/v.vrt': '<VRTDataset><SourceFilename relativeToVRT="1">t.tif</SourceFilename></VRTDataset>' };
    const stats = scopeOf('info', ['/in/v.vrt', ['-approx_stats']], (path) => vrts[path]);
    expect(['/in/v.vrt', '/in/v.vrt.aux.xml', '/in/t.tif.aux.xml', '/in/t.tif', '/in/u.tif'].map(stats.writes)).toEqual([true, true, true, true, false]);
    // File methods change the dataset of a file they name beside it, and everything in a folder they move.
    expect(['/in/a.envi', '/in/a.hdr', '/in/ab.envi'].map(scopeOf('remove', ['/in/a.hdr']).writes)).toEqual([true, true, false]);
    expect(['/in/d/a.tif', '/in/d', '/in/dx/a.tif', '/out/e/b.tif'].map(scopeOf('rename', ['/in/d', '/out/e']).writes)).toEqual([true, true, false, true]);
    expect(scopeOf('info', ['/in/v.vrt', []], (path) => vrts[path]).writes('/in/v.vrt')).toBe(false);
    expect(scopeOf('removeTree', ['/out']).writes('/out/deep/x.tif')).toBe(true);
    expect(scopeOf('removeTree', ['/out']).writes('/outside.tif')).toBe(false);
    expect(scopeOf('transformPoints', ['EPSG:4326', 'EPSG:3035', [[0, 0]]]).names).toEqual([]);
  });

  it('names the archive of a /vsizip/ path, a /vsimem/ path itself, and no page file for /vsicurl/', () => {
    expect(pagePath('/vsizip//out/a.zip/inner/b.asc')).toBe('/out/a.zip');
    expect(pagePath('/vsizip/{/out/a b.zip}/b.asc')).toBe('/out/a b.zip');
    expect(pagePath('/vsimem/grid//a.vrt')).toBe('/vsimem/grid/a.vrt');
    expect(pagePath('/vsicurl/https://example.com/a.tif')).toBeUndefined();
    expect(pagePath('out/./a.tif')).toBe('/out/a.tif');
    const zip = scopeOf('translate', ['/in/a.tif', '/vsizip//out/a.zip/a.asc', ['-of', 'AAIGrid']]);
    expect([zip.writes('/out/a.zip'), zip.writes('/out/b.zip')]).toEqual([true, false]);
    expect([namesVsimem([['/in/a.tif'], '/vsimem/x.vrt', []]), namesVsimem([['/in/a.tif'], '/out/x.vrt', []])]).toEqual([true, false]);
    // In call options too, which may hold cycles.
    const options: Record<string, unknown> = { config: { GDAL_PAM_PROXY_DIR: '/vsimem/pam' } };
    options.self = options;
    expect(namesVsimem([['/in/a.tif'], '/out/x.tif', [], options])).toBe(true);
    delete (options.config as Record<string, unknown>).GDAL_PAM_PROXY_DIR;
    expect(namesVsimem([['/in/a.tif'], '/out/x.tif', [], options])).toBe(false);
  });

  it('reads the files a VRT names, relative to it or not, in VRTs within VRTs, entities decoded', () => {
    const vrts: Record<string, string> = {
      '/m/mosaic.vrt': '<VRTDataset><VRTRasterBand><SimpleSource><SourceFilename relativeToVRT="1">tiles/a.vrt</SourceFilename></SimpleSource><ComplexSource><SourceFilename relativeToVRT="0">/data/b &amp; c.tif</SourceFilename></ComplexSource></VRTRasterBand></VRTDataset>',
      '/m/tiles/a.vrt': "<VRTDataset><SourceDataset relativeToVRT='1'>../../raw/a.tif</SourceDataset><SimpleSource><SourceFilename relativeToVRT=\"0\">/vsicurl/https://example.com/y.tif</SourceFilename></SimpleSource></VRTDataset>",
    };
    expect(withVrtSources(['/m/mosaic.vrt'], (path) => vrts[path])).toEqual(['/m/mosaic.vrt', '/m/tiles/a.vrt', '/data/b & c.tif', '/raw/a.tif']);
    expect(withVrtSources(['/m/mosaic.vrt'], undefined)).toEqual(['/m/mosaic.vrt']);
  });

  it('reads relativeToVRT and source elements in any case, as GDAL does', () => {
    const vrts: Record<string, string> = { '/in/m.vrt': '<VRTDataset><sourcefilename RelativeToVRT="1">t.tif</sourcefilename></VRTDataset>' };
    expect(withVrtSources(['/in/m.vrt'], (path) => vrts[path], '/work')).toEqual(['/in/m.vrt', '/in/t.tif']);
  });

  it('finds a VRT source named relative but not relativeToVRT in the working folder, as GDAL opens it', () => {
    const vrts: Record<string, string> = { '/m/v.vrt': '<VRTDataset><SourceFilename relativeToVRT="0">tiles/a.tif</SourceFilename><SourceFilename>./b.tif</SourceFilename></VRTDataset>' };
    expect(withVrtSources(['/m/v.vrt'], (path) => vrts[path], '/work/project')).toEqual(['/m/v.vrt', '/work/project/tiles/a.tif', '/work/project/b.tif']);
    expect(withVrtSources(['/m/v.vrt'], (path) => vrts[path])).toEqual(['/m/v.vrt', '/tiles/a.tif', '/b.tif']);
  });

  it('makes a call through a VRT wait for the unfinished call writing its source, the VRT written meanwhile included', async () => {
    const { start, end, log, vrts } = harness();
    void start('write x', 'translate', ['/in/a.tif', '/data/x.tif', []]);
    void start('write vrt', 'translate', ['/in/a.tif', '/v/v.vrt', ['-of', 'VRT']]);
    void start('read vrt', 'translate', ['/v/v.vrt', '/out/o.tif', []]);
    expect(log).toEqual(['start write x', 'start write vrt']);
    // The VRT the second call wrote names the first call's output: the third now waits for that too.
    vrts['/v/v.vrt'] = '<VRTDataset><SourceFilename relativeToVRT="1">../data/x.tif</SourceFilename></VRTDataset>';
    await end('write vrt');
    expect(log).toEqual(['start write x', 'start write vrt']);
    await end('write x');
    expect(log).toEqual(['start write x', 'start write vrt', 'start read vrt']);
  });
});
