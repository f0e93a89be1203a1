import { describe, expect, it } from 'vitest';
import { FingerprintError } from '../../src/errors.js';
import { ClassRegistry, defaultRegistry, isFrameworkBase, markFrameworkBase, register } from '../../src/fingerprint/index.js';

/** Evaluates class source text, as a notebook cell or a re-run module would, giving a new class object. */
function evaluate(source: string): new () => object {
  return new Function(`return (${source});`)() as new () => object;
}

const decoratorContext = (name: string, kind = 'class') =>
  ({ kind, name, addInitializer: () => undefined, metadata: {} }) as unknown as ClassDecoratorContext;

describe('register', () => {
  it('works as a TC39 decorator, as a legacy decorator and as a plain call, returning the class', () => {
    const Tc39 = evaluate('class RegistryTc39Probe {}');
    const Legacy = evaluate('class RegistryLegacyProbe {}');
    const Plain = evaluate('class RegistryPlainProbe {}');
    try {
      expect(register(Tc39, decoratorContext('RegistryTc39Probe'))).toBe(Tc39);
      expect(register(Legacy)).toBe(Legacy);
      const registry = new ClassRegistry();
      expect(register(Plain, undefined, registry)).toBe(Plain);
      expect(defaultRegistry.get('RegistryTc39Probe')).toBe(Tc39);
      expect(defaultRegistry.get('RegistryLegacyProbe')).toBe(Legacy);
      expect(registry.get('RegistryPlainProbe')).toBe(Plain);
      expect(defaultRegistry.get('RegistryPlainProbe')).toBeUndefined();
    } finally {
      defaultRegistry.unregister('RegistryTc39Probe');
      defaultRegistry.unregister('RegistryLegacyProbe');
    }
  });

  it('accepts a registry as the second argument of a plain call', () => {
    const registry = new ClassRegistry();
    const Probe = evaluate('class SecondArgumentProbe {}');
    register(Probe, registry);
    expect(registry.get('SecondArgumentProbe')).toBe(Probe);
    expect(defaultRegistry.get('SecondArgumentProbe')).toBeUndefined();
  });

  it('rejects two different classes with the same name, quoting where each came from', () => {
    const registry = new ClassRegistry();
    register(evaluate('class Elevation { load() { return "from the first cell"; } }'), undefined, registry);
    const second = evaluate('class Elevation { load() { return "from the second cell"; } }');
    expect(() => register(second, undefined, registry)).toThrow(FingerprintError);
    expect(() => register(second, undefined, registry)).toThrow(/"Elevation".*from the first cell.*from the second cell.*unregister\("Elevation"\)/s);
  });

  it('accepts the same class twice, and replaces an identical re-run silently', () => {
    const registry = new ClassRegistry();
    const source = 'class Hillshade { render() { return 0.5; } }';
    const first = evaluate(source);
    register(first, undefined, registry);
    register(first, undefined, registry);
    expect(registry.get('Hillshade')).toBe(first);
    const rerun = evaluate(`${source.replace('{ render', '{\n  // re-run with a comment\n  render')}`);
    expect(rerun).not.toBe(first);
    register(rerun, undefined, registry);
    expect(registry.get('Hillshade')).toBe(rerun);
    expect(registry.nameOf(first)).toBe('Hillshade');
  });

  it('replaces an edited class registered from the same place, as a re-run notebook cell does', () => {
    const registry = new ClassRegistry();
    // One line of code registers every version: the cell, run again after an edit.
    const runCell = (body: string) => register(evaluate(`class Slope { run() { return ${body}; } }`), undefined, registry);
    runCell('1');
    const edited = runCell('2');
    expect(registry.get('Slope')).toBe(edited);
    expect(() => register(evaluate('class Slope { run() { return 3; } }'), undefined, registry)).toThrow(
      /"Slope".*registered at .*registry\.test\.ts:\d+:\d+.*registered at .*registry\.test\.ts:\d+:\d+/s,
    );
  });

  it('increases the registry version on every change, not on a repeated registration', () => {
    const registry = new ClassRegistry();
    const Probe = evaluate('class VersionProbe {}');
    const start = registry.version;
    register(Probe, undefined, registry);
    register(Probe, undefined, registry);
    expect(registry.version).toBe(start + 1);
    registry.unregister(Probe);
    expect(registry.version).toBe(start + 2);
  });

  it('rejects decorating a method, an anonymous class and a non-class', () => {
    const registry = new ClassRegistry();
    expect(() => register(evaluate('class Probe {}'), decoratorContext('load', 'method'))).toThrow(/decorates classes, not a method \("load"\)/);
    expect(() => register(evaluate('class {}'), undefined, registry)).toThrow(/anonymous class/);
    expect(() => register(42 as unknown as () => void, undefined, registry)).toThrow(/expects a class, got 42/);
  });

  it('says of an anonymous class that a bundler may have removed the name its source gave it', () => {
    // Rollup's output of tsc's TC39 decorators: `var Elevation = class ...` dropped, the class left unnamed.
    expect(() => register(evaluate('class extends Object {}'), decoratorContext(''), new ClassRegistry())).toThrow(
      new FingerprintError(
        'register() got an anonymous class: give it a name (`class ElevationLoader extends Data {…}`); the name is how other ' +
          "classes refer to it. A class named in your source lost its name to the bundler (Rollup's tree-shaking removes it " +
          "from tsc's TC39 decorator output): bundle with esbuild or Vite, which keep it.",
      ),
    );
  });

  it('unregisters by name or class, so an edited class can be registered', () => {
    const registry = new ClassRegistry();
    register(evaluate('class Slope { run() { return 1; } }'), undefined, registry);
    expect(registry.unregister('Slope')).toBe(true);
    expect(registry.unregister('Slope')).toBe(false);
    const edited = evaluate('class Slope { run() { return 2; } }');
    register(edited, undefined, registry);
    expect(registry.get('Slope')).toBe(edited);
    expect(registry.names()).toEqual(['Slope']);
  });
});

