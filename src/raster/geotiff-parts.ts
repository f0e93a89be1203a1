/**
 * The parts of geotiff.js that geodata uses, imported together on first use (see
 * `loadGeotiff`). Named here so that a bundler keeps only them: a dynamic import of the whole
 * package would keep its worker pool too (245 kB, an inlined worker).
 */
export { addDecoder, BaseClient, BaseDecoder, BaseResponse, fromArrayBuffer, fromCustomClient, getDecoder } from 'geotiff';
