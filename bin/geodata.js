#!/usr/bin/env node
// The `geodata` command: the compiled CLI from dist/bundle, the build `import 'geodata'` gives a
// user's pipeline in Node, so the command and the pipeline modules it loads share one copy of
// geodata (one class registry, one set of hashes). TypeScript pipeline modules are loaded through
// tsx when they are named (src/cli/load-modules.ts); nothing else is compiled at run time.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/bundle/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('geodata: the package is not built (dist/ is missing); in a clone of geodata, run npm install (or npm run build)\n');
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
