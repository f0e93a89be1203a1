import { corpusSuite } from './corpus-suite.js';
import { sidecars, sidecarCases } from './template-sidecars.js';

corpusSuite(sidecars, sidecarCases);
