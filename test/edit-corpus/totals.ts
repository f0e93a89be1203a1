/**
 * Runs the whole edit corpus and prints, per case, what went wrong, then the totals: false hits
 * (an entry that should have been computed again was a hit), false misses (an entry was computed
 * though nothing it depends on changed, or a shared computation ran more than once) and errors.
 *
 *   npx tsx test/edit-corpus/totals.ts
 */
import { CORPUS } from './corpus.js';
import { prepareBaseline, runCase, type CaseOutcome } from './harness.js';

const started = Date.now();
const results: Array<{ template: string; outcome?: CaseOutcome; name: string; error?: string }> = [];

// Two templates at a time: the machine has two cores.
const queue = [...CORPUS];
await Promise.all(
  [0, 1].map(async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { template, cases } = next;
      let baseline;
      try {
        baseline = await prepareBaseline(template);
      } catch (error) {
        for (const editCase of cases) results.push({ template: template.name, name: editCase.name, error: `baseline failed: ${(error as Error).message.split('\n')[0]}` });
        continue;
      }
      for (const editCase of cases) {
        try {
          results.push({ template: template.name, name: editCase.name, outcome: await runCase(baseline, editCase) });
        } catch (error) {
          results.push({ template: template.name, name: editCase.name, error: (error as Error).message.split('\n').slice(0, 3).join(' | ') });
        }
      }
      baseline.cleanup();
    }
  }),
);

let falseHits = 0;
let falseMisses = 0;
let errors = 0;
let explainMismatches = 0;
for (const result of results) {
  const { outcome } = result;
  if (!outcome) {
    errors++;
    console.log(`ERROR       [${result.template}] ${result.name}: ${result.error}`);
    continue;
  }
  if (outcome.falseHits.length) falseHits++;
  if (outcome.falseMisses.length) falseMisses++;
  if (outcome.explainMismatches.length) explainMismatches++;
  const verdict = outcome.falseHits.length ? 'FALSE HIT  ' : outcome.falseMisses.length ? 'FALSE MISS ' : 'ok         ';
  const detail = [
    outcome.falseHits.length ? `not computed: ${outcome.falseHits.join(', ')}` : '',
    outcome.falseMisses.length ? `computed needlessly: ${outcome.falseMisses.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  console.log(`${verdict} [${result.template}] ${result.name}${detail ? ` (${detail})` : ''}`);
}
console.log(
  `\n${results.length} cases: ${falseHits} with false hits, ${falseMisses} with false misses, ${errors} errors, ` +
    `${explainMismatches} with explain() not saying why; ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
