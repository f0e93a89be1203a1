import { type AstNode, POSITION_KEYS, identifier, isNode, mentionsAny } from './ast.js';

/**
 * Removes what compilers and bundlers add to a class or function on their own, so the same
 * TypeScript source gives the same canonical AST under tsc, tsx, vitest and esbuild:
 *
 * - esbuild `--keep-names`: `__name(fn, "name")` becomes `fn`; `__name(x, "x");` statements and
 *   `static { __name(this, "X"); }` blocks disappear;
 * - `"use strict"` directives disappear;
 * - tsc's lowering of TC39 class decorators leaves `static { _classThis = this; }` and
 *   `static { … __esDecorate(…) … __runInitializers(…) }` blocks inside the class: removed;
 * - vite/vitest SSR rewrites imports to `__vite_ssr_import_0__.name`, calls to
 *   `(0,__vite_ssr_import_0__.name)(…)` and some other uses (arguments) to
 *   `(0,__vite_ssr_import_0__.name)`: all become the bare `name`; the SSR dynamic import and
 *   `import.meta` rewrites are undone too;
 * - class fields without an initializer (`x;`) are removed: one compiler emits them for TypeScript
 *   parameter properties and declared fields, another does not;
 * - empty statements (`;`) disappear: vitest writes one after blocks;
 * - the constructor moves first in the class body: esbuild moves it there when it has parameter
 *   properties, tsc leaves it where it was written. Its position has no meaning in JavaScript;
 * - the body of an `if`, `else` or loop is always a block: Rolldown (Vite's bundler) drops the
 *   braces around a single statement (`if (x) { throw e; }` → `if (x) throw e;`). An `else if`
 *   stays as it is;
 * - a function's last statement `return;`, `return undefined;` or `return void 0;` goes: it is
 *   what the end of a function does anyway, and Rolldown removes it.
 *
 * Rewrites in place and returns the (possibly replaced) node.
 */
export function removeToolchainArtefacts(node: AstNode): AstNode {
  return clean(node) ?? node;
}

const SSR_IMPORT = /^__(?:vite_ssr|vi_ssr|vi)_import_\d+__$/;

// Identifiers that were SSR import rewrites: only those lose a `(0, …)` wrapper outside calls,
// where a user's own `(0, x)` would mean something else (`typeof (0, x)` throws for an undeclared x).
const ssrNames = new WeakSet<AstNode>();

// A static block is decorator machinery when it mentions one of these. `_metadata` and `_init`
// also appear in that machinery, but they are plausible user names, so on their own they do not
// mark a block (a user's `static { _init(); }` must stay part of the hash).
const DECORATOR_MACHINERY = new Set([
  '_classThis',
  '__esDecorate',
  '__runInitializers',
  '__decoratorStart',
  '__decorateElement',
  '__decoratorMetadata',
]);

function clean(node: AstNode): AstNode | null {
  // vitest's SSR transform writes `;` after blocks (`if (x) {…};`): empty statements mean nothing.
  if (node.type === 'EmptyStatement') return null;
  if (node.type === 'ExpressionStatement') {
    if (node.directive === 'use strict' || isKeepNamesCall(node.expression as AstNode)) return null;
  }
  cleanChildren(node);
  switch (node.type) {
    case 'CallExpression':
      if (isKeepNamesCall(node)) return node.arguments[0] as AstNode;
      if (node.callee.type === 'Identifier' && node.callee.name === '__vite_ssr_dynamic_import__') {
        return { type: 'ImportExpression', source: node.arguments[0], options: node.arguments[1] ?? null };
      }
      node.callee = unwrapIndirectCall(node.callee as AstNode);
      return node;
    case 'StaticBlock':
      if (node.body.length === 0 || mentionsAny(node, DECORATOR_MACHINERY)) return null;
      return node;
    case 'MemberExpression': {
      const name = ssrImportedName(node);
      if (name) ssrNames.add(name);
      return name ?? node;
    }
    case 'SequenceExpression':
      // vite also wraps imported names outside calls: `f(x, (0,__vite_ssr_import_1__.LIMIT))`.
      if (isIndirection(node) && ssrNames.has(node.expressions[1] as AstNode)) return node.expressions[1] as AstNode;
      return node;
    case 'Identifier':
      if (node.name === '__vite_ssr_import_meta__') {
        return { type: 'MetaProperty', meta: identifier('import'), property: identifier('meta') };
      }
      return node;
    case 'ClassBody':
      node.body = canonicalClassMembers(node.body as AstNode[]);
      return node;
    case 'IfStatement':
      node.consequent = asBlock(node.consequent as AstNode);
      if (node.alternate && node.alternate.type !== 'IfStatement') node.alternate = asBlock(node.alternate as AstNode);
      return node;
    case 'FunctionExpression':
    case 'FunctionDeclaration':
    case 'ArrowFunctionExpression':
      if (node.body.type === 'BlockStatement' && isBareReturn(node.body.body.at(-1))) node.body.body = node.body.body.slice(0, -1);
      return node;
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
      node.body = asBlock(node.body as AstNode);
      return node;
    default:
      return node;
  }
}

