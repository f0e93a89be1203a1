import { randomHex } from '../random-hex.js';
import { sha256BytesHex } from '../sha256.js';
import type { Workspace } from '../platform.js';

/** Bumped when what a conversion writes changes, so files converted by an older geodata are not reused. */
export const CONVERTER_VERSION = 1;

/** Conversions in progress by target path: concurrent callers share one. */
const running = new Map<string, Promise<string>>();
/** Targets this process (or page) completed, with their sizes: the only ones it reuses. */
const completed = new Map<string, number>();

/**
 * The folder of a converted input in the workspace: named after the source's content, what was
 * selected in it and the converter version, so a changed file or another selection never shares it.
 */
export async function convertedFolder(workspace: Workspace, contentKey: string, what: unknown): Promise<string> {
  const key = await sha256BytesHex(new TextEncoder().encode(`${CONVERTER_VERSION}\n${contentKey}\n${JSON.stringify(what)}`));
  return `${workspace.tempFolder}/geodata-formats/${key.slice(0, 32)}`;
}

/**
 * Returns `target`, converting first unless this process already did: `convert` writes into a
 * staging folder (every file it names with `part(name)`), which is renamed file by file into
 * place, the file named `target` last, so a reader never finds a half-written conversion.
 */
export async function convertOnce(workspace: Workspace, folder: string, targetName: string, convert: (part: (name: string) => string) => Promise<string[]>): Promise<string> {
  const target = `${folder}/${targetName}`;
  const known = completed.get(target);
  if (known !== undefined && (await workspace.size(target)) === known) return target;
  let pending = running.get(target);
  if (!pending) {
    pending = (async () => {
      await workspace.mkdir(folder);
      const stage = `${folder}/.part-${randomHex()}`;
      await workspace.mkdir(stage);
      try {
        const names = await convert((name) => `${stage}/${name}`);
        for (const name of [...names.filter((name) => name !== targetName), targetName]) await workspace.rename(`${stage}/${name}`, `${folder}/${name}`);
      } finally {
        await workspace.removeFolder(stage);
      }
      const size = await workspace.size(target);
      if (size !== undefined) completed.set(target, size);
      return target;
    })().finally(() => running.delete(target));
    running.set(target, pending);
  }
  return pending;
}
