import type { Driver } from '../drivers/driver.js';
import type { Raster } from '../raster/raster.js';

/**
 * What the built-in driver for an extension reads (see `driverForExtension`): a GeoTIFF is a
 * `Raster`, (Geo)JSON a parsed value, anything else bytes. `unknown` when the extension is not
 * known from the types (a plain `string`).
 */
export type ExtensionOutput<E> = string extends E ? unknown : Lowercase<E & string> extends 'tif' | 'tiff' ? Raster : Lowercase<E & string> extends 'geojson' | 'json' ? unknown : Uint8Array;

/**
 * What `load(instance)` resolves to, as far as the types of the instance's class tell: the output
 * type it declares (`class Elevation extends Data<Raster>`) or its `driver` reads; else what its
 * processor's `driver` reads, else its processor's extension (`Reprojector` and `Rasterizer`
 * write GeoTIFFs: a `Raster`). `unknown` when they tell nothing, as for a `_process` that writes
 * a file of its own: declare the type on the class, or name it, `load<Raster>(...)`.
 *
 * @example
 * class Elevation extends Data {
 *   get processor() { return new Reprojector('dem.tif'); }
 * }
 * const elevation = await load(new Elevation()); // LoadResult<Elevation> is Raster
 */
export type LoadResult<I> = Known<DriverOutput<Member<I, 'driver'>>, Known<ProcessorOutput<NonNullable<Member<I, 'processor'>>>, unknown>>;

type Member<I, K extends string> = I extends { readonly [key in K]: infer V } ? V : undefined;
type Known<T, Otherwise> = unknown extends T ? Otherwise : T;
type DriverOutput<D> = NonNullable<D> extends Driver<infer T> ? T : unknown;
type ProcessorOutput<P> = Known<DriverOutput<Member<P, 'driver'>>, ExtensionOutput<Member<P, 'ext'>>>;
