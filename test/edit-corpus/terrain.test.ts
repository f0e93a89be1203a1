import { corpusSuite } from './corpus-suite.js';
import { terrain, terrainCases } from './template-terrain.js';

corpusSuite(terrain, terrainCases);
