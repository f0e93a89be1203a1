import { Data } from '../data/data.js';
import type { Tracked } from '../data/tracked.js';
import { InvalidInputError } from '../errors.js';
import { defaultRegistry, markLibraryClass, register } from '../fingerprint/index.js';
import { process } from '../pipeline/process.js';
import type { Raster } from '../raster/raster.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { aspect, colorRelief, hillshade, roughness, slope, tpi, tri } from '../terrain/gdaldem.js';
import type {
  AspectOptions,
  ColorReliefOptions,
  HillshadeOptions,
  RoughnessOptions,
  SlopeOptions,
  TpiOptions,
  TriOptions,
} from '../terrain/terrain-options.js';
import type { ReliefColor } from '../terrain/color-table.js';

/** Options that are parameters: everything but the engine and progress callback (not fingerprintable). */
type Parameters<T> = Omit<T, 'engine' | 'onProgress'>;

/**
 * Library classes register themselves on first use, not on import, so that a user's own class
 * named `Slope` conflicts only if both are used.
 */
function registerOnce(cls: Function): void {
  if (defaultRegistry.nameOf(cls) === undefined) register(cls);
}

/**
 * A terrain product of another dataset (a DEM): computes the source at the same spec, then runs
 * GDALDEMProcessing on its output. The source is a parameter, so its changes propagate.
 */
export abstract class TerrainDataset<O extends object> extends Data<Raster> {
  constructor(
    public source: Tracked,
    public options: O = {} as O,
  ) {
    super();
    if (!source || typeof (source as Tracked).getProcessedPath !== 'function') {
      throw new InvalidInputError(`${new.target.name} needs a Data instance (the DEM) as its source, got ${typeof source}`);
    }
    registerOnce(TerrainDataset);
    registerOnce(new.target);
  }

  /** Runs the terrain function from `input` (the source's output) to `output`. */
  protected abstract compute(input: string, output: string): Promise<void>;

  async _process(spec: SpatialSpec): Promise<void> {
    await process(this.source, spec);
    await this.compute(this.source.getProcessedPath(spec), this.ensureProcessedPath(spec));
  }
}

/**
 * Slope in degrees (or percent) of a DEM dataset.
 * @example const slopeDeg = await load(new Slope(new ElevationLoader()));
 */
export class Slope extends TerrainDataset<Parameters<SlopeOptions>> {
  protected compute(input: string, output: string) {
    return slope(input, output, this.options);
  }
}

/** Aspect of a DEM dataset, degrees clockwise from north. */
export class Aspect extends TerrainDataset<Parameters<AspectOptions>> {
  protected compute(input: string, output: string) {
    return aspect(input, output, this.options);
  }
}

/**
 * Shaded relief of a DEM dataset.
 * @example await produce(new Hillshade(new ElevationLoader(), { multidirectional: true }));
 */
export class Hillshade extends TerrainDataset<Parameters<HillshadeOptions>> {
  protected compute(input: string, output: string) {
    return hillshade(input, output, this.options);
  }
}

/** Roughness of a DEM dataset. */
export class Roughness extends TerrainDataset<Parameters<RoughnessOptions>> {
  protected compute(input: string, output: string) {
    return roughness(input, output, this.options);
  }
}

/** Topographic Position Index of a DEM dataset. */
export class Tpi extends TerrainDataset<Parameters<TpiOptions>> {
  protected compute(input: string, output: string) {
    return tpi(input, output, this.options);
  }
}

/** Terrain Ruggedness Index of a DEM dataset. */
export class Tri extends TerrainDataset<Parameters<TriOptions>> {
  protected compute(input: string, output: string) {
    return tri(input, output, this.options);
  }
}

/** A DEM dataset coloured by elevation (RGB or RGBA Byte). */
export class ColorRelief extends TerrainDataset<Parameters<ColorReliefOptions>> {
  constructor(
    source: Tracked,
    public colors: ReliefColor[],
    options: Parameters<ColorReliefOptions> = {},
  ) {
    super(source, options);
  }

  protected compute(input: string, output: string) {
    return colorRelief(input, output, this.colors, this.options);
  }
}

// Names in user code that refer to these are library references, registered yet or not.
for (const cls of [TerrainDataset, Slope, Aspect, Hillshade, Roughness, Tpi, Tri, ColorRelief]) markLibraryClass(cls);

// `registerOnce` only puts the class in the registry; it has no part in what the class computes.
// Declared here, outside the class's text (whose hash every terrain entry carries), so that
// strictFingerprints does not refuse every terrain dataset for a name no user can declare.
Object.defineProperty(TerrainDataset, 'external', { value: Object.freeze(['registerOnce']), enumerable: false });