describe('ClassRegistry snapshots', () => {
  it('restores exactly the registrations taken, sites and identical variants included, and bumps the version', () => {
    const registry = new ClassRegistry();
    const First = evaluate('class SnapshotProbe { run() { return 1; } }');
    const Twin = evaluate('class SnapshotProbe { run() { return 1; } }');
    const Other = evaluate('class SnapshotOther {}');
    registry.add(First, 'file:///a.ts:1:1');
    registry.add(Twin, 'file:///b.ts:1:1');
    const taken = registry.snapshot();
    const empty = new ClassRegistry().snapshot();

    // Another project's classes: one of the same name with other code, from another place.
    registry.restore(empty);
    expect(registry.names()).toEqual([]);
    expect([registry.nameOf(Twin), registry.get('SnapshotProbe')]).toEqual([undefined, undefined]);
    const Edited = evaluate('class SnapshotProbe { run() { return 2; } }');
    registry.add(Edited, 'file:///c.ts:1:1');
    registry.add(Other, 'file:///c.ts:5:1');

    const before = registry.version;
    registry.restore(taken);
    expect(registry.version).toBeGreaterThan(before);
    expect(registry.names()).toEqual(['SnapshotProbe']);
    expect(registry.get('SnapshotProbe')).toBe(Twin);
    expect(registry.variants('SnapshotProbe')).toEqual([Twin, First]);
    expect([registry.siteOf(First), registry.siteOf(Twin), registry.nameOf(First), registry.nameOf(Other)]).toEqual([
      'file:///a.ts:1:1',
      'file:///b.ts:1:1',
      'SnapshotProbe',
      undefined,
    ]);
  });
});

describe('markFrameworkBase', () => {
  it('marks the class itself and not its subclasses', () => {
    class FrameworkProbe {}
    class UserProbe extends FrameworkProbe {}
    expect(markFrameworkBase(FrameworkProbe)).toBe(FrameworkProbe);
    expect(isFrameworkBase(FrameworkProbe)).toBe(true);
    expect(isFrameworkBase(UserProbe)).toBe(false);
  });
});
