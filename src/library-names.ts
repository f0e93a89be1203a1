/**
 * The names geodata exports. A class body that calls `process(...)` or `new Reprojector(...)`
 * refers to them freely; they are library code, not user code, so they are not reported as
 * unhashed references. A test keeps this list equal to the package's exports.
 */
export const LIBRARY_NAMES: readonly string[] = [];
