import { parse } from 'acorn';
import { FingerprintError } from '../errors.js';

/**
 * An ESTree node as acorn produces it. The canonicalisation passes rewrite nodes in place, which
 * acorn's precise union types make impractical, so nodes are handled loosely here and only here.
 */
export type AstNode = { type: string; [key: string]: any };

/** Keys that hold positions or spelling, never meaning. */
export const POSITION_KEYS = new Set(['start', 'end', 'loc', 'range', 'raw', 'sourceFile']);

/** Whether `value` is an ESTree node. */
export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}

/** Calls `visit` on every node directly below `node`, in source order. */
export function forEachChild(node: AstNode, visit: (child: AstNode) => void): void {
  // `for…in` rather than `Object.keys`: nodes are plain objects (acorn's Node has no enumerable
  // inherited members), and this runs for every node of every module and class.
  for (const key in node) {
    const value = node[key];
    if (typeof value !== 'object' || value === null || POSITION_KEYS.has(key)) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item);
    } else if (typeof value.type === 'string') {
      visit(value as AstNode);
    }
  }
}

/** Whether any identifier under `node` (itself included) is named one of `names`. */
export function mentionsAny(node: AstNode, names: ReadonlySet<string>): boolean {
  if (node.type === 'Identifier') return names.has(node.name);
  for (const key in node) {
    const value = node[key];
    if (typeof value !== 'object' || value === null || POSITION_KEYS.has(key)) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item) && mentionsAny(item, names)) return true;
    } else if (isNode(value) && mentionsAny(value, names)) {
      return true;
    }
  }
  return false;
}

/** Makes an identifier node. */
export function identifier(name: string): AstNode {
  return { type: 'Identifier', name };
}

/**
 * Parses the text of a class or function (`fn.toString()`) into its expression node.
 *
 * The text is parsed as an expression in parentheses, so class and function declarations come
 * back as expressions. Object-literal methods (`f() {}`, `get x() {}`) only parse inside an
 * object literal, so that is tried second.
 */
export function parseFunctionSource(text: string, label: string): AstNode {
  try {
    return expressionOf(parse(`(${text}\n)`, PARSE_OPTIONS));
  } catch (first) {
    try {
      const object = expressionOf(parse(`({${text}\n})`, PARSE_OPTIONS));
      const property = object.properties?.[0];
      if (object.type === 'ObjectExpression' && object.properties.length === 1 && property.value) {
        return property.value as AstNode;
      }
    } catch {
      // Fall through to the first error, which describes the usual case.
    }
    throw new FingerprintError(
      `Cannot fingerprint ${label}: its source text does not parse as JavaScript ` +
        `(${(first as Error).message}). Its text starts with ${JSON.stringify(text.slice(0, 60))}.`,
      { cause: first },
    );
  }
}

