import { type AstNode, POSITION_KEYS, identifier, isNode, mentionsAny, walkTree } from './ast.js';

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
 * - a function's last statement `return;` or `return void 0;` goes: it is what the end of a
 *   function does anyway, and Rolldown removes it (`return undefined;` too, once folded);
 * - tsx's interop wrapper around a dynamic import (`import(x).then((m) => … "__esModule" … )`)
 *   is the bare `import(x)`;
 * - a dynamic import of one of the project's own modules names it by its file name only: vitest
 *   resolves `import('./helpers.js')` to `import('/src/helpers.ts')`, and bundlers that inline
 *   the module write `Promise.resolve().then(() => helpers_exports)` (Rolldown) or
 *   `Promise.resolve().then(() => (init_helpers(), helpers_exports))` (esbuild). All are
 *   `import("./helpers")`. Package imports (`import('proj4')`) stay as written, also where vitest
 *   resolved them to a file of the package (`import("/app/node_modules/proj4/dist/proj4.js")`).
 *
 * Rewrites in place and returns the (possibly replaced) node.
 */
export function removeToolchainArtefacts(node: AstNode): AstNode {
  return clean(node, { ssrUsesKeys: usesKeysOfSsrImports(node) }) ?? node;
}

interface Context {
  /**
   * The `static uses` keys of SSR-imported values (`{ scaleBy: __vite_ssr_import_1__.scale }`):
   * vite rewrites the body's `scaleBy(…)` (an import renamed on import) to
   * `__vite_ssr_import_1__.scale(…)`, which only the uses entry ties back to `scaleBy`.
   */
  ssrUsesKeys: ReadonlyMap<string, string>;
}

function usesKeysOfSsrImports(root: AstNode): Map<string, string> {
  const keys = new Map<string, string>();
  if (root.type !== 'ClassExpression') return keys;
  for (const member of root.body.body as AstNode[]) {
    if (member.type !== 'PropertyDefinition' || !member.static || member.computed || member.key.name !== 'uses' || member.value?.type !== 'ObjectExpression') continue;
    for (const property of member.value.properties as AstNode[]) {
      const value = property.value as AstNode | undefined;
      if (property.type !== 'Property' || property.computed || value?.type !== 'MemberExpression') continue;
      const reference = ssrReference(value);
      const key = property.key.type === 'Identifier' ? (property.key.name as string) : String(property.key.value);
      if (reference) keys.set(reference, key);
    }
  }
  return keys;
}

