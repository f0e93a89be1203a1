import { type AstNode, declaredNamesIn, isReferencePosition, rewriteTree, undefinedValue } from './ast.js';

/**
 * Folds what some toolchains fold and others do not, so the canonical AST holds values, not the
 * spelling a compiler chose for them:
 *
 * - `undefined`, `void 0` and `void "x"` are one literal; `NaN` and `Infinity` are numbers (when
 *   the code does not declare a variable of that name);
 * - operators on literals are evaluated, as JavaScript would: `'a' + 'b'` (esbuild writes `"ab"`,
 *   tsc keeps it), `1 + 2`, `!0` (esbuild's `true` when minifying), `-(-1)`, `typeof 1`,
 *   `2 ** 10`; an operation that throws (`1n + 1`) stays as written;
 * - `x + "a" + "b"` is `x + "ab"` (the left side is a string already), as esbuild folds it;
 * - a literal on the left of `&&`, `||`, `??` or `? :` decides which side is the value:
 *   `true && x` is `x`, as esbuild writes it;
 * - a template literal without a tag takes literal values in (`` `x${'y'}` `` is `` `xy` ``) and
 *   is a string when nothing is left to substitute: esbuild folds it, and minifiers turn strings
 *   into templates and back to save a byte;
 * - `typeof x > "u"` and `typeof x < "u"` (esbuild's minified tests) are `=== "undefined"` and
 *   `!== "undefined"`, and `==` between a `typeof` and a string is `===`.
 *
 * Every fold gives the same value the running code computes, so code that folds alike behaves
 * alike. Rewrites in place and returns the root.
 */
export function foldConstants(root: AstNode): AstNode {
  const shadowed = shadowedValueNames(declaredNamesIn(root));
  return rewriteTree(root, (node, parent, key) => foldNode(node, parent, key, shadowed) ?? node);
}

const VALUE_GLOBALS = new Set(['undefined', 'NaN', 'Infinity']);

/** Which of `undefined`, `NaN` and `Infinity` the code declares itself (given what it declares): those are not folded. */
export function shadowedValueNames(declared: ReadonlySet<string>): ReadonlySet<string> {
  return new Set([...VALUE_GLOBALS].filter((name) => declared.has(name)));
}

type Primitive = string | number | boolean | null | undefined | bigint;

/** One node folded (its children already are), or undefined when it stays as it is. */
export function foldNode(node: AstNode, parent: AstNode | undefined, key: string | undefined, shadowed: ReadonlySet<string>): AstNode | undefined {
  switch (node.type) {
    case 'Identifier':
      if (!VALUE_GLOBALS.has(node.name) || shadowed.has(node.name) || !isReferencePosition(parent, key) || isWritePosition(parent, key)) return undefined;
      return literal(node.name === 'undefined' ? undefined : node.name === 'NaN' ? NaN : Infinity);
    case 'UnaryExpression':
      return foldUnary(node);
    case 'BinaryExpression':
      return foldBinary(node);
    case 'LogicalExpression': {
      const left = valueOf(node.left as AstNode);
      if (!left) return undefined;
      const value = left.value;
      const pickLeft = node.operator === '&&' ? !value : node.operator === '||' ? Boolean(value) : value !== null && value !== undefined;
      return pickLeft ? (node.left as AstNode) : (node.right as AstNode);
    }
    case 'ConditionalExpression': {
      const test = valueOf(node.test as AstNode);
      if (!test) return undefined;
      return (test.value ? node.consequent : node.alternate) as AstNode;
    }
    case 'TemplateLiteral':
      return parent?.type === 'TaggedTemplateExpression' ? undefined : foldTemplate(node);
    default:
      return undefined;
  }
}