/** `return;`, `return undefined;` or `return void 0;`: the same as reaching the end of the function. */
function isBareReturn(statement: AstNode | undefined): boolean {
  if (statement?.type !== 'ReturnStatement') return false;
  const value = statement.argument as AstNode | null;
  if (value === null) return true;
  if (value.type === 'Identifier') return value.name === 'undefined';
  return value.type === 'UnaryExpression' && value.operator === 'void' && value.argument.type === 'Literal';
}

function asBlock(statement: AstNode): AstNode {
  if (statement.type === 'BlockStatement') return statement;
  return { type: 'BlockStatement', body: statement.type === 'EmptyStatement' ? [] : [statement] };
}

function cleanChildren(node: AstNode): void {
  for (const key in node) {
    if (POSITION_KEYS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      // Copied only once something is removed (a statement or a class member).
      let kept: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        const cleaned = isNode(item) ? clean(item) : item;
        if (isNode(item) && cleaned === null) kept ??= value.slice(0, index);
        else if (kept) kept.push(cleaned);
        else value[index] = cleaned;
      }
      if (kept) node[key] = kept;
    } else if (isNode(value)) {
      // A removed statement in a single-statement position (`if (x) __name(f, "f");`) becomes empty.
      node[key] = clean(value) ?? { type: 'EmptyStatement' };
    }
  }
}

function isKeepNamesCall(node: AstNode): boolean {
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    // `__name2`, `__name3`: the helper renamed when code passes through esbuild twice (a tsx loader
    // registered twice) or is bundled next to another copy of it.
    /^__name\d*$/.test(node.callee.name) &&
    node.arguments.length === 2 &&
    node.arguments[1].type === 'Literal' &&
    typeof node.arguments[1].value === 'string'
  );
}

/** `(0, f)(…)` calls `f` exactly like `f(…)`; compilers write it to drop a module's `this`. */
function unwrapIndirectCall(callee: AstNode): AstNode {
  return isIndirection(callee) ? (callee.expressions[1] as AstNode) : callee;
}

function isIndirection(node: AstNode): boolean {
  return (
    node.type === 'SequenceExpression' &&
    node.expressions.length === 2 &&
    node.expressions[0].type === 'Literal' &&
    node.expressions[0].value === 0 &&
    node.expressions[1].type === 'Identifier'
  );
}

function ssrImportedName(node: AstNode): AstNode | undefined {
  if (node.object.type !== 'Identifier' || !SSR_IMPORT.test(node.object.name)) return undefined;
  if (!node.computed && node.property.type === 'Identifier') return identifier(node.property.name);
  if (node.computed && node.property.type === 'Literal' && typeof node.property.value === 'string') {
    return identifier(node.property.value);
  }
  return undefined;
}

function canonicalClassMembers(members: AstNode[]): AstNode[] {
  const kept = members.filter(
    (member) =>
      !(member.type === 'PropertyDefinition' && member.value === null && !member.computed && member.key.type !== 'PrivateIdentifier'),
  );
  const constructorIndex = kept.findIndex((member) => member.type === 'MethodDefinition' && member.kind === 'constructor');
  if (constructorIndex > 0) kept.unshift(...kept.splice(constructorIndex, 1));
  return kept;
}

