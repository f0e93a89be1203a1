import { createNodeEngine } from '../../wasm/node.js';
import { testEngine } from './engine-conformance.js';

testEngine('host (in-thread, Node)', () => createNodeEngine());
