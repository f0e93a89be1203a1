/**
 * The Node entry of the store subsystem: everything in `index.ts` plus the filesystem adapter,
 * which needs `node:fs` and so must stay out of browser bundles.
 */
export * from './index.js';
export { fsStore, type FsStore, type FsStoreOptions } from './fs-node.js';
export type { LockOwner, StaleLockInfo } from './fs-lock-node.js';
