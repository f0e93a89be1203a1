/**
 * The names geodata exports from its Node and browser entries, as a static list: a class body that
 * calls `process(...)` or `new Reprojector(...)` refers to library code, and the fingerprint needs
 * the names without importing the public surface (`api.ts` imports the pipeline, which imports the
 * fingerprint: reading the exports at run time tied most of `src/` into one import cycle).
 * `test/fingerprint/library-names.test.ts` compares the list with the real exports of both entries.
 */
export const LIBRARY_EXPORT_NAMES: readonly string[] = [
  'ArchiveTooLargeError', 'Aspect', 'COLORBAR_SIZES', 'ClassRegistry', 'ColorRelief', 'Config', 'ConfigError', 'CrsError',
  'DEFAULT_HILLSHADE_STRENGTH', 'DEFAULT_LIMITS', 'DTYPE_NAMES', 'Data', 'Figure', 'FileError', 'FingerprintError',
  'GLYPH_ADVANCE', 'GLYPH_ASCENT', 'GLYPH_HEIGHT', 'GLYPH_WIDTH', 'GdalError', 'GeodataError',
  'Hillshade', 'InvalidInputError', 'LIBRARY_VERSION', 'LOCAL_BATCH_CONCURRENCY', 'LUT_SIZE', 'Mosaic', 'NodeInputHasher', 'OutputTooLargeError',
  'PipelineError', 'REMOTE_VERSION_FORMAT', 'RESAMPLING_METHODS', 'Raster', 'Rasterizer',
  'Reprojector', 'Roughness', 'Slope', 'SpatialSpec', 'StoreError', 'TerrainDataset', 'Tpi',
  'Tracked', 'Tri', 'UnsupportedFormatError', 'affineToGdal', 'aspect', 'blit', 'bytesDriver', 'classes', 'cleanCache',
  'cleanSourceRegistry', 'codeVersions', 'colorAt', 'colorRelief', 'colorbarLayout',
  'colorbarTitle', 'colorizeBand', 'colormapFromStops', 'colormapNames', 'compareRecords', 'configureComputeWorker', 'crc32',
  'createBrowserEngine', 'createImage', 'createMemoryEngine', 'createNodeEngine',
  'createPoolEngine', 'createWebWorkerPool', 'createWorkerEngine', 'defaultGdalAssets', 'defaultRegistry', 'degreeScale', 'demScale',
  'describe', 'describeCacheReason', 'describeReason', 'drawText', 'driverForExtension',
  'encodePng', 'entries', 'entryDetails', 'explain', 'explainEntry', 'exportEntries', 'figureBytes', 'figureUrl', 'fillRect',
  'findEntries', 'fingerprint', 'fingerprintRecord', 'fontCharacters', 'formatTicks', 'fsStore', 'gdalAssetsAt',
  'gdalToAffine', 'geojsonDriver', 'getColormap', 'getConfig', 'getLimits', 'glyphBitmap', 'hillshade',
  'importArchive', 'indexedDbStore', 'jsonDriver', 'load', 'loadFromHash', 'lutIndex',
  'measureText', 'memoryStore', 'metresPerDegreeAxes', 'niceTicks', 'onPipelineEvent',
  'parseColor', 'process', 'processAll', 'produce', 'rasterBand', 'rasterDriver', 'readRaster', 'readRasterBytes',
  'readWindow', 'rebuildRegistry', 'register', 'remoteDigest', 'remoteReads', 'renderRaster', 'renderRgba', 'renderSvg',
  'requestPersistentStorage', 'resolveEntryPrefix', 'resolveRange', 'reverseColormap', 'roughness',
  'scanCache', 'shadeImage', 'showProgress', 'slope', 'snakeCase', 'sourceHash', 'startBrowseServer', 'status', 'svgDocument',
  'syntheticTerrain', 'syntheticTerrainAsync', 'toImageData', 'tpi', 'tri', 'upscale', 'verifyEntries', 'withConfig', 'write', 'writeRaster',
];

let names: ReadonlySet<string> | undefined;

/**
 * Whether `name` is exported by geodata's Node or browser entry.
 *
 * @example
 * isLibraryExport('process'); // true
 * isLibraryExport('upscale2'); // false
 */
export function isLibraryExport(name: string): boolean {
  names ??= new Set(LIBRARY_EXPORT_NAMES);
  return names.has(name);
}
