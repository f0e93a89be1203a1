import { describe, expect, it } from 'vitest';
import { analyseClass } from '../../src/fingerprint/dependencies.js';
import { ClassRegistry, dependencyTree, register, sourceHash } from '../../src/fingerprint/index.js';
import { buildWorld } from './world.js';

describe('dependencyTree', () => {
  it('includes registered base classes up to the framework base, and unregistered ones below it', () => {
    const { classes, registry } = buildWorld(`
      class Middle extends Data { m() { return 1; } }
      Middle.unregistered = true;
      class Base extends Middle { b() { return 2; } }
      class Leaf extends Base { l() { return 3; } }
      return { Middle, Base, Leaf };
    `);
    const tree = dependencyTree(classes.Leaf, registry);
    expect(tree.root).toBe('Leaf');
    expect(tree.nodes).toEqual({
      Base: { kind: 'class', sourceHash: sourceHash(classes.Base) },
      Leaf: { kind: 'class', sourceHash: sourceHash(classes.Leaf) },
      Middle: { kind: 'class', sourceHash: sourceHash(classes.Middle) },
    });
    expect(tree.edges).toEqual([
      { from: 'Base', to: 'Middle', kind: 'inherits' },
      { from: 'Leaf', to: 'Base', kind: 'inherits' },
    ]);
    expect(registry.get('Middle')).toBeUndefined();
  });

  it('includes the registered classes a body names through new X(), X.y and f(X)', () => {
    const { classes, registry } = buildWorld(`
      class A extends Data {}
      class B extends Data { static defaults = { z: 1 }; }
      class C extends Data {}
      class User extends Data { run() { return [new A(), B.defaults, wrap(C)]; } }
      return { A, B, C, User };
    `);
    const tree = dependencyTree(classes.User, registry);
    expect(Object.keys(tree.nodes)).toEqual(['A', 'B', 'C', 'User']);
    expect(tree.edges).toEqual([
      { from: 'User', to: 'A', kind: 'calls' },
      { from: 'User', to: 'B', kind: 'calls' },
      { from: 'User', to: 'C', kind: 'calls' },
    ]);
    expect(analyseClass(classes.User, registry).unresolved).toEqual([{ className: 'User', identifier: 'wrap' }]);
  });

  it('hashes helpers in uses by their code and their own uses, and constants by value', () => {
    const source = (limit: number, factor: number) => `
      const LIMIT = ${limit};
      function clamp(v) { return Math.min(v, LIMIT) * ${factor}; }
      clamp.uses = { LIMIT };
      class Slope extends Data { static uses = { clamp, UNITS: 'degrees' }; run(v) { return clamp(v); } }
      return { Slope };
    `;
    const base = buildWorld(source(10, 2));
    const tree = dependencyTree(base.classes.Slope, base.registry);
    expect(Object.fromEntries(Object.entries(tree.nodes).map(([name, node]) => [name, node.kind]))).toEqual({
      Slope: 'class',
      'Slope.uses.UNITS': 'value',
      'Slope.uses.clamp': 'helper',
      'Slope.uses.clamp.uses.LIMIT': 'value',
    });
    expect(analyseClass(base.classes.Slope, base.registry).unresolved).toEqual([]);

    const otherConstant = buildWorld(source(11, 2));
    const otherHelper = buildWorld(source(10, 3));
    const hashes = [base, otherConstant, otherHelper].map(({ classes, registry }) => analyseClass(classes.Slope, registry).depTreeHash);
    expect(new Set(hashes).size).toBe(3);
    // The class's own code did not change in either edit.
    expect(sourceHash(otherConstant.classes.Slope)).toBe(sourceHash(base.classes.Slope));
    expect(sourceHash(otherHelper.classes.Slope)).toBe(sourceHash(base.classes.Slope));
  });

  it("does not resolve a subclass's free name through its parent's uses: the parent's name may mean something else", () => {
    const { classes, registry } = buildWorld(`
      function helper(v) { return v + 1; }
      class Parent extends Data { static uses = { helper }; }
      class Child extends Parent { run(v) { return helper(v); } }
      return { Parent, Child };
    `);
    expect(analyseClass(classes.Child, registry).unresolved).toEqual([{ className: 'Child', identifier: 'helper' }]);
    expect(Object.keys(dependencyTree(classes.Child, registry).nodes)).toEqual(['Child', 'Parent', 'Parent.uses.helper']);
  });

  it('terminates on class cycles and hashes them the same whatever the registration order', () => {
    const source = `
      class A extends Data { make() { return new B(); } }
      class B extends Data { make() { return new A(); } }
      return { A, B };
    `;
    const first = buildWorld(source, {}, ['A', 'B']);
    const second = buildWorld(source, {}, ['B', 'A']);
    const treeA = dependencyTree(first.classes.A, first.registry);
    expect(treeA.edges).toEqual([
      { from: 'A', to: 'B', kind: 'calls' },
      { from: 'B', to: 'A', kind: 'calls' },
    ]);
    expect(dependencyTree(second.classes.A, second.registry)).toEqual(treeA);
    expect(analyseClass(second.classes.A, second.registry).depTreeHash).toBe(analyseClass(first.classes.A, first.registry).depTreeHash);
    // Same nodes and edges, different root: A and B stay distinguishable.
    expect(analyseClass(first.classes.B, first.registry).depTreeHash).not.toBe(analyseClass(first.classes.A, first.registry).depTreeHash);
  });

  it('terminates on helper cycles', () => {
    const { classes, registry } = buildWorld(`
      function even(n) { return n === 0 ? true : odd(n - 1); }
      function odd(n) { return n === 0 ? false : even(n - 1); }
      even.uses = { odd };
      odd.uses = { even };
      class Parity extends Data { static uses = { even }; run(n) { return even(n); } }
      return { Parity };
    `);
    const tree = dependencyTree(classes.Parity, registry);
    expect(tree.edges).toEqual([
      { from: 'Parity', to: 'Parity.uses.even', kind: 'uses' },
      { from: 'Parity.uses.even', to: 'Parity.uses.even.uses.odd', kind: 'uses' },
      { from: 'Parity.uses.even.uses.odd', to: 'Parity.uses.even', kind: 'uses' },
    ]);
  });

  it('adds a named class to the tree once it is registered', () => {
    const registry = new ClassRegistry();
    const { classes } = buildWorld(`
      class Late extends Data {}
      class Early extends Data { run() { return new Late(); } }
      Late.unregistered = true; Early.unregistered = true;
      return { Late, Early };
    `);
    register(classes.Early, undefined, registry);
    const before = analyseClass(classes.Early, registry);
    expect(before.unresolved).toEqual([{ className: 'Early', identifier: 'Late' }]);
    register(classes.Late, undefined, registry);
    const after = analyseClass(classes.Early, registry);
    expect(after.unresolved).toEqual([]);
    expect(Object.keys(after.tree.nodes)).toEqual(['Early', 'Late']);
    expect(after.depTreeHash).not.toBe(before.depTreeHash);
  });

  it('rejects a uses that is not an object', () => {
    const { classes, registry } = buildWorld(`class Odd extends Data { static uses = 3; } return { Odd };`);
    expect(() => dependencyTree(classes.Odd, registry)).toThrow(/Odd\.uses must be an object/);
  });
});

describe('a class that cannot be fingerprinted', () => {
  it('fails again on every analysis, also of the classes that name it, never hashing as empty code', () => {
    const { classes, registry } = buildWorld(`
      class Cached extends Data { static cache = new Map(); run() { return 1; } }
      class User extends Data { run() { return new Cached().run(); } }
      return { Cached, User };
    `);
    const message = /Cannot fingerprint Cached: Cached\.cache is a Map/;
    expect(() => analyseClass(classes.Cached, registry)).toThrow(message);
    expect(() => analyseClass(classes.Cached, registry)).toThrow(message);
    expect(() => analyseClass(classes.User, registry)).toThrow(message);
    expect(() => dependencyTree(classes.User, registry)).toThrow(message);
  });
});
