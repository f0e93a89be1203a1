/**
 * Builds the demo and serves it on http://127.0.0.1:8080/ (`npm run demo`), until Ctrl-C; with
 * --dir, serves another built folder instead (the notebook: --dir examples/notebook/dist).
 *
 *   npx tsx examples/browser/serve.ts [--port 8080] [--no-build] [--dir <folder>]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDemo, DEMO_DIST } from './build.js';
import { createStaticServer } from './static-server.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'no-build': { type: 'boolean', default: false }, dir: { type: 'string' } } });
const root = values.dir ? resolve(values.dir) : DEMO_DIST;
if (!values.dir && !values['no-build']) await buildDemo();

createStaticServer(root).listen(Number(values.port), '127.0.0.1', () => console.log(`serving ${root} at http://127.0.0.1:${values.port}/ (Ctrl-C stops it)`));
