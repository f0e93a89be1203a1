// A user's page, bundled by esbuild or Vite from the installed package (test/package/bundlers.test.ts):
// the consumer pipeline computed once, then again with a fresh engine (every step a hit), and the
// figure shown from the cache with figureUrl under the page's Content-Security-Policy.
import { createBrowserEngine, figureUrl, getConfig, produce } from 'geodata';
import { SPEC, targets } from './pipeline.js';

declare global {
  interface Window {
    runPipeline(): Promise<unknown>;
    cspViolations: string[];
  }
}

window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));

window.runPipeline = async () => {
  const dem = new Uint8Array(await (await fetch(new URL('dem.tif', document.baseURI))).arrayBuffer());
  getConfig().update({ spec: SPEC });
  const first = [];
  for (const target of targets(dem)) first.push((await produce(target)).computed);
  await getConfig().engine.close();

  // A new engine, as after a reload: every step is a hit, and GDAL must not start.
  const engine = createBrowserEngine();
  getConfig().update({ engine });
  const second = [];
  for (const target of targets(dem)) second.push((await produce(target)).computed);
  const image = document.createElement('img');
  image.src = await figureUrl(targets(dem)[2]!);
  await image.decode();
  document.body.append(image);
  return {
    first,
    second,
    gdalStarted: (engine as unknown as { started: boolean }).started,
    image: [image.naturalWidth, image.naturalHeight],
    src: image.src.slice(0, 5),
  };
};
