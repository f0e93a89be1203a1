// Vite, as geodata's README says: keep identifiers (a class's fingerprint comes from its code; a
// minified class is refused), compile `@register` (Vite 8's oxc does not lower TC39 decorators:
// legacy ones, or call register(Class) instead), and build the GDAL worker, which Vite finds and
// bundles on its own, as an ES module. `npx geodata assets public/assets` put the .wasm and .data
// next to the bundle, where geodata looks for them by default.
export default {
  build: { minify: false },
  oxc: { decorator: { legacy: true } },
  worker: { format: 'es' },
};
