/**
 * Every template of the edit corpus with its cases: the list `totals.ts` and the tests run.
 * Add a template here, or append cases to a template's list.
 */
import type { EditCase, Template } from './harness.js';
import { code, codeCases } from './template-code.js';
import { names, nameCases } from './template-names.js';
import { toolchains, toolchainCases } from './template-toolchains.js';
import { sidecars, sidecarCases } from './template-sidecars.js';
import { terrain, terrainCases } from './template-terrain.js';

export const CORPUS: Array<{ template: Template; cases: EditCase[] }> = [
  { template: terrain, cases: terrainCases },
  { template: sidecars, cases: sidecarCases },
  { template: code, cases: codeCases },
  { template: names, cases: nameCases },
  { template: toolchains, cases: toolchainCases },
];
