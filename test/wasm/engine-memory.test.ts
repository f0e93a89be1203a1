import { createMemoryEngine, nodeGdalModule } from '../../wasm/node.js';
import { testEngine } from './engine-conformance.js';

testEngine('memory (gdal3.js in-memory files)', () => createMemoryEngine({ module: nodeGdalModule }));
