// Node only (part of the CLI): `geodata entries`, `geodata entry` and `geodata explain`.
import { describeProvenance } from '../../cache/entries.js';
import type { EntryState } from '../../cache/reasons.js';
import type { EntryMeta } from '../../pipeline/entry.js';
import { InvalidInputError } from '../../errors.js';
import type { Command } from '../command.js';
import { formatAge, formatBytes, oneLine, table } from '../../format.js';

const STATES: readonly EntryState[] = ['fresh', 'stale', 'input-changed', 'unknown', 'damaged', 'incomplete'];

export const entriesCommand: Command = {
  name: 'entries',
  summary: 'list cache entries, with their state and parameters',
  usage: '[--class NAME] [--state STATE] [--filter key=value]... [pipeline-module...]',
  options: {
    class: { type: 'string' },
    state: { type: 'string' },
    filter: { type: 'string', multiple: true },
  },
  positionals: { kind: 'modules' },
  async run(context, _args, values) {
    const state = values.state as string | undefined;
    if (state !== undefined && !STATES.includes(state as EntryState)) {
      throw new InvalidInputError(`--state ${JSON.stringify(state)} is not a state; use one of ${STATES.join(', ')}`);
    }
    const filter: Record<string, string> = {};
    for (const pair of (values.filter as string[] | undefined) ?? []) {
      const equals = pair.indexOf('=');
      if (equals <= 0) throw new InvalidInputError(`--filter ${JSON.stringify(pair)} must be key=value, such as --filter value=4 or --filter options.mode=fast`);
      filter[pair.slice(0, equals)] = pair.slice(equals + 1);
    }
    const progress = context.progress();
    const { entries } = await import('../../cache/entries.js');
    const list = await entries({
      ...(values.class !== undefined ? { className: values.class as string } : {}),
      ...(state !== undefined ? { state: state as EntryState } : {}),
      ...(Object.keys(filter).length ? { filter } : {}),
      onProgress: progress.onProgress,
    });
    progress.done();
    if (context.json) {
      context.printJson(list);
      return 0;
    }
    if (list.length === 0) {
      context.print(values.class !== undefined ? await noEntriesOfClass(values.class as string, entries) : 'no entries match');
      return 0;
    }
    const rows = list.map((e) => [
      context.hash(e.stateHash),
      e.className ?? '-',
      e.state,
      formatBytes(e.bytes),
      formatAge(e.finishedAt),
      e.state === 'fresh' ? oneLine(e.parameters) : e.reasons.join('; '),
    ]);
    // The origin column appears when there is something to say: entries imported from archives.
    if (list.some((e) => e.imported)) {
      list.forEach((e, index) => rows[index]!.splice(5, 0, !e.imported ? 'computed' : `${e.imported.verified_at ? 'verified' : 'on trust'}: ${e.imported.archive}`));
      context.print(table(['HASH', 'CLASS', 'STATE', 'SIZE', 'FINISHED', 'ORIGIN', 'PARAMETERS / REASON'], rows));
      return 0;
    }
    context.print(table(['HASH', 'CLASS', 'STATE', 'SIZE', 'FINISHED', 'PARAMETERS / REASON'], rows));
    return 0;
  },
};

export const entryCommand: Command = {
  name: 'entry',
  summary: 'everything about one entry: meta, parameters, spec, files, state',
  usage: '<hash-prefix>',
  positionals: { kind: 'args', min: 1, max: 1 },
  async run(context, [prefix]) {
    const { entryDetails } = await import('../../cache/entries.js');
    const details = await entryDetails(prefix!);
    if (context.json) {
      context.printJson(details);
      return 0;
    }
    context.print(`entry      ${context.hash(details.stateHash)} (${details.key})`);
    context.print(`class      ${details.className ?? '-'} (${details.objectType})`);
    // The reasons of a damaged or incomplete entry already start with its state ("damaged: ...").
    const reasons = details.reasons.map((reason) => (reason.startsWith(`${details.state}: `) ? reason.slice(details.state.length + 2) : reason));
    context.print(`state      ${details.state}${reasons.length ? `: ${reasons.join('; ')}` : ''}`);
    if (details.meta) {
      // A damaged entry's meta.json may lack any field, or hold another type: what it lacks is left out, never printed as undefined.
      const meta = details.meta as Partial<Record<keyof EntryMeta, unknown>>;
      if (typeof meta.finished_at === 'string') context.print(`finished   ${meta.finished_at} (${formatAge(meta.finished_at)})${typeof meta.duration_s === 'number' ? `, took ${meta.duration_s} s` : ''}`);
      if (typeof meta.source_hash === 'string' || typeof meta.dep_tree_hash === 'string') {
        context.print(`code       source ${context.hash(stringOrNull(meta.source_hash))}, tree ${context.hash(stringOrNull(meta.dep_tree_hash))}`);
      }
      if (details.imported) context.print(`origin     ${describeProvenance(details.imported)}`);
      if (Array.isArray(meta.co_outputs) && meta.co_outputs.length) context.print(`co-outputs ${meta.co_outputs.map((h) => context.hash(stringOrNull(h))).join(', ')}`);
      if (Array.isArray(meta.upstream) && meta.upstream.length) context.print(`upstream   ${meta.upstream.map((h) => context.hash(stringOrNull(h))).join(', ')}`);
      for (const input of Array.isArray(meta.inputs) ? (meta.inputs as EntryMeta['inputs']) : []) context.print(`input      ${input.id} (${formatBytes(input.size)}, sha256 ${context.hash(input.sha256)})`);
    }
    context.print(`parameters ${JSON.stringify(details.parameters)}`);
    context.print(`spec       ${JSON.stringify(details.spec)}`);
    context.print('files');
    for (const file of details.files) context.print(`  ${file.key.slice(details.key.length).padEnd(24)} ${formatBytes(file.bytes)}`);
    return 0;
  },
};

export const explainCommand: Command = {
  name: 'explain',
  summary: 'why an entry is stale: code, dependency, format or input changes',
  usage: '<hash-prefix>',
  positionals: { kind: 'args', min: 1, max: 1 },
  async run(context, [prefix]) {
    const { explainEntry } = await import('../../cache/entries.js');
    const explanation = await explainEntry(prefix!);
    if (context.json) {
      context.printJson(explanation);
      return 0;
    }
    const [headline, ...reasons] = explanation.summary;
    context.print(headline);
    for (const reason of reasons) context.print(`  - ${reason}`);
    return 0;
  },
};

/** What to say when `--class` matched nothing: the class names that have entries, when the name is none of them (a typo). */
async function noEntriesOfClass(className: string, list: typeof import('../../cache/entries.js').entries): Promise<string> {
  const names = [...new Set((await list()).map((entry) => entry.className).filter((name): name is string => typeof name === 'string'))].sort();
  if (names.includes(className)) return 'no entries match';
  return `no entries of a class named ${JSON.stringify(className)}; ${names.length ? `classes with entries: ${names.join(', ')}` : 'the cache has no entries'}`;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
