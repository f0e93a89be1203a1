import type { ChainLink, RecordedChange, StaleReason } from '../fingerprint/record.js';
import { getPlatform } from '../platform.js';

/**
 * One reason as a sentence: for `explain`, the pipeline's `miss` events and the cache's listings alike.
 * @example describeReason({ kind: 'incomplete', problem: 'no meta.json' }) // 'incomplete: no meta.json (left by an interrupted run)'
 */
export function describeReason(reason: StaleReason): string {
  switch (reason.kind) {
    case 'format-version':
      return `the entry was written by another fingerprint format (${reason.from} → ${reason.to})`;
    case 'source-changed':
      return `${reason.className}'s code changed (${short(reason.from)} → ${short(reason.to)})`;
    case 'dependency-changed':
      if (reason.from === null) return `${reason.className} now depends on ${reason.dependency}`;
      if (reason.to === null) return `${reason.className} no longer depends on ${reason.dependency}`;
      return `${reason.dependency}'s code changed (${short(reason.from)} → ${short(reason.to)}), and ${reason.className} depends on it`;
    case 'parameter-changed':
      return `parameter ${reason.path} changed from ${JSON.stringify(reason.from)} to ${JSON.stringify(reason.to)}`;
    case 'parameter-added':
      return `parameter ${reason.path} is new`;
    case 'parameter-removed':
      return `parameter ${reason.path} was removed`;
    case 'processor-changed':
      // The same processor class with other code (entries of before key_dependencies say so this way).
      if (reason.from && reason.to && reason.from.className === reason.to.className) {
        return `processor ${reason.from.className}'s code changed (${short(reason.from.sourceHash)} → ${short(reason.to.sourceHash)})`;
      }
      return `the processor changed (${reason.from?.className ?? 'none'} → ${reason.to?.className ?? 'none'})`;
    case 'input-changed':
      if (reason.to === null) return `input ${reason.id} is missing or unreadable`;
      return `input ${reason.id} changed (${short(reason.from)} → ${short(reason.to)})`;
    case 'spec-changed':
      return `the spec differs (${short(reason.from)} → ${short(reason.to)})`;
    case 'unhashed-reference':
      return `${reason.className} refers to ${reason.identifier}, whose code is not fingerprinted`;
    case 'entry-format':
      // An older geodata's layout: it records nothing a hit could be checked against.
      return `meta.json has format_version ${JSON.stringify(reason.from)}, and this version of geodata writes ${reason.to}`;
    case 'recorded-changed':
      return `${reason.chain.map((link) => link.className).join(' ← ')}: ${describeChange(reason.change, reason.chain.at(-1)!)}`;
    case 'incomplete':
      return `incomplete: ${reason.problem} (left by an interrupted run)`;
    case 'damaged':
      return `damaged: ${reason.problem}`;
    case 'upstream-changed':
      return reason.state === 'stale'
        ? `its parameter entry ${reason.stateHash.slice(0, 12)} (${reason.className}) is stale`
        : `an input of its parameter entry ${reason.stateHash.slice(0, 12)} (${reason.className}) changed`;
    case 'class-unregistered':
      return `class ${reason.className} is not registered in this process (import the module that defines it)`;
    case 'class-namesake':
      if (reason.madeBy === 'user') return `class ${reason.className} loaded here is geodata's own; the entry was made by a class of yours named ${reason.className} (import the module that defines it to judge the entry)`;
      if (reason.madeBy === 'library') return `class ${reason.className} registered here is not geodata's own ${reason.className}, which made the entry`;
      return `geodata's own ${reason.className} finds the entry's code changed, but the entry does not say whether it was made by geodata's ${reason.className} or by a class of yours of that name (written by an older geodata); import the module of yours that defines one to judge it, or remove it with removeUnknown`;
    case 'class-error':
      return `class ${reason.className} cannot be fingerprinted now: ${reason.message}`;
    case 'processor-code-changed':
      if (reason.change === 'code') return `processor ${reason.processor}'s code changed (${short(reason.from)} → ${short(reason.to)})`;
      if (reason.change === 'dependencies') return `processor ${reason.processor}'s dependencies changed (tree ${short(reason.from)} → ${short(reason.to)})`;
      return `processor ${reason.processor} is registered now, which puts its dependencies in the key; it was not registered when the entry was made`;
    case 'parameter-class-changed':
      return `parameter class ${reason.className}'s code or dependencies changed (tree ${short(reason.from)} → ${short(reason.to)})`;
    case 'processor-unknown':
      return reason.wasRegistered
        ? `cannot judge: processor ${reason.processor} was registered when the entry was made, and is not registered now (import the module that registers it)`
        : `cannot judge: processor ${reason.processor} is not loaded (register it, or make the class return it from its parameters alone)`;
    case 'parameter-class-unknown':
      return reason.message === undefined
        ? `cannot judge: parameter class ${reason.className} is not loaded (import the module that defines it)`
        : `cannot judge: parameter class ${reason.className} cannot be fingerprinted now: ${reason.message}`;
  }
}

/** What changed in a recorded dependency of `link`'s entry, as the end of a sentence. */
function describeChange(change: RecordedChange, link: ChainLink): string {
  const entry = `entry ${short(link.stateHash)}`;
  switch (change.what) {
    case 'file-changed':
      return change.to === null ? `file ${shownPath(change.path)} is gone` : `file ${shownPath(change.path)} changed`;
    case 'file-appeared':
      return `file ${shownPath(change.path)} appeared`;
    case 'input-changed':
      return change.to === null ? `input ${shownPath(change.path)} is gone` : `input ${shownPath(change.path)} changed`;
    case 'entry-missing':
      return `its ${entry} is gone`;
    case 'entry-damaged':
      return `its ${entry} is damaged (${change.problem})`;
    case 'entry-replaced':
      return `its ${entry} was computed again since (output ${short(change.from)} → ${short(change.to)})`;
    case 'entry-unrecorded':
      return `its ${entry} was written by an older geodata and records nothing to check`;
    case 'code-changed':
      return `its code or dependencies changed (tree ${short(change.from)} → ${short(change.to)})`;
  }
}

/** A path as the user wrote it: relative to the working directory when inside it. */
function shownPath(path: string): string {
  const cwd = getPlatform().resolvePath('.');
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

function short(hash: string | null): string {
  return hash ? hash.slice(0, 12) : 'none';
}
