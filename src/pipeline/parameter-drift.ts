import type { Tracked } from '../data/tracked.js';
import { PipelineError } from '../errors.js';
import { canonicalText } from '../fingerprint/canonical-text.js';
import type { JsonValue } from '../fingerprint/index.js';
import { thrownText } from '../format.js';
import type { SpatialSpec } from '../spec/spatial-spec.js';
import { identify, type Identity } from './identity.js';

/**
 * Refuses to commit an entry whose instance no longer fingerprints to the entry it was computed
 * for. The state hash is taken when `load`/`produce` starts, but `_process` reads `this` as it is
 * when it runs: an instance changed in between (`const p = load(step); step.threshold = 20`, or an
 * upstream Data parameter changed while the computation awaited, or `_process` setting `this.stats`)
 * would commit the output of the new values under the old values' key, a wrong hit for every later
 * call with the old values.
 */
export function assertUnchangedWhileComputed(instance: Tracked, spec: SpatialSpec, identity: Identity): void {
  let now: Identity;
  try {
    now = identify(instance, spec);
  } catch (error) {
    throw drifted(identity, `it can no longer be fingerprinted (${thrownText(error)})`);
  }
  if (now.stateHash === identity.stateHash) return;
  const changed = changedParameters(identity.parameters, now.parameters);
  throw drifted(
    identity,
    changed.length > 0
      ? `its parameter${changed.length > 1 ? 's' : ''} changed: ${changed.join(', ')}`
      : 'its fingerprint changed (its processor or the inputs it reads)',
  );
}

function drifted(identity: Identity, what: string): PipelineError {
  return new PipelineError(
    `${identity.className} changed while it was being computed for entry ${identity.stateHash.slice(0, 12)}: ${what}; ` +
      'nothing was committed, since the output would not be what that entry stands for. ' +
      'Do not change an instance while load() or produce() of it (or of a step that uses it) runs: make a new instance for other values; ' +
      'a value _process keeps for itself belongs in a property whose name starts with _ (not a parameter)',
  );
}

/** `name: before → after` for each top-level parameter whose canonical value differs. */
function changedParameters(before: JsonValue, after: JsonValue): string[] {
  const asObject = (value: JsonValue) => (value && typeof value === 'object' && !Array.isArray(value) ? value : {});
  const [was, is] = [asObject(before), asObject(after)];
  const names = [...new Set([...Object.keys(was), ...Object.keys(is)])].sort();
  return names
    .filter((name) => canonicalText(was[name] ?? null) !== canonicalText(is[name] ?? null) || (name in was) !== (name in is))
    .map((name) => `${name}: ${shown(was[name])} → ${shown(is[name])}`);
}

function shown(value: JsonValue | undefined): string {
  if (value === undefined) return 'absent';
  const text = canonicalText(value) as string;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
