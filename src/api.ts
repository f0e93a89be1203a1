/**
 * Everything geodata exports on every platform. The package entries (`node.ts`, `browser.ts`)
 * re-export this and install their platform.
 */
export { Config, getConfig, withConfig, type CacheLayout, type ConfigValues } from './config.js';
export { Data } from './data/data.js';
export type { ExtensionOutput, LoadResult } from './data/load-result.js';
export { Figure } from './data/figure.js';
export { Tracked, type HasProcess, type ProcessResult } from './data/tracked.js';
export { snakeCase } from './data/naming.js';
export type { Driver, DriverContext } from './drivers/driver.js';
export { bytesDriver, driverForExtension, geojsonDriver, jsonDriver, rasterDriver } from './drivers/builtin.js';
export {
  ConfigError,
  CrsError,
  FileError,
  FingerprintError,
  GdalError,
  GeodataError,
  InvalidInputError,
  OutputTooLargeError,
  PipelineError,
  StoreError,
} from './errors.js';
export {
  ClassRegistry,
  compareRecords,
  defaultRegistry,
  register,
  sourceHash,
  type Fingerprint,
  type InstanceRecord,
  type StaleReason,
  type TreeRecord,
} from './fingerprint/index.js';
// `produce` and `fingerprintRecord` are the names to use: `process` shadows Node's global in
// every module that imports it, and `describe` collides with every test framework. The
// pygeodata names stay, as aliases of the same functions.
export { load, process as produce, process, type ProcessedEntry } from './pipeline/process.js';
export { figureBytes, figureUrl, type FigureOutput } from './pipeline/figure-output.js';
export { describe as fingerprintRecord, describe, fingerprint } from './pipeline/fingerprint-instance.js';
export { explain, type Explanation } from './pipeline/explain.js';
export { describeReason } from './pipeline/describe-reason.js';
export { findEntries, loadFromHash, resolveEntryPrefix, type EntryLocation } from './pipeline/load-from-hash.js';
export { write, type WritableOutput } from './pipeline/write-output.js';
export { onPipelineEvent, type BatchItemResult, type PipelineEvent, type PipelineEventType } from './pipeline/events.js';
export { LOCAL_BATCH_CONCURRENCY, processAll, type BatchItem, type ProcessAllOptions } from './pipeline/process-all.js';
export type { Executor, ExecutorRequest } from './pipeline/executor.js';
export { cleanCache, type CleanCacheOptions, type CleanItem, type CleanReport } from './cache/clean-cache.js';
export { cleanSourceRegistry, type CleanSourceOptions, type CleanSourceReport, type SourceItem } from './cache/clean-source.js';
export { codeVersions, type CodeVersion, type CodeVersionsOptions } from './cache/code-versions.js';
export { entries, entryDetails, explainEntry, type EntriesOptions, type EntryDetails, type EntryExplanation, type EntrySummary } from './cache/entries.js';
export { exportEntries, importArchive, type ImportItem, type ImportOptions, type ImportProvenance, type ImportReport } from './cache/export-import.js';
export { verifyEntries, type VerifyItem, type VerifyOptions } from './cache/verify.js';
export { ArchiveTooLargeError } from './cache/archive.js';
export { DEFAULT_LIMITS, getLimits, type Limits } from './limits.js';
export { describeCacheReason, type CacheReason, type EntryState } from './cache/reasons.js';
export { rebuildRegistry, type RebuildReport, type RebuiltItem } from './cache/rebuild-registry.js';
export { scanCache, type CacheProgress, type ScanOptions, type ScannedEntry } from './cache/scan.js';
export { classes, status, type CacheStatus, type ClassStatus, type EntryCounts, type StatusOptions } from './cache/status.js';
export type { EntryMeta } from './pipeline/entry.js';
export * from './processors/index.js';
export * from './terrain/index.js';
export { Aspect, ColorRelief, Hillshade, Roughness, Slope, TerrainDataset, Tpi, Tri } from './datasets/terrain-datasets.js';
export { Mosaic, type MosaicFormat, type MosaicOutput } from './datasets/mosaic.js';
export * from './render/index.js';
export { Raster, type RasterOptions } from './raster/raster.js';
export { readRaster, readRasterBytes, type RasterSource, type ReadRasterOptions } from './raster/read-raster.js';
export { readWindow, type RasterWindow, type ReadWindowOptions } from './raster/read-window.js';
export { UnsupportedFormatError } from './formats/format-errors.js';
export type { ArraySelection } from './formats/array-selection.js';
export { writeRaster, type WriteOptions } from './raster/write-raster.js';
export { syntheticTerrain, syntheticTerrainAsync, type SyntheticTerrainOptions } from './synthetic/synthetic-terrain.js';
export { remoteDigest, remoteReads, REMOTE_VERSION_FORMAT, type PixelWindow, type RemoteRead, type RemoteValidators } from './sources/index.js';
export { DTYPE_NAMES, type DType, type TypedArray } from './raster/dtype.js';
export { SpatialSpec, type Bounds, type SpatialSpecInit, type SpatialSpecJSON } from './spec/spatial-spec.js';
export type { TileGrid } from './spec/tiles.js';
export { affineToGdal, gdalToAffine, type Affine, type GeoTransform } from './spec/affine.js';
export type { StoreAdapter } from './store/adapter.js';
export { indexedDbStore, memoryStore } from './store/index.js';
export type { CallOptions, DemMode, GdalEngine, OutsideDeflate, RasterInfo, VectorInfo } from '../wasm/engine.js';
export { LIBRARY_VERSION } from './version.js';
