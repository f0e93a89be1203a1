/**
 * Bundled for the browser smoke test: the memory engine in a real page, with gdal3.js's assets
 * served under /gdal/ and the sample raster under /data/.
 */
import { createMemoryEngine } from '../../wasm/index.js';

async function runEngineSmoke(js?: string): Promise<unknown> {
  const assets = { wasm: '/gdal/gdal3WebAssembly.wasm', data: '/gdal/gdal3WebAssembly.data', ...(js ? { js } : {}) };
  const engine = createMemoryEngine({ assets });
  const response = await fetch('/data/elev_vinschgau.tif');
  await engine.fs.writeFile('/in/elev_vinschgau.tif', new Uint8Array(await response.arrayBuffer()));
  await engine.fs.mkdir('/out');
  const fractions: number[] = [];
  await engine.warp(['/in/elev_vinschgau.tif'], '/out/elev-4326.tif', ['-t_srs', 'EPSG:4326', '-r', 'bilinear'], {
    onProgress: (fraction) => fractions.push(fraction),
  });
  const info = await engine.info('/out/elev-4326.tif');
  const bytes = await engine.fs.readFile('/out/elev-4326.tif');
  const crs = await engine.crsInfo('EPSG:4326');
  await engine.close();
  return { info, byteLength: bytes.length, lastFraction: fractions.at(-1), authority: crs.authority, fileSystem: engine.fs.kind };
}

(globalThis as { runEngineSmoke?: typeof runEngineSmoke }).runEngineSmoke = runEngineSmoke;