function foldUnary(node: AstNode): AstNode | undefined {
  const argument = node.argument as AstNode;
  if (node.operator === 'void') {
    // `void 0` is undefined; `void f()` still calls f.
    return valueOf(argument) ? undefinedValue() : undefined;
  }
  const operand = valueOf(argument);
  const operation = UNARY[node.operator as string];
  if (!operand || !operation) return undefined;
  return evaluate(() => operation(operand.value));
}

function foldBinary(node: AstNode): AstNode | undefined {
  const left = node.left as AstNode;
  const right = valueOf(node.right as AstNode);
  if (!right) return undefined;
  const operator = node.operator as string;
  const leftValue = valueOf(left);
  if (leftValue) {
    const operation = BINARY[operator];
    return operation ? evaluate(() => operation(leftValue.value, right.value)) : undefined;
  }
  // `typeof x > "u"`: typeof gives one of a few strings, of which only "undefined" sorts after "u".
  if (left.type === 'UnaryExpression' && left.operator === 'typeof' && right.value === 'u' && (operator === '>' || operator === '<')) {
    return { ...node, operator: operator === '>' ? '===' : '!==', right: literal('undefined') };
  }
  if (left.type === 'UnaryExpression' && left.operator === 'typeof' && typeof right.value === 'string' && (operator === '==' || operator === '!=')) {
    return { ...node, operator: `${operator}=` };
  }
  // (x + "a") + "b": the inner sum is a string, so adding "b" to it concatenates.
  if (operator === '+' && left.type === 'BinaryExpression' && left.operator === '+') {
    const inner = valueOf(left.right as AstNode);
    if (inner && typeof inner.value === 'string' && right.value !== undefined && typeof right.value !== 'bigint') {
      return { ...node, left: left.left, right: literal(inner.value + String(right.value)) };
    }
  }
  return undefined;
}

function foldTemplate(node: AstNode): AstNode | undefined {
  const quasis = node.quasis as AstNode[];
  const expressions = node.expressions as AstNode[];
  if (quasis.some((quasi) => quasi.value.cooked === null)) return undefined;
  const parts: string[] = [quasis[0]!.value.cooked as string];
  const kept: AstNode[] = [];
  expressions.forEach((expression, index) => {
    const value = valueOf(expression);
    const after = quasis[index + 1]!.value.cooked as string;
    if (value && typeof value.value !== 'symbol') {
      parts[parts.length - 1] += String(value.value) + after;
    } else {
      kept.push(expression);
      parts.push(after);
    }
  });
  if (kept.length === 0) return literal(parts[0]!);
  if (kept.length === expressions.length) return undefined;
  return {
    type: 'TemplateLiteral',
    expressions: kept,
    quasis: parts.map((cooked, index) => ({ type: 'TemplateElement', tail: index === parts.length - 1, value: { cooked, raw: cooked } })),
  };
}

const UNARY: Record<string, (value: Primitive) => unknown> = {
  '!': (v) => !v,
  '-': (v) => -(v as number),
  '+': (v) => +(v as number),
  '~': (v) => ~(v as number),
  typeof: (v) => typeof v,
};

const BINARY: Record<string, (a: any, b: any) => unknown> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '**': (a, b) => a ** b,
  '<<': (a, b) => a << b,
  '>>': (a, b) => a >> b,
  '>>>': (a, b) => a >>> b,
  '&': (a, b) => a & b,
  '|': (a, b) => a | b,
  '^': (a, b) => a ^ b,
  '==': (a, b) => a == b,
  '!=': (a, b) => a != b,
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '>': (a, b) => a > b,
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
};

/** The primitive value of a literal node (not a regular expression), or undefined. */
export function valueOf(node: AstNode): { value: Primitive } | undefined {
  if (node.type !== 'Literal' || node.regex) return undefined;
  if (node.bigint !== undefined) return { value: BigInt(node.bigint as string) };
  return { value: node.value as Primitive };
}

/** A literal node for a primitive value. */
export function literal(value: Primitive): AstNode {
  if (typeof value === 'bigint') return { type: 'Literal', value, bigint: value.toString() };
  return { type: 'Literal', value };
}

