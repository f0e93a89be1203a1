import { corpusSuite } from './corpus-suite.js';
import { toolchains, toolchainCases } from './template-toolchains.js';

corpusSuite(toolchains, toolchainCases);
