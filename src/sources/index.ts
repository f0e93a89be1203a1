/**
 * Inputs from web servers: fingerprints of remote files (`remoteDigest`), and what was read of
 * them (`remoteReads`: the whole file, or for a warp only the window of a Cloud-Optimized GeoTIFF
 * that the target needs). Processors take URLs like any input: `new Reprojector('https://…/dem.tif')`.
 */
export { remoteDigest, REMOTE_VERSION_FORMAT } from './remote-digest.js';
export { remoteReads, type RemoteRead } from './remote-input.js';
export type { PixelWindow, WindowRequest } from './cog-window.js';
export type { RemoteValidators } from './remote-version.js';