function evaluate(compute: () => unknown): AstNode | undefined {
  let value: unknown;
  try {
    value = compute();
  } catch {
    return undefined;
  }
  const type = typeof value;
  if (value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint') return literal(value as Primitive);
  return undefined;
}

/** The left side of an assignment or update (`NaN = 1` in sloppy code) is not a value. */
function isWritePosition(parent: AstNode | undefined, key: string | undefined): boolean {
  return (parent?.type === 'AssignmentExpression' && key === 'left') || parent?.type === 'UpdateExpression';
}

/**
 * How to read a constant declared in `static uses` as its value (undefined when there are none), as Rolldown (Vite) inlines an imported
 * constant into a bundle (`LIMIT` becomes `3`, and `LIMIT > 2 ? a : b` then `a`) and esbuild
 * inlines a TypeScript enum's members (`Colour.Red` becomes `0`): a name that is a `uses` key (or
 * a bundler's alias of one) holding a primitive, and `Name.member` when the key holds a plain
 * object (an enum, a table) with a primitive there. A name the code declares anywhere itself
 * (`declared`, see `declaredNamesIn`) is left alone. The values are read when the class is first fingerprinted, so a changed constant
 * changes the source hash as well as the dependency.
 */
export function usesSubstitution(
  uses: { aliases: ReadonlyMap<string, string>; values?: Readonly<Record<string, unknown>> },
  declared: ReadonlySet<string>,
): NodeRewrite | undefined {
  const values = uses.values;
  if (!values || Object.keys(values).length === 0) return undefined;
  // The names that read a constant: its key or a bundler's alias of it, not declared by the code.
  const keyOf = (name: string): string | undefined => {
    if (declared.has(name)) return undefined;
    const key = uses.aliases.get(name) ?? name;
    return Object.prototype.hasOwnProperty.call(values, key) ? key : undefined;
  };
  return (node, parent, key) => {
    if (node.type === 'Identifier') {
      const usesKey = keyOf(node.name as string);
      return usesKey !== undefined && isReadPosition(node, parent, key) ? (primitiveLiteral(values[usesKey]) ?? node) : node;
    }
    if (node.type !== 'MemberExpression' || node.optional || node.object.type !== 'Identifier' || !isReadPosition(node, parent, key)) return node;
    const name = node.object.name as string;
    if (keyOf(name) === undefined) return node;
    const table = values[keyOf(name)!];
    if (typeof table !== 'object' || table === null || Array.isArray(table) || !isPlain(table)) return node;
    const property = node.computed ? (node.property.type === 'Literal' ? String(node.property.value) : undefined) : (node.property.name as string);
    if (property === undefined || !Object.prototype.hasOwnProperty.call(table, property)) return node;
    const descriptor = Object.getOwnPropertyDescriptor(table, property)!;
    return descriptor.get ? node : (primitiveLiteral(descriptor.value) ?? node);
  };
}

/** A rewrite of one node, its children already rewritten (see `rewriteTree`). */
export type NodeRewrite = (node: AstNode, parent: AstNode | undefined, key: string | undefined) => AstNode;

/** A value read, not written, called as a method's object, or a property name. */
function isReadPosition(node: AstNode, parent: AstNode | undefined, key: string | undefined): boolean {
  if (!isReferencePosition(parent, key)) return false;
  if ((parent?.type === 'AssignmentExpression' && key === 'left') || parent?.type === 'UpdateExpression') return false;
  // `Colour.Red` as a callee keeps its receiver; a primitive is never called anyway.
  return !(parent?.type === 'CallExpression' && key === 'callee' && node.type === 'MemberExpression');
}

function primitiveLiteral(value: unknown): AstNode | undefined {
  if (value === null || value === undefined) return literal(value as null | undefined);
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint' ? literal(value as Primitive) : undefined;
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
