import canonicalize from 'canonicalize';
import { type JsonValue, childPath } from './canonical-json.js';
import type { InstanceRecord, StaleReason } from './record.js';

/**
 * Why `live` (the record of the instance as the code is now) differs from `stored` (the record
 * kept with a cache entry), precisely enough to say "SlopeLoader is stale because
 * ElevationLoader's code changed":
 *
 * - `format-version`: the records cannot be compared (nothing else is reported);
 * - `source-changed`: the class's own code; `dependency-changed`: a class, helper or constant in
 *   its tree (`from`/`to` are source hashes, `null` when added or removed);
 * - `parameter-changed`/`-added`/`-removed`, with the parameter's path (`params.options.zFactor`);
 * - `processor-changed`, `input-changed` (by position, named by the live input's id),
 *   `spec-changed`;
 * - `unhashed-reference`: listed whenever the live record has unhashed references, as a warning:
 *   a change behind them cannot be seen. These alone do not make an entry stale.
 *
 * Every other kind means the hashes differ; when the hashes are equal the result holds at most
 * `unhashed-reference` entries.
 *
 * @example
 * compareRecords(await describe(new SlopeLoader(), spec), storedRecord);
 * // [{ kind: 'dependency-changed', className: 'SlopeLoader', dependency: 'ElevationLoader', from: '…', to: '…' }]
 */
export function compareRecords(live: InstanceRecord, stored: InstanceRecord): StaleReason[] {
  if (live.format_version !== stored.format_version) {
    return [{ kind: 'format-version', from: stored.format_version, to: live.format_version }];
  }
  const reasons: StaleReason[] = [];
  if (live.sourceHash !== stored.sourceHash || live.className !== stored.className) {
    reasons.push({ kind: 'source-changed', className: live.className, from: stored.sourceHash, to: live.sourceHash });
  }
  compareTrees(live, stored, reasons);
  compareValues(stored.parameters, live.parameters, 'params', reasons);
  if (canonicalize(live.processor ?? null) !== canonicalize(stored.processor ?? null)) {
    reasons.push({ kind: 'processor-changed', from: stored.processor ?? null, to: live.processor ?? null });
  }
  const inputCount = Math.max(live.inputs.length, stored.inputs.length);
  for (let index = 0; index < inputCount; index++) {
    const from = stored.inputs[index]?.sha256 ?? null;
    const to = live.inputs[index]?.sha256 ?? null;
    const id = live.inputs[index]?.id ?? stored.inputs[index]?.id ?? `input ${index}`;
    if (from !== to || live.inputs[index]?.size !== stored.inputs[index]?.size) reasons.push({ kind: 'input-changed', id, from, to });
  }
  if ((live.specHash ?? null) !== (stored.specHash ?? null)) {
    reasons.push({ kind: 'spec-changed', from: stored.specHash ?? null, to: live.specHash ?? null });
  }
  for (const { className, identifier } of live.unhashed) reasons.push({ kind: 'unhashed-reference', className, identifier });
  return reasons;
}

function compareTrees(live: InstanceRecord, stored: InstanceRecord, reasons: StaleReason[]): void {
  const before = reasons.length;
  const names = new Set([...Object.keys(live.tree.nodes), ...Object.keys(stored.tree.nodes)]);
  names.delete(live.tree.root);
  names.delete(stored.tree.root);
  for (const name of [...names].sort()) {
    const from = stored.tree.nodes[name]?.sourceHash ?? null;
    const to = live.tree.nodes[name]?.sourceHash ?? null;
    if (from !== to) reasons.push({ kind: 'dependency-changed', className: live.className, dependency: name, from, to });
  }
  // Same code everywhere but different links (a name now resolves to a registered class): say so.
  if (reasons.length === before && live.depTreeHash !== stored.depTreeHash && live.sourceHash === stored.sourceHash) {
    reasons.push({
      kind: 'dependency-changed',
      className: live.className,
      dependency: '(dependency links)',
      from: stored.depTreeHash,
      to: live.depTreeHash,
    });
  }
}

function compareValues(from: JsonValue | undefined, to: JsonValue | undefined, path: string, reasons: StaleReason[]): void {
  if (from === undefined && to === undefined) return;
  if (from === undefined) return void reasons.push({ kind: 'parameter-added', path });
  if (to === undefined) return void reasons.push({ kind: 'parameter-removed', path });
  if (Array.isArray(from) && Array.isArray(to)) {
    for (let index = 0; index < Math.max(from.length, to.length); index++) {
      compareValues(from[index], to[index], childPath(path, index), reasons);
    }
    return;
  }
  if (isPlainRecord(from) && isPlainRecord(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const key of keys) compareValues(from[key], to[key], childPath(path, unescapeKey(key)), reasons);
    return;
  }
  if (canonicalize(from) !== canonicalize(to)) reasons.push({ kind: 'parameter-changed', path, from, to });
}

/** A JSON object that is not one of the tagged values (`{ $data }`, `{ $date }`, …), which are compared whole. */
function isPlainRecord(value: JsonValue): value is { [key: string]: JsonValue } {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.keys(value).some((key) => /^\$[^$]/.test(key))
  );
}

function unescapeKey(key: string): string {
  return key.startsWith('$$') ? key.slice(1) : key;
}
