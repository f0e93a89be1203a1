/**
 * What the demo runs, without the page: a source DEM (generated, or a user's GeoTIFF), the
 * target grid, and the example pipeline's five steps through the cache. Platform-neutral (the
 * engine and the cache come from the configuration), so the notebook and the tests reuse it.
 */
import { produce, SpatialSpec, syntheticTerrainAsync, type GdalEngine, type InputRef } from '../../src/api.js';
import { sha256BytesHex } from '../../src/sha256.js';
import { exampleSteps } from '../pipeline.js';
import { targetSpec } from './target-spec.js';

/** The generated terrain: the DEM of `npm start`. */
export const GENERATED_TERRAIN = { size: 512, pixel: 30 } as const;

/** A source DEM, as the pipeline takes it and as the page shows it. */
export interface DemoSource {
  kind: 'generated' | 'file';
  name: string;
  /** What the pipeline reads: the bytes, or the dropped File itself. */
  input: InputRef;
  size: number;
  sha256: string;
  /** Its grid, read by GDAL. */
  spec: SpatialSpec;
}

/** One step of a run. */
export interface StepRecord {
  name: string;
  className: string;
  stateHash: string;
  computed: boolean;
  ms: number;
  /** Where the output is in the engine's file system (for figures: the PNG). */
  path: string;
  outputSha256: string;
  bytes: number;
}

/** The generated terrain, written by GDAL (LZW) into `folder` of the engine's file system. */
export async function generatedSource(engine: GdalEngine, folder: string): Promise<DemoSource> {
  const path = `${folder}/generated-terrain.tif`;
  await engine.fs.mkdir(folder);
  // LZW is written by GDAL itself in Node and in browsers alike (DEFLATE is compressed outside
  // WebAssembly in Node), so the generated input has the same bytes, hence the same fingerprints,
  // in a page and in a Node script.
  // Generated in slices that yield: the page stays responsive (one piece would hold it 0.1-0.2 s).
  await (await syntheticTerrainAsync(GENERATED_TERRAIN)).write(path, { engine, compress: 'LZW' });
  const bytes = await engine.fs.readFile(path);
  return { kind: 'generated', name: 'generated terrain', input: bytes, size: bytes.length, sha256: await sha256BytesHex(bytes), spec: await SpatialSpec.fromRasterFile(path, engine) };
}

/** A GeoTIFF the user chose or dropped; GDAL reads its grid from a copy in `folder`. */
export async function fileSource(file: File, engine: GdalEngine, folder: string): Promise<DemoSource> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const path = `${folder}/${file.name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'source.tif'}`;
  await engine.fs.mkdir(folder);
  await engine.fs.writeFile(path, bytes);
  return { kind: 'file', name: file.name, input: file, size: bytes.length, sha256: await sha256BytesHex(bytes), spec: await SpatialSpec.fromRasterFile(path, engine) };
}

/** The grid for a source, CRS and resolution (see `targetSpec`). */
export function demoSpec(source: DemoSource, crs: string, resolution: number, engine: GdalEngine): Promise<SpatialSpec> {
  return targetSpec(source.spec, crs, resolution, engine);
}

/**
 * Runs the five steps (elevation, slope, hillshade, two figures) at `spec`; each is computed only
 * when the cache has no entry for it.
 */
export async function runSteps(source: DemoSource, spec: SpatialSpec, onStep?: (record: StepRecord) => void): Promise<StepRecord[]> {
  const records: StepRecord[] = [];
  for (const step of exampleSteps(source.input)) {
    const started = performance.now();
    const entry = await produce(step.instance, spec);
    const record: StepRecord = {
      name: step.name,
      className: entry.meta.class_name,
      stateHash: entry.stateHash,
      computed: entry.computed,
      ms: Math.round(performance.now() - started),
      path: entry.path,
      outputSha256: entry.meta.output.sha256,
      bytes: entry.meta.output.size,
    };
    records.push(record);
    onStep?.(record);
  }
  return records;
}