const CODE_NODES = new Set(['ClassDeclaration', 'ClassExpression', 'FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/**
 * The tree `parseFunctionSource(text)` gives, taken from a module already parsed instead of
 * parsing `text` again: a deep copy of `node` (a class or function of a JavaScript module, whose
 * text in the module is exactly `text`), a declaration turned into the expression that parsing
 * the text alone gives. Positions (`start`, `end`) are left out: no canonicalisation pass reads
 * them (they count for nothing in the canonical form), and copying them costs time and memory.
 * Undefined when `node` is not such a node. Parsing each class's text anew cost about as much as
 * parsing its whole module; the copy, a fraction. Canonicalisation rewrites the tree it is given:
 * the module's own stays untouched.
 *
 * @example
 * parsedFromModule(module.text, location.node, cls.toString()) ?? parseFunctionSource(cls.toString(), label);
 */
export function parsedFromModule(moduleText: string, node: AstNode, text: string): AstNode | undefined {
  if (!CODE_NODES.has(node.type)) return undefined;
  const start = node.start as number;
  if ((node.end as number) - start !== text.length || !moduleText.startsWith(text, start)) return undefined;
  const copy = cloneTree(node);
  if (copy.type === 'ClassDeclaration') copy.type = 'ClassExpression';
  else if (copy.type === 'FunctionDeclaration') copy.type = 'FunctionExpression';
  return copy;
}

/**
 * A deep copy of an acorn node, keys in the same order, positions left out. Node members are
 * primitives, nodes, lists of nodes (or `null`, for array holes), a regular expression literal's
 * `regex` (`{ pattern, flags }`) and its `value` (a RegExp, copied as one).
 */
function cloneTree(source: AstNode): AstNode {
  // Plain objects: acorn's nodes have a prototype without members, which nothing here reads.
  const copy: AstNode = { type: source.type };
  for (const key in source) {
    const item = source[key];
    if (typeof item !== 'object' || item === null) {
      if (key !== 'start' && key !== 'end') copy[key] = item;
    } else if (Array.isArray(item)) {
      const list: unknown[] = new Array(item.length);
      for (let i = 0; i < item.length; i++) {
        const element: unknown = item[i];
        list[i] = typeof element === 'object' && element !== null ? cloneValue(element) : element;
      }
      copy[key] = list;
    } else {
      copy[key] = cloneValue(item);
    }
  }
  return copy;
}

function cloneValue(value: object): unknown {
  if (typeof (value as AstNode).type === 'string') return cloneTree(value as AstNode);
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (Array.isArray(value)) return value.map((item: unknown) => (typeof item === 'object' && item !== null ? cloneValue(item) : item));
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    copy[key] = typeof item === 'object' && item !== null ? cloneValue(item) : item;
  }
  return copy;
}

// Script mode keeps sloppy-mode functions parseable; `import.meta` is allowed anyway because the
// code came from a module.
const PARSE_OPTIONS = { ecmaVersion: 'latest', sourceType: 'script', allowImportExportEverywhere: true } as const;

function expressionOf(program: unknown): AstNode {
  const statement = (program as AstNode).body[0] as AstNode;
  return statement.expression as AstNode;
}

/**
 * Rewrites a tree bottom-up: `visit` gets each node after its children were rewritten, with its
 * parent and the key it sits under, and returns the node, a replacement, or `null` to drop it. A
 * node dropped from a list leaves the list; one dropped from a single-node slot becomes an empty
 * statement. Returns the (possibly replaced) root.
 */
export function rewriteTree(
  root: AstNode,
  visit: (node: AstNode, parent: AstNode | undefined, key: string | undefined) => AstNode | null,
): AstNode {
  const walk = (node: AstNode, parent: AstNode | undefined, key: string | undefined): AstNode | null => {
    for (const childKey in node) {
      const value = node[childKey];
      // Primitives first: most members are, and a set lookup per member adds up over every pass.
      if (typeof value !== 'object' || value === null || POSITION_KEYS.has(childKey)) continue;
      if (Array.isArray(value)) {
        // Copied only once an item is replaced or dropped: most lists stay as they are.
        let copy: unknown[] | undefined;
        for (let index = 0; index < value.length; index++) {
          const item: unknown = value[index];
          const rewritten = isNode(item) ? walk(item, node, childKey) : item;
          if (copy) {
            if (rewritten !== null) copy.push(rewritten);
          } else if (rewritten !== item) {
            copy = value.slice(0, index);
            if (rewritten !== null) copy.push(rewritten);
          }
        }
        if (copy) node[childKey] = copy;
      } else if (isNode(value)) {
        const rewritten = walk(value, node, childKey);
        if (rewritten !== value) node[childKey] = rewritten ?? { type: 'EmptyStatement' };
      }
    }
    return visit(node, parent, key);
  };
  return walk(root, undefined, undefined) ?? root;
}

/**
 * Whether the identifier at `parent[key]` names a variable, rather than a property, a key, a
 * label or part of `import.meta`.
 */
export function isReferencePosition(parent: AstNode | undefined, key: string | undefined): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression':
      return key !== 'property' || parent.computed === true;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return key !== 'key' || parent.computed === true;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return key !== 'label';
    case 'MetaProperty':
      return false;
    default:
      return true;
  }
}

