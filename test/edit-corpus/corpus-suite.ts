import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBaseline, runCase, type EditCase, type Template } from './harness.js';

/**
 * The cases of one template as tests: the baseline is run once, then each case restores it,
 * applies its edit and runs the project again in a fresh process.
 */
export function corpusSuite(template: Template, cases: EditCase[]): void {
  describe(`edit corpus: ${template.name}`, () => {
    let baseline: Awaited<ReturnType<typeof prepareBaseline>> | undefined;
    beforeAll(async () => {
      baseline = await prepareBaseline(template);
    });
    afterAll(() => baseline?.cleanup());

    for (const editCase of cases) {
      it(editCase.name, async () => {
        const outcome = await runCase(baseline!, editCase);
        expect({ falseHits: outcome.falseHits, falseMisses: outcome.falseMisses, explain: outcome.explainMismatches }).toEqual({
          falseHits: [],
          falseMisses: [],
          explain: [],
        });
      });
    }
  });
}
