/**
 * The standard processors: reprojection (`Reprojector`) and rasterization (`Rasterizer`), plus
 * the processor seam they implement.
 */
export type { InputRef, Processor, ProcessorContext } from './processor.js';
export { Reprojector, type ReprojectorOptions } from './reprojector.js';
export { Rasterizer, type RasterizerOptions } from './rasterizer.js';
export { RESAMPLING_METHODS, type Resampling } from './resampling.js';
export type { OutputDType } from './output-type.js';
