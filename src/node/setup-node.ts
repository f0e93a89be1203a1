// Installs the Node platform, on import: the Node entry (src/node.ts) imports this, and so does
// the `geodata` command, which reaches the library's modules without loading every export.
import { setPlatform } from '../platform.js';
import { nodePlatform } from './platform-node.js';

setPlatform(nodePlatform);
