import { analyserFor } from './dependencies.js';
import type { ModuleReader } from './module-reader.js';
import { parseModuleInSlices } from './module-parse.js';
import type { ClassRegistry } from './registry.js';

// Each round reads what the last one found missing: the modules the sites name, then what they
// import, and so on. A project's import graph is not deeper than this.
const MAX_ROUNDS = 16;

/**
 * Reads ahead the modules that the registered classes were written in, and the modules they
 * import, so that fingerprinting (synchronous) finds them: a browser fetches the served script
 * (or a dev server's modules) here. Does nothing for a reader that reads on demand (Node's).
 *
 * @example
 * await prepareModules(defaultRegistry, new FetchModuleReader());
 */
export async function prepareModules(registry: ClassRegistry, reader: ModuleReader | undefined): Promise<void> {
  if (!reader?.prepare) return;
  const sites = registry
    .names()
    // The sites' scripts only: on a page, a site's line and column may cost a parse of the script.
    .map((name) => registry.registrationSiteOf(registry.get(name)!))
    .flatMap((site) => (site === undefined ? [] : [site.script]));
  await reader.prepare(sites);
  await parseAhead(reader, sites);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const analyser = analyserFor(registry, reader);
    for (const name of registry.names()) {
      try {
        analyser.analyse(registry.get(name)!);
      } catch {
        // A class that cannot be fingerprinted says so when it is; here only its modules matter.
      }
    }
    const missing = [...(analyser.resolver?.missing ?? [])];
    const before = reader.generation;
    await reader.prepare(missing);
    if (missing.length === 0 || reader.generation === before) return;
    await parseAhead(reader, missing);
  }
}

/**
 * Parses the modules just read, in slices that yield (a page's bundle is megabytes): the
 * analysis that follows, synchronous, finds them parsed.
 */
async function parseAhead(reader: ModuleReader, urls: readonly string[]): Promise<void> {
  for (const url of new Set(urls)) {
    const text = reader.read(url);
    if (text) await parseModuleInSlices(text);
  }
}