/** `__vite_ssr_import_1__.scale` → `__vite_ssr_import_1__.scale` as a map key, else undefined. */
function ssrReference(node: AstNode): string | undefined {
  if (node.object.type !== 'Identifier' || !SSR_IMPORT.test(node.object.name)) return undefined;
  const property = !node.computed && node.property.type === 'Identifier' ? node.property.name : node.computed && typeof node.property.value === 'string' ? node.property.value : undefined;
  return property === undefined ? undefined : `${node.object.name as string}.${property as string}`;
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

function clean(node: AstNode, context: Context): AstNode | null {
  // vitest's SSR transform writes `;` after blocks (`if (x) {…};`): empty statements mean nothing.
  if (node.type === 'EmptyStatement') return null;
  if (node.type === 'ExpressionStatement') {
    if (node.directive === 'use strict' || isKeepNamesCall(node.expression as AstNode)) return null;
  }
  cleanChildren(node, context);
  switch (node.type) {
    case 'CallExpression':
      if (isKeepNamesCall(node)) return node.arguments[0] as AstNode;
      if (isImportInterop(node)) return node.callee.object as AstNode;
      if (bundledModuleName(node)) return inlinedImport(localImport(bundledModuleName(node)!));
      if (node.callee.type === 'Identifier' && node.callee.name === '__vite_ssr_dynamic_import__') {
        return clean({ type: 'ImportExpression', source: node.arguments[0], options: node.arguments[1] ?? null }, context);
      }
      node.callee = unwrapIndirectCall(node.callee as AstNode);
      return node;
    case 'ImportExpression':
      if (node.source.type === 'Literal' && typeof node.source.value === 'string' && PACKAGE_FILE.test(node.source.value)) {
        // vitest resolves a package import to its file: the package, as the source names it.
        node.source = { type: 'Literal', value: PACKAGE_FILE.exec(node.source.value)![1] };
        return node;
      }
      if (node.source.type === 'Literal' && typeof node.source.value === 'string' && /^[./]/.test(node.source.value)) {
        const local = localImport(node.source.value.replace(/^.*\//, '').replace(/\.[^.]*$/, ''));
        // vite (vitest) writes a file outside its root as `/@fs/abs/path`.
        writtenSpecifiers.set(local, node.source.value.replace(/^\/@fs\//, '/'));
        return local;
      }
      return node;
    case 'StaticBlock':
      if (node.body.length === 0 || mentionsAny(node, DECORATOR_MACHINERY)) return null;
      return node;
    case 'MemberExpression': {
      const name = ssrImportedName(node, context);
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

/**
 * `return;` or `return void 0;`: the same as reaching the end of the function. (`return
 * undefined;` goes later, once folding knows the code does not declare its own `undefined`.)
 */
function isBareReturn(statement: AstNode | undefined): boolean {
  if (statement?.type !== 'ReturnStatement') return false;
  const value = statement.argument as AstNode | null;
  if (value === null) return true;
  return value.type === 'UnaryExpression' && value.operator === 'void' && value.argument.type === 'Literal';
}

function asBlock(statement: AstNode): AstNode {
  if (statement.type === 'BlockStatement') return statement;
  return { type: 'BlockStatement', body: statement.type === 'EmptyStatement' ? [] : [statement] };
}

function cleanChildren(node: AstNode, context: Context): void {
  for (const key in node) {
    const value = node[key];
    if (typeof value !== 'object' || value === null || POSITION_KEYS.has(key)) continue;
    if (Array.isArray(value)) {
      // Copied only once something is removed (a statement or a class member).
      let kept: unknown[] | undefined;
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        const cleaned = isNode(item) ? clean(item, context) : item;
        if (isNode(item) && cleaned === null) kept ??= value.slice(0, index);
        else if (kept) kept.push(cleaned);
        else value[index] = cleaned;
      }
      if (kept) node[key] = kept;
    } else if (isNode(value)) {
      // A removed statement in a single-statement position (`if (x) __name(f, "f");`) becomes empty.
      node[key] = clean(value, context) ?? { type: 'EmptyStatement' };
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

/** tsx: `import(x).then((m) => { const k = "default"; return m[k] && … "__esModule" in m[k] ? m[k] : m; })`. */
function isImportInterop(node: AstNode): boolean {
  const callee = node.callee as AstNode;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'then' || callee.object.type !== 'ImportExpression') return false;
  const handler = (node.arguments as AstNode[])[0];
  if (node.arguments.length !== 1 || handler?.type !== 'ArrowFunctionExpression' || handler.params.length !== 1) return false;
  let mentionsEsModule = false;
  walkTree(handler, (child) => {
    if (child.type === 'Literal' && child.value === '__esModule') mentionsEsModule = true;
  });
  return mentionsEsModule;
}

/** A file in an installed package (`/app/node_modules/@scope/name/dist/index.js`), the package's name captured. */
const PACKAGE_FILE = /^\/.*\/node_modules\/((?:@[^/]+\/)?[^/@.][^/]*)\/[^]*$/;

// What each `import("./name")` made here stood for: the specifier as written, which the name
// alone no longer locates, or nothing when a bundle holds the module inline.
const writtenSpecifiers = new WeakMap<AstNode, string | null>();

/**
 * The specifier a dynamic import of one of the project's modules was written with
 * (`'./lib/helpers.js'` for the canonical `import("./helpers")`); `null` when a bundle inlined
 * the module, so nothing says which file it was; `undefined` for an import this pass left as it was.
 */
export function writtenImportSpecifier(node: AstNode): string | null | undefined {
  return writtenSpecifiers.get(node);
}

function inlinedImport(node: AstNode): AstNode {
  writtenSpecifiers.set(node, null);
  return node;
}

/** `import("./name")`, the name spelt as a bundler spells a module's namespace (`my-helpers` → `my_helpers`). */
function localImport(name: string): AstNode {
  return { type: 'ImportExpression', source: { type: 'Literal', value: `./${name.replace(/[^\w$]/g, '_')}` }, options: null };
}

/** `Promise.resolve().then(() => name_exports)` or `… => (init_name(), name_exports))`: the module `name`. */
function bundledModuleName(node: AstNode): string | undefined {
  const callee = node.callee as AstNode;
  if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'then' || node.arguments.length !== 1) return undefined;
  const promise = callee.object as AstNode;
  const isResolve =
    promise.type === 'CallExpression' &&
    promise.arguments.length === 0 &&
    promise.callee.type === 'MemberExpression' &&
    promise.callee.object.type === 'Identifier' &&
    promise.callee.object.name === 'Promise' &&
    promise.callee.property.name === 'resolve';
  const handler = (node.arguments as AstNode[])[0]!;
  if (!isResolve || handler.type !== 'ArrowFunctionExpression' || handler.params.length !== 0) return undefined;
  let body = handler.body as AstNode;
  if (body.type === 'SequenceExpression' && body.expressions.length === 2 && body.expressions[0].type === 'CallExpression') body = body.expressions[1] as AstNode;
  return body.type === 'Identifier' && /^[\w$]+_exports$/.test(body.name as string) ? (body.name as string).replace(/_exports$/, '') : undefined;
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

function ssrImportedName(node: AstNode, context: Context): AstNode | undefined {
  if (node.object.type !== 'Identifier' || !SSR_IMPORT.test(node.object.name)) return undefined;
  const usesKey = context.ssrUsesKeys.get(ssrReference(node) ?? '');
  if (usesKey !== undefined) return identifier(usesKey);
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

