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
  for (const key of Object.keys(node)) {
    if (POSITION_KEYS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item);
    } else if (isNode(value)) {
      visit(value);
    }
  }
}

/** Whether any identifier under `node` (itself included) is named one of `names`. */
export function mentionsAny(node: AstNode, names: ReadonlySet<string>): boolean {
  if (node.type === 'Identifier' && names.has(node.name)) return true;
  let found = false;
  forEachChild(node, (child) => {
    if (!found && mentionsAny(child, names)) found = true;
  });
  return found;
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

// Script mode keeps sloppy-mode functions parseable; `import.meta` is allowed anyway because the
// code came from a module.
const PARSE_OPTIONS = { ecmaVersion: 'latest', sourceType: 'script', allowImportExportEverywhere: true } as const;

function expressionOf(program: unknown): AstNode {
  const statement = (program as AstNode).body[0] as AstNode;
  return statement.expression as AstNode;
}
