/** The library version written into every entry's meta.json (a test keeps it equal to package.json). */
export const LIBRARY_VERSION = '0.1.0';
