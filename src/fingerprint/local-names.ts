import type { AstNode } from './ast.js';
import { POSITION_KEYS, isNode } from './ast.js';

/**
 * Renames what is local to a piece of code without being a variable, as `renameBindings` does
 * for variables: labels become `L0`, `L1`, … (each labelled statement its own, in order) and
 * private names `#$0`, `#$1`, … (in order of first appearance). Neither is visible outside the code,
 * and identifier minifiers rename both. Rewrites in place and returns the root.
 *
 * @example
 * // `outer: for (…) { continue outer; }` → `L0: for (…) { continue L0; }`; `this.#count` → `this.#$0`
 */
export function renameLocalNames(root: AstNode): AstNode {
  const privateNames = new Map<string, string>();
  // A node reachable twice (a rewrite that shared it) is renamed once.
  const renamedNodes = new WeakSet<AstNode>();
  let labels = 0;
  const visit = (node: AstNode, scope: ReadonlyMap<string, string>): void => {
    let inner = scope;
    switch (node.type) {
      case 'LabeledStatement': {
        const renamed = `L${labels++}`;
        inner = new Map(scope).set(node.label.name as string, renamed);
        node.label = { type: 'Identifier', name: renamed };
        break;
      }
      case 'BreakStatement':
      case 'ContinueStatement':
        if (node.label) node.label = { type: 'Identifier', name: scope.get(node.label.name as string) ?? (node.label.name as string) };
        return;
      case 'PrivateIdentifier': {
        if (renamedNodes.has(node)) return;
        renamedNodes.add(node);
        let renamed = privateNames.get(node.name as string);
        if (renamed === undefined) privateNames.set(node.name as string, (renamed = `$${privateNames.size}`));
        node.name = renamed;
        return;
      }
    }
    // `for…in` rather than `Object.keys`: no array per node (nodes are plain objects, see `forEachChild`).
    for (const key in node) {
      const value = node[key];
      if (typeof value !== 'object' || value === null || POSITION_KEYS.has(key) || (node.type === 'LabeledStatement' && key === 'label')) continue;
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) visit(item, inner);
      } else if (isNode(value)) {
        visit(value, inner);
      }
    }
  };
  visit(root, new Map());
  return root;
}
