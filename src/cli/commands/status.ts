// Node only (part of the CLI): `geodata status` and `geodata classes`.
import { classes, status, type ClassStatus } from '../../cache/status.js';
import type { Command } from '../command.js';
import { countsLine, formatAge, formatBytes, table } from '../../format.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'the cache at a glance: entries by state, classes, the code registry',
  usage: '[pipeline-module...]',
  positionals: { kind: 'modules' },
  async run(context) {
    const progress = context.progress();
    const result = await status({ onProgress: progress.onProgress });
    progress.done();
    if (context.json) {
      context.printJson({ root: context.options.root, ...result });
      return 0;
    }
    const stale = result.classes.filter((c) => c.state === 'stale');
    context.print(`cache     ${context.options.root} (${result.store})`);
    context.print(`entries   ${result.entries.count} (${formatBytes(result.entries.bytes)}): ${countsLine(result.entries.states)}`);
    context.print(`classes   ${result.classes.length}: ${countsLine(countStates(result.classes))}${stale.length ? ` — stale: ${stale.map((c) => c.className).join(', ')}` : ''}`);
    context.print(`code      ${result.source.codeVersions} versions, ${result.source.snapshots} tree snapshots (${formatBytes(result.source.bytes)})`);
    if (result.debris && result.debris.count > 0) {
      const d = result.debris;
      const owners = [
        d.owners.dead && `${d.owners.dead} of dead processes (reclaimed by the next run that writes)`,
        d.owners.alive && `${d.owners.alive} in use`,
        d.owners.otherHost && `${d.owners.otherHost} of other hosts`,
        d.owners.unknown && `${d.owners.unknown} without a recorded owner (clean-cache removes them once untouched)`,
      ].filter(Boolean);
      context.print(`debris    ${d.staging} staging folders, ${d.locks} lock leftovers (${formatBytes(d.bytes)}): ${owners.join(', ')}`);
    }
    const removable = result.entries.states.stale + result.entries.states.damaged + result.entries.states.incomplete;
    if (removable > 0) context.print(`\n${removable} entries can be removed: geodata clean-cache --dry-run shows which`);
    return 0;
  },
};

export const classesCommand: Command = {
  name: 'classes',
  summary: 'every known class: live and stored hashes, staleness, entries (exit code 1 when any is stale)',
  usage: '[pipeline-module...]',
  positionals: { kind: 'modules' },
  async run(context) {
    const progress = context.progress();
    const list = await classes({ onProgress: progress.onProgress });
    progress.done();
    const anyStale = list.some((c) => c.state === 'stale');
    if (context.json) {
      context.printJson(list);
      return anyStale ? 1 : 0;
    }
    if (list.length === 0) {
      context.print('no classes: none is registered, and the cache has no entries or code versions (name your pipeline modules)');
      return 0;
    }
    const rows = list.map((c) => [
      c.className,
      c.objectType ?? '-',
      c.state,
      context.hash(c.live?.sourceHash),
      context.hash(c.stored?.sourceHash),
      String(c.entries.count),
      formatBytes(c.entries.bytes),
      formatAge(c.entries.newest),
      formatAge(c.entries.oldest),
      note(c),
    ]);
    context.print(table(['CLASS', 'TYPE', 'STATE', 'LIVE', 'STORED', 'ENTRIES', 'SIZE', 'NEWEST', 'OLDEST', 'NOTE'], rows));
    return anyStale ? 1 : 0;
  },
};

function note(c: ClassStatus): string {
  if (c.state === 'stale' && c.codeStale) return 'its code changed since its newest entry';
  if (c.state === 'stale') return `dependencies changed: ${c.staleDependencies.join(', ') || '(see explain)'}`;
  if (c.state === 'unknown') return c.registered ? 'its entries cannot be judged: code in their keys is not loaded (see explain)' : 'not registered in this process';
  if (c.state === 'new') {
    // A class whose only entries are damaged is new too: those entries say nothing about its code.
    const damaged = c.entries.states.damaged;
    if (damaged === 0) return 'no entries yet';
    return `${damaged === 1 ? 'its entry is' : `its ${damaged} entries are`} damaged: load computes ${damaged === 1 ? 'it' : 'them'} again (explain says why)`;
  }
  const old = c.entries.states.stale;
  return old ? `${old} stale entries of older code` : '';
}

function countStates(list: ClassStatus[]): Record<string, number> {
  const counts: Record<string, number> = { fresh: 0, stale: 0, new: 0, unknown: 0 };
  for (const c of list) counts[c.state]!++;
  return counts;
}
