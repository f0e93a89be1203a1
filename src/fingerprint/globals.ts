/**
 * Names a class body may use freely without them being part of any fingerprint: the language's
 * and the platforms' own globals. Everything else that is free must be local, registered, declared
 * in `uses`, or a known library name, or it is reported as an unhashed reference.
 */

// A static list so the answer does not depend on where the code runs (a browser lacks `Buffer`,
// Node lacks `document`); `globalThis` is added on top for anything else the host provides.
const STATIC_GLOBALS = [
  // ECMAScript
  'globalThis', 'undefined', 'NaN', 'Infinity', 'arguments', 'eval', 'isFinite', 'isNaN',
  'parseFloat', 'parseInt', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent',
  'escape', 'unescape', 'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol',
  'BigInt', 'Math', 'JSON', 'Reflect', 'Proxy', 'Promise', 'Date', 'RegExp', 'Error',
  'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError',
  'URIError', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'ArrayBuffer',
  'SharedArrayBuffer', 'DataView', 'Atomics', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray',
  'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
  'BigInt64Array', 'BigUint64Array', 'Intl', 'Iterator', 'AsyncIterator',
  // Web platform (also in Node 20 unless noted)
  'console', 'crypto', 'performance', 'fetch', 'Request', 'Response', 'Headers', 'FormData',
  'URL', 'URLSearchParams', 'Blob', 'File', 'FileReader', 'TextEncoder', 'TextDecoder',
  'TextEncoderStream', 'TextDecoderStream', 'CompressionStream', 'DecompressionStream',
  'ReadableStream', 'WritableStream', 'TransformStream', 'AbortController', 'AbortSignal',
  'Event', 'EventTarget', 'CustomEvent', 'MessageChannel', 'MessagePort', 'BroadcastChannel',
  'Worker', 'WebAssembly', 'atob', 'btoa', 'structuredClone', 'queueMicrotask', 'setTimeout',
  'clearTimeout', 'setInterval', 'clearInterval', 'DOMException', 'navigator', 'location',
  'window', 'self', 'document', 'indexedDB', 'IDBKeyRange', 'caches', 'ImageData',
  'OffscreenCanvas', 'createImageBitmap', 'requestAnimationFrame', 'cancelAnimationFrame',
  'localStorage', 'sessionStorage', 'alert', 'confirm', 'prompt',
  // Node
  'process', 'Buffer', 'global', 'require', 'module', 'exports', '__dirname', '__filename',
  'setImmediate', 'clearImmediate',
];

let globalNames: Set<string> | undefined;

/**
 * Whether `name` is a JavaScript, web or Node global.
 *
 * @example
 * isGlobalName('Math'); // true
 * isGlobalName('slope'); // false
 */
export function isGlobalName(name: string): boolean {
  globalNames ??= new Set([...STATIC_GLOBALS, ...Object.getOwnPropertyNames(globalThis)]);
  return globalNames.has(name);
}
