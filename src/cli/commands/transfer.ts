// Node only (part of the CLI): `geodata export` and `geodata import`.
import { resolve } from 'node:path';
import { InvalidInputError } from '../../errors.js';
import type { Command } from '../command.js';
import { formatBytes } from '../../format.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'pack entries (with the code that made them) into a .tar.gz',
  usage: '<hash-prefix...> -o FILE.tar.gz',
  options: { output: { type: 'string', short: 'o' } },
  positionals: { kind: 'args', min: 1 },
  async run(context, prefixes, values) {
    if (typeof values.output !== 'string' || values.output === '') {
      throw new InvalidInputError('export needs the archive to write: add -o FILE.tar.gz');
    }
    const path = resolve(context.io.cwd, values.output);
    const progress = context.progress();
    const [{ exportEntries }, { resolveEntryPrefix }] = await Promise.all([import('../../cache/export-import-node.js'), import('../../pipeline/load-from-hash.js')]);
    const bytes = await exportEntries(prefixes, { path, onProgress: progress.onProgress });
    progress.done();
    // Two prefixes of one entry export it once.
    const entries = new Set((await Promise.all(prefixes.map((prefix) => resolveEntryPrefix(prefix)))).map((location) => location.stateHash)).size;
    if (context.json) context.printJson({ path, entries, bytes: bytes.length });
    else context.print(`wrote ${path} (${entries} entr${entries === 1 ? 'y' : 'ies'}, ${formatBytes(bytes.length)})`);
    return 0;
  },
};

export const importCommand: Command = {
  name: 'import',
  summary: 'add the entries of an exported archive (nothing existing is overwritten)',
  usage: '<FILE.tar.gz> [--dry-run]',
  options: { 'dry-run': { type: 'boolean' } },
  positionals: { kind: 'args', min: 1, max: 1 },
  createsRoot: true,
  async run(context, [file], values) {
    const dryRun = values['dry-run'] === true;
    const progress = context.progress();
    const { importArchive } = await import('../../cache/export-import-node.js');
    const report = await importArchive(resolve(context.io.cwd, file!), { dryRun, onProgress: progress.onProgress });
    progress.done();
    if (context.json) {
      context.printJson({ dryRun, ...report });
      return 0;
    }
    context.print(`${dryRun ? 'would add' : 'added'}: ${report.added.length} (${formatBytes(report.bytesAdded)})`);
    for (const item of report.added) context.print(`  ${item.kind.padEnd(8)} ${context.hash(item.hash)}  ${item.className ?? ''}`.trimEnd());
    context.print(`skipped: ${report.skipped.length}`);
    for (const item of report.skipped) context.print(`  ${item.kind.padEnd(8)} ${context.hash(item.hash)}  ${item.reason}`);
    return 0;
  },
};