/** A deep copy of a node, positions left out. */
export function cloneNode<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneNode) as T;
  if (!isNode(value)) return value;
  const copy: AstNode = { type: value.type };
  for (const key of Object.keys(value)) {
    if (key === 'type' || POSITION_KEYS.has(key)) continue;
    const child = value[key];
    copy[key] = isNode(child) || Array.isArray(child) ? cloneNode(child) : child;
  }
  return copy as T;
}

/** Whether `node` is a call of the free function named `name` (or matching it). */
export function isCallOf(node: AstNode | null | undefined, name: string | RegExp): node is AstNode {
  if (node?.type !== 'CallExpression' || node.callee.type !== 'Identifier') return false;
  return typeof name === 'string' ? node.callee.name === name : name.test(node.callee.name as string);
}

/** `this.name = value` (or `this.#name`) as a statement. */
export function thisAssignment(key: AstNode, value: AstNode, computed = false): AstNode {
  return {
    type: 'ExpressionStatement',
    expression: {
      type: 'AssignmentExpression',
      operator: '=',
      left: { type: 'MemberExpression', object: { type: 'ThisExpression' }, property: key, computed, optional: false },
      right: value,
    },
  };
}

/** The canonical `undefined`: a literal, whatever a compiler wrote (`undefined`, `void 0`). */
export function undefinedValue(): AstNode {
  return { type: 'Literal', value: undefined };
}

/** Calls `visit` on every node, parents first, with the parent and the key the node sits under. */
export function walkTree(root: AstNode, visit: (node: AstNode, parent: AstNode | undefined, key: string | undefined) => void): void {
  const walk = (node: AstNode, parent: AstNode | undefined, key: string | undefined): void => {
    visit(node, parent, key);
    for (const childKey in node) {
      const value = node[childKey];
      if (typeof value !== 'object' || value === null || POSITION_KEYS.has(childKey)) continue;
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) walk(item, node, childKey);
      } else if (isNode(value)) {
        walk(value, node, childKey);
      }
    }
  };
  walk(root, undefined, undefined);
}

/** The names a binding pattern declares: `a`, `{ a, b: [c] }`, `[d = 1, ...e]`. */
export function patternNames(pattern: AstNode | null | undefined, into: string[] = []): string[] {
  if (!pattern) return into;
  switch (pattern.type) {
    case 'Identifier':
      into.push(pattern.name as string);
      break;
    case 'ObjectPattern':
      for (const property of pattern.properties as AstNode[]) patternNames(property.type === 'RestElement' ? property : (property.value as AstNode), into);
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements as (AstNode | null)[]) patternNames(element, into);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left as AstNode, into);
      break;
    case 'RestElement':
      patternNames(pattern.argument as AstNode, into);
      break;
  }
  return into;
}

const SCOPE_OWNERS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassDeclaration', 'ClassExpression']);

/**
 * Every name declared anywhere below `root`: variables, parameters, catch parameters, functions
 * and classes. Not memoised: passes rewrite the tree.
 */
export function declaredNamesIn(root: AstNode): Set<string> {
  const names: string[] = [];
  walkTree(root, (node) => namesDeclaredBy(node, names));
  return new Set(names);
}

/**
 * Adds the names `node` itself declares (not those below it) to `into`: what `declaredNamesIn`
 * collects node by node, for a pass that walks the tree anyway.
 */
export function namesDeclaredBy(node: AstNode, into: string[]): void {
  if (node.type === 'VariableDeclarator') patternNames(node.id as AstNode, into);
  else if (node.type === 'CatchClause') patternNames(node.param as AstNode | null, into);
  else if (SCOPE_OWNERS.has(node.type)) {
    patternNames(node.id as AstNode | null, into);
    for (const param of (node.params as AstNode[] | undefined) ?? []) patternNames(param, into);
  }
}
