import { Worker } from 'node:worker_threads';
import { mkdtempSync } from 'node:fs';
const w = new Worker(new URL('./test/pipeline/fixtures/worker-thread.ts', import.meta.url), { workerData: { root: mkdtempSync('/tmp/h15w/r-') }, execArgv: ['--import', 'tsx'] });
w.on('message', (m) => console.log('message', m)); w.on('error', (e) => console.log('error', e.message)); w.on('exit', (c) => console.log('exit', c));
