import { createPoolEngine } from '../../wasm/node.js';
import { testEngine } from './engine-conformance.js';

testEngine('pool (worker threads, Node)', () => createPoolEngine({ workers: 2 }));
