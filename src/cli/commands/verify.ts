// Node only (part of the CLI): `geodata verify`.
import { InvalidInputError } from '../../errors.js';
import type { Command } from '../command.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'recompute entries (imported ones with --imported) and compare their bytes (exit code 1 when any differs)',
  usage: '<hash-prefix...> | --imported [--replace] [pipeline-module via -m]',
  options: { imported: { type: 'boolean' }, replace: { type: 'boolean' } },
  positionals: { kind: 'args', min: 0 },
  async run(context, prefixes, values) {
    const imported = values.imported === true;
    if (imported === prefixes.length > 0) {
      throw new InvalidInputError('verify takes hash prefixes, or --imported for every entry imported from an archive (not both)');
    }
    const progress = context.progress();
    const { verifyEntries } = await import('../../cache/verify.js');
    const items = await verifyEntries(imported ? 'imported' : prefixes, { replace: values.replace === true, onProgress: progress.onProgress });
    progress.done();
    const differs = items.some((item) => item.result === 'differs');
    const failed = items.some((item) => item.result === 'failed');
    if (context.json) {
      context.printJson(items);
    } else {
      if (items.length === 0) context.print(imported ? 'no imported entries to verify' : 'nothing to verify');
      for (const item of items) context.print(`${context.hash(item.stateHash)}  ${item.className}  ${item.result}${item.replaced ? ' (replaced)' : ''}  ${item.detail}`);
      const count = (result: string) => items.filter((item) => item.result === result).length;
      if (items.length > 0) context.print(`${count('same')} same, ${count('differs')} differ, ${count('failed')} could not be recomputed`);
      if (differs && values.replace !== true) context.print('geodata verify --replace puts the entries computed here in their place');
    }
    return failed ? 2 : differs ? 1 : 0;
  },
};
