import { corpusSuite } from './corpus-suite.js';
import { code, codeCases } from './template-code.js';

corpusSuite(code, codeCases);
