// Type-checked with tsc --noEmit against the installed package's declarations: the public API as
// a TypeScript user reaches it, from each entry.
import { fingerprint, fingerprintRecord, load, produce, Raster, SpatialSpec, withConfig, type LoadResult, type ProcessedEntry } from 'geodata';
import { createWorkerEngine, indexedDbStore } from 'geodata/browser';
import { fsStore, startBrowseServer, type BrowseServer } from 'geodata/node';
import { Elevation, SPEC } from './pipeline.js';

export async function consume(): Promise<void> {
  // load() infers a Raster from the Reprojector of Elevation.
  const elevation: Raster = await load(new Elevation('dem.tif'), SPEC);
  const inferred: LoadResult<Elevation> = elevation;
  const entry: ProcessedEntry = await withConfig({ store: fsStore({ root: 'cache' }) }, () => produce(new Elevation('dem.tif')));
  const { stateHash } = await fingerprint(new Elevation('dem.tif'), SPEC);
  const record = await fingerprintRecord(new Elevation('dem.tif'), SPEC);
  const spec: SpatialSpec = inferred.spec;
  const server: BrowseServer = await startBrowseServer({ port: 0 });
  await server.close();
  void [entry.path, stateHash, record.className, spec.crs, createWorkerEngine, indexedDbStore];
}
