// Node only (part of the CLI): `geodata clean-cache`, `geodata clean-source` and `geodata rebuild-registry`.
import { noClassLoaded, type CleanItem } from '../../cache/clean-cache.js';
import type { SourceItem } from '../../cache/clean-source.js';
import { ConfigError, InvalidInputError } from '../../errors.js';
import { CONFIG_FILE_NAME } from '../config-file.js';
import type { CliContext, Command } from '../command.js';
import { formatBytes } from '../../format.js';

export const cleanCacheCommand: Command = {
  name: 'clean-cache',
  summary: 'remove stale and damaged entries and the debris of interrupted runs',
  usage: '[--dry-run] [--remove-unknown] [--include-input-changes] [--staging-age MINUTES] [pipeline-module...]',
  options: {
    'dry-run': { type: 'boolean' },
    'staging-age': { type: 'string' },
    'remove-unknown': { type: 'boolean' },
    'include-input-changes': { type: 'boolean' },
  },
  positionals: { kind: 'modules' },
  async run(context, _args, values) {
    const dryRun = values['dry-run'] === true;
    const removeUnknown = values['remove-unknown'] === true;
    if (removeUnknown && !dryRun && context.moduleErrors.length > 0) {
      // The classes of a module that failed to load would all look unknown, and be deleted.
      throw new ConfigError('--remove-unknown refuses to run while a pipeline module failed to load: fix the module (see above) or add --dry-run');
    }
    if (removeUnknown && !dryRun && noClassLoaded()) {
      throw new ConfigError(
        `--remove-unknown refuses to run when no class is loaded: every entry would be unknown, and removed; name the pipeline modules (geodata clean-cache pipeline.ts, --module) or list them in ${CONFIG_FILE_NAME}, or add --dry-run to see what it would remove`,
      );
    }
    const stagingAge = values['staging-age'];
    const minutes = stagingAge === undefined ? 5 : Number(stagingAge);
    if (typeof stagingAge === 'string' && (stagingAge.trim() === '' || !Number.isFinite(minutes) || minutes < 0)) {
      throw new InvalidInputError(`--staging-age takes the minutes a staging folder must be untouched before it is removed (0 or more, default 5), got ${JSON.stringify(stagingAge)}`);
    }
    const progress = context.progress();
    const { cleanCache } = await import('../../cache/clean-cache-node.js');
    const report = await cleanCache({ dryRun, removeUnknown, stagingMinAgeMs: minutes * 60_000, includeInputChanges: values['include-input-changes'] === true, onProgress: progress.onProgress });
    progress.done();
    if (context.json) {
      context.printJson({ dryRun, ...report });
      return 0;
    }
    printItems(context, dryRun ? 'would remove' : 'removed', report.removed, (item) => `${item.className ?? '-'}  ${item.state}  ${item.reason}`);
    printItems(context, 'kept', report.kept, (item) => `${item.className ?? '-'}  ${item.state}${item.state === 'fresh' ? '' : `  ${item.reason}`}`);
    printItems(context, 'unknown (kept; --remove-unknown removes them)', report.unknown, (item) => `${item.className ?? '-'}  ${item.reason}`);
    context.print(`${dryRun ? 'would free' : 'freed'} ${formatBytes(report.bytesFreed)}`);
    return 0;
  },
};

export const cleanSourceCommand: Command = {
  name: 'clean-source',
  summary: 'prune code versions and tree snapshots no entry references (the latest version of each class stays)',
  usage: '[--dry-run] [pipeline-module...]',
  options: { 'dry-run': { type: 'boolean' } },
  positionals: { kind: 'modules' },
  async run(context, _args, values) {
    const dryRun = values['dry-run'] === true;
    const progress = context.progress();
    const { cleanSourceRegistry } = await import('../../cache/clean-source.js');
    const report = await cleanSourceRegistry({ dryRun, onProgress: progress.onProgress });
    progress.done();
    if (context.json) {
      context.printJson({ dryRun, ...report });
      return 0;
    }
    const line = (item: SourceItem) => `${item.kind}  ${item.className ?? '-'}  ${item.reason}`;
    printItems(context, dryRun ? 'would remove' : 'removed', report.removed, line);
    printItems(context, 'kept', report.kept, line);
    context.print(`${dryRun ? 'would free' : 'freed'} ${formatBytes(report.bytesFreed)}`);
    return 0;
  },
};

export const rebuildRegistryCommand: Command = {
  name: 'rebuild-registry',
  summary: 'record the code and dependency trees of the loaded classes in .source/ (entries untouched)',
  usage: '[pipeline-module...]',
  positionals: { kind: 'modules' },
  async run(context) {
    const progress = context.progress();
    const { rebuildRegistry } = await import('../../cache/rebuild-registry.js');
    const report = await rebuildRegistry({ onProgress: progress.onProgress });
    progress.done();
    if (context.json) {
      context.printJson(report);
      return report.failed.length ? 2 : 0;
    }
    for (const item of report.written) context.print(`${item.action.padEnd(8)} ${item.kind.padEnd(9)} ${context.hash(item.hash)}  ${item.className}`);
    for (const failure of report.failed) context.warn(`error: ${failure.className} cannot be fingerprinted: ${failure.error}`);
    context.print(`${report.written.length} code versions and snapshots written`);
    return report.failed.length ? 2 : 0;
  },
};

function printItems<T extends CleanItem | SourceItem>(context: CliContext, title: string, items: T[], describe: (item: T) => string): void {
  context.print(`${title}: ${items.length}${items.length ? ` (${formatBytes(items.reduce((sum, item) => sum + item.bytes, 0))})` : ''}`);
  for (const item of items) context.print(`  ${shortKey(context, item.key)}  ${describe(item)}`);
}

/** A key with its hash segment shortened like every other hash. */
function shortKey(context: CliContext, key: string): string {
  return key.replace(/[0-9a-f]{64}/, (hash) => context.hash(hash));
}
