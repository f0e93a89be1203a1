// Node only (part of the CLI): `geodata export` and `geodata import`.
import { resolve } from 'node:path';
import { InvalidInputError } from '../../errors.js';
import type { Command } from '../command.js';
import { formatBytes } from '../../format.js';
import type { ExportedEntry } from '../../cache/export-import.js';

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
    const { exportEntries } = await import('../../cache/export-import-node.js');
    let exported: readonly ExportedEntry[] = [];
    const bytes = await exportEntries(prefixes, { path, onProgress: progress.onProgress, onExported: (entries) => (exported = entries) });
    progress.done();
    // Two prefixes of one entry export it once; the entries their computations loaded go along.
    const entries = exported.length;
    const loaded = exported.filter((entry) => !entry.requested).length;
    if (context.json) {
      context.printJson({ path, entries, requested: entries - loaded, loaded, bytes: bytes.length });
    } else {
      const asked = entries - loaded;
      const along = loaded > 0 ? `: ${asked} asked for, ${loaded} loaded by ${asked === 1 ? 'its computation' : 'their computations'}` : '';
      context.print(`wrote ${path} (${entries} entr${entries === 1 ? 'y' : 'ies'}${along}, ${formatBytes(bytes.length)})`);
    }
    return 0;
  },
};

export const importCommand: Command = {
  name: 'import',
  summary: 'add the entries of an exported archive (nothing existing is overwritten)',
  usage: '<FILE.tar.gz> [--dry-run] [--max-size BYTES]',
  options: { 'dry-run': { type: 'boolean' }, 'max-size': { type: 'string' } },
  positionals: { kind: 'args', min: 1, max: 1 },
  createsRoot: true,
  async run(context, [file], values) {
    const dryRun = values['dry-run'] === true;
    const progress = context.progress();
    const { importArchive } = await import('../../cache/export-import-node.js');
    const maxBytes = parseSize(values['max-size']);
    const report = await importArchive(resolve(context.io.cwd, file!), { dryRun, onProgress: progress.onProgress, ...(maxBytes === undefined ? {} : { maxBytes }) });
    progress.done();
    if (context.json) {
      context.printJson({ dryRun, ...report });
      return 0;
    }
    context.print(`${dryRun ? 'would add' : 'added'}: ${report.added.length} (${formatBytes(report.bytesAdded)})`);
    for (const item of report.added) context.print(`  ${item.kind.padEnd(8)} ${context.hash(item.hash)}  ${item.className ?? ''}`.trimEnd());
    context.print(`skipped: ${report.skipped.length}`);
    for (const item of report.skipped) context.print(`  ${item.kind.padEnd(8)} ${context.hash(item.hash)}  ${item.reason}`);
    if (report.trusted > 0) {
      context.print(
        report.trusted === 1
          ? `1 entry ${dryRun ? 'would be' : 'was'} taken on trust: its output is the archive's, not computed here; geodata verify --imported recomputes and compares it`
          : `${report.trusted} entries ${dryRun ? 'would be' : 'were'} taken on trust: their outputs are the archive's, not computed here; geodata verify --imported recomputes and compares them`,
      );
    }
    return 0;
  },
};

/** `--max-size`: bytes, or with a unit (`512MB`, `4GiB`). */
function parseSize(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?\s*$/i.exec(String(value));
  const units: Record<string, number> = { b: 1, kb: 1e3, kib: 2 ** 10, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30, tb: 1e12, tib: 2 ** 40 };
  const bytes = match ? Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()]! : NaN;
  if (!(bytes > 0)) throw new InvalidInputError(`--max-size takes the most bytes the archive may inflate to, such as 8GB or 500MiB, got ${JSON.stringify(value)}`);
  return bytes;
}
