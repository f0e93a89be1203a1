// Node only (part of the CLI): `geodata code` and `geodata versions`.
import type { DiffSide, CodeDiff } from '../../cache/code-diff.js';
import type { CodeVersion } from '../../cache/code-versions.js';
import { InvalidInputError } from '../../errors.js';
import type { Command } from '../command.js';
import { formatAge, table } from '../../format.js';

export const codeCommand: Command = {
  name: 'code',
  summary: "every stored version of a class's code; --diff adds line-by-line diffs of the source as written between consecutive versions, --source prints it (--canonical: the compiled text that is hashed)",
  usage: '<class> [--diff] [--source] [--canonical]',
  options: {
    diff: { type: 'boolean' },
    source: { type: 'boolean' },
    canonical: { type: 'boolean' },
  },
  positionals: { kind: 'args', min: 1, max: 1 },
  async run(context, [className], values) {
    const withDiff = values.diff === true;
    const { codeVersions } = await import('../../cache/code-versions.js');
    const versions = await codeVersions({ className: className!, includeSource: withDiff || values.source === true });
    if (versions.length === 0) {
      const known = [...new Set((await codeVersions()).map((v) => v.className).filter((n): n is string => !!n))].sort();
      throw new InvalidInputError(`no stored code of a class named ${JSON.stringify(className)}${known.length ? `; stored classes: ${known.join(', ')}` : '; the code registry is empty'}`);
    }
    // The diff library loads only for --diff.
    const canonical = values.canonical === true;
    const diffs = withDiff ? consecutiveDiffs(versions, context.hash.bind(context), (await import('../../cache/code-diff.js')).diffSources, canonical, (await import('../../cache/format-source.js')).formatSource) : [];
    if (context.json) {
      context.printJson({ className, versions, ...(withDiff ? { diffs } : {}) });
      return 0;
    }
    context.print(versionTable(versions, context.hash.bind(context)));
    if (values.source === true && !withDiff) {
      for (const version of versions) {
        const shown = shownSource(version, canonical);
        context.print(`\n--- ${className} ${context.hash(version.sourceHash)} (${shown.label})\n${shown.text ?? '(not stored)'}`);
      }
    }
    for (const diff of diffs) context.print(`\n${diff.patch}`);
    return 0;
  },
};

export const versionsCommand: Command = {
  name: 'versions',
  summary: 'a timeline of code versions, by latest (or --by first) registration',
  usage: '[--by latest|first] [pipeline-module...]',
  options: { by: { type: 'string' } },
  positionals: { kind: 'modules' },
  async run(context, _args, values) {
    const by = (values.by as string | undefined) ?? 'latest';
    if (by !== 'latest' && by !== 'first') throw new InvalidInputError(`--by ${JSON.stringify(by)} must be "latest" or "first"`);
    const field = by === 'latest' ? 'latestRegistered' : 'firstRegistered';
    const { codeVersions } = await import('../../cache/code-versions.js');
    const versions = (await codeVersions()).sort((a, b) => String(b[field]).localeCompare(String(a[field])) || (a.sourceHash < b.sourceHash ? -1 : 1));
    if (context.json) {
      context.printJson(versions);
      return 0;
    }
    if (versions.length === 0) {
      context.print('the code registry is empty (entries record their code when they are computed; rebuild-registry records the loaded classes)');
      return 0;
    }
    const rows = versions.map((v) => [
      v[field] ?? '-',
      formatAge(v[field]),
      v.className ?? '(unreadable)',
      v.objectType ?? '-',
      context.hash(v.sourceHash),
      v.live ? 'live' : '',
      String(v.entries),
    ]);
    context.print(table([by === 'latest' ? 'LATEST REGISTERED' : 'FIRST REGISTERED', 'AGE', 'CLASS', 'TYPE', 'HASH', 'LIVE', 'ENTRIES'], rows));
    return 0;
  },
};

function versionTable(versions: CodeVersion[], hash: (h: string) => string): string {
  const rows = versions.map((v, index) => [
    String(index + 1),
    hash(v.sourceHash),
    v.firstRegistered ?? '-',
    v.latestRegistered ?? '-',
    v.live ? 'live' : '',
    String(v.entries),
  ]);
  return table(['#', 'HASH', 'FIRST REGISTERED', 'LATEST REGISTERED', 'LIVE', 'ENTRIES'], rows);
}

/** Unified diffs of each version's source.js against the previous version's. */
function consecutiveDiffs(
  versions: CodeVersion[],
  hash: (h: string) => string,
  diffSources: (from: DiffSide, to: DiffSide) => CodeDiff,
  canonical: boolean,
  layOut: (compiled: string) => string,
): Array<{ from: string; to: string; patch: string }> {
  const diffs = [];
  for (let index = 1; index < versions.length; index++) {
    const before = versions[index - 1]!;
    const after = versions[index]!;
    const name = after.className ?? 'code';
    // Written sources where both versions have one; else both sides' hashed text (laid out one
    // statement per line, as the registry page shows it), so a diff never mixes them.
    const written = !canonical && typeof before.writtenSource === 'string' && typeof after.writtenSource === 'string';
    const side = (version: CodeVersion) => ({
      label: `${name}@${hash(version.sourceHash)}`,
      text: (written ? version.writtenSource : layOut(version.source ?? '')) ?? '',
      header: [version.firstRegistered ?? '', written ? whereWritten(version) : '(compiled text)'].filter(Boolean).join(' '),
    });
    diffs.push({ from: before.sourceHash, to: after.sourceHash, patch: diffSources(side(before), side(after)).patch.trimEnd() });
  }
  return diffs;
}

/** The text `--source` prints of a version: as written where stored (unless --canonical), else source.js. */
function shownSource(version: CodeVersion, canonical: boolean): { label: string; text: string | null | undefined } {
  if (!canonical && typeof version.writtenSource === 'string') return { label: `as written, ${whereWritten(version)}`, text: version.writtenSource };
  const why = version.written && 'unavailable' in version.written ? `; not as written: ${version.written.unavailable}` : '';
  return { label: `compiled text that is hashed${canonical ? '' : why}`, text: version.source };
}

function whereWritten(version: CodeVersion): string {
  const written = version.written;
  if (!written || !('file' in written)) return '';
  return `${written.from}:${written.line}${written.via === 'source-map' ? ' (via its source map)' : written.via === 'compiled' ? ' (compiled, no source map)' : ''}`;
}
