import { corpusSuite } from './corpus-suite.js';
import { names, nameCases } from './template-names.js';

corpusSuite(names, nameCases);
