/**
 * Runs the whole edit corpus and prints, per case, what went wrong, then the totals: false hits
 * (an entry that should have been computed again was a hit), false misses (an entry was computed
 * though nothing it depends on changed, or a shared computation ran more than once) and errors.
 *
 *   npx tsx test/edit-corpus/totals.ts [template...]
 */
import { buildPackage, staleBuild } from '../../scripts/build.js';
import { CORPUS } from './corpus.js';
import { KINDS, prepareBaseline, runCase, type CaseOutcome, type Kind } from './harness.js';

const started = Date.now();
const results: Array<{ template: string; kind: Kind; outcome?: CaseOutcome; name: string; error?: string }> = [];

// Some templates run the package's build (dist/), as npm users get it: it must be the build of these sources.
if (staleBuild()) await buildPackage();

// Two templates at a time: the machine has two cores.
// Template names as arguments run only those templates.
const only = process.argv.slice(2);
const queue = CORPUS.filter(({ template }) => only.length === 0 || only.includes(template.name));
await Promise.all(
  [0, 1].map(async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { template, cases } = next;
      let baseline;
      try {
        baseline = await prepareBaseline(template);
      } catch (error) {
        for (const editCase of cases) results.push({ template: template.name, kind: editCase.kind, name: editCase.name, error: `baseline failed: ${(error as Error).message.split('\n')[0]}` });
        continue;
      }
      for (const editCase of cases) {
        try {
          results.push({ template: template.name, kind: editCase.kind, name: editCase.name, outcome: await runCase(baseline, editCase) });
        } catch (error) {
          results.push({ template: template.name, kind: editCase.kind, name: editCase.name, error: (error as Error).message.split('\n').slice(0, 3).join(' | ') });
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
const perKind = new Map<Kind, { cases: number; falseHits: number; falseMisses: number; errors: number }>(KINDS.map((kind) => [kind, { cases: 0, falseHits: 0, falseMisses: 0, errors: 0 }]));
for (const result of results) {
  const { outcome } = result;
  const kind = perKind.get(result.kind)!;
  kind.cases++;
  if (!outcome) {
    kind.errors++;
    errors++;
    console.log(`ERROR       [${result.template}] ${result.name}: ${result.error}`);
    continue;
  }
  if (outcome.falseHits.length) (falseHits++, kind.falseHits++);
  if (outcome.falseMisses.length) (falseMisses++, kind.falseMisses++);
  if (outcome.explainMismatches.length) explainMismatches++;
  const verdict = outcome.falseHits.length ? 'FALSE HIT  ' : outcome.falseMisses.length ? 'FALSE MISS ' : 'ok         ';
  const detail = [
    outcome.falseHits.length ? `not computed: ${outcome.falseHits.join(', ')}` : '',
    outcome.falseMisses.length ? `computed needlessly: ${outcome.falseMisses.join(', ')}` : '',
  ].filter(Boolean).join('; ');
  console.log(`${verdict} [${result.template}] ${result.name}${detail ? ` (${detail})` : ''}`);
}
console.log('\nkind                   cases  false hits  false misses  errors');
for (const [name, kind] of perKind) {
  console.log(`${name.padEnd(22)} ${String(kind.cases).padStart(5)} ${String(kind.falseHits).padStart(11)} ${String(kind.falseMisses).padStart(13)} ${String(kind.errors).padStart(7)}`);
}
console.log(
  `\n${results.length} cases: ${falseHits} with false hits, ${falseMisses} with false misses, ${errors} errors, ` +
    `${explainMismatches} with explain() not saying why; ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
