import { type AstNode, POSITION_KEYS, isNode } from './ast.js';

// Spelling that does not change meaning: `{ a }` versus `{ a: a }`, and a directive's raw text
// (the statement's expression still carries the string).
const IGNORED_KEYS = new Set([...POSITION_KEYS, 'shorthand', 'directive']);

/**
 * A canonical, unambiguous serialisation of an AST, keys sorted, positions and spelling left out.
 * Two ASTs serialise alike exactly when they mean the same code (after the canonicalisation
 * passes). This, not the printed text, is what gets hashed: a printer could print two different
 * trees alike, a serialisation of the tree cannot.
 *
 * Compact, since it is hashed for every class: `Type{key:value,…}`, arrays `[…]`, strings
 * JSON-quoted. Node types and keys are plain identifiers, so they need no quotes. Members that
 * are `false`, `null` or `undefined` are left out: acorn gives every node of a type the same
 * keys, so leaving them out loses nothing.
 *
 * Template literal parts count by their value (`\n` and a line break are the same string), except
 * in tagged templates, where the tag sees the raw text.
 */
export function serialiseAst(node: AstNode): string {
  // Built by concatenation: V8 joins the pieces lazily, cheaper than collecting them in an array.
  return write(node, false);
}

/**
 * How a node shape serialises: its sorted, filtered keys, each with the text that precedes its
 * value (`key:` first, `,key:` after), and the node's opening (`Type{`). Made once per shape, so
 * writing a node allocates no strings but the output.
 */
interface Shape {
  /** The node's own keys, in order. */
  own: string[];
  open: string;
  keys: string[];
  first: string[];
  later: string[];
  /** For an identifier of `name` and `binding` only: its text by name, then binding. */
  identifier?: Map<string, Map<string | undefined, string>>;
}

// Shapes per node type (few per type): sorting keys per node is costly. Shapes are told apart by
// comparing key lists, which costs less than joining them into a signature for every node.
const shapeCache = new Map<string, Shape[]>();

function shapeOf(node: AstNode): Shape {
  let shapes = shapeCache.get(node.type);
  if (!shapes) shapeCache.set(node.type, (shapes = []));
  for (const shape of shapes) if (hasKeys(node, shape.own)) return shape;
  const own = Object.keys(node);
  const keys = own.filter((key) => !IGNORED_KEYS.has(key) && key !== 'type').sort();
  const shape: Shape = { own, open: `${node.type}{`, keys, first: keys.map((key) => `${key}:`), later: keys.map((key) => `,${key}:`) };
  // An identifier of `name` and `binding` only: its text is kept by their values (see `writeIdentifier`).
  if (node.type === 'Identifier' && keys.every((key) => key === 'name' || key === 'binding')) shape.identifier = new Map();
  shapes.push(shape);
  return shape;
}

/**
 * Whether the own keys of `node`, in order, are `own`. Walked with `for…in` (nodes are plain
 * objects, see `forEachChild`) rather than compared with `Object.keys(node)`: no array per node.
 */
function hasKeys(node: AstNode, own: string[]): boolean {
  let i = 0;
  for (const key in node) if (own[i++] !== key) return false;
  return i === own.length;
}

function write(value: unknown, keepTemplateRaw: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return JSON.stringify(`${value}n`);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) {
      if (!(index in value)) continue; // a hole, skipped as `forEach` skips it
      if (index > 0) out += ',';
      out += write(value[index], keepTemplateRaw);
    }
    return `${out}]`;
  }
  if (isNode(value)) return writeNode(value, keepTemplateRaw);
  return writePlain(value as Record<string, unknown>);
}

function writeNode(node: AstNode, keepTemplateRaw: boolean): string {
  if (node.type === 'Literal') return writeLiteral(node);
  if (node.type === 'TemplateElement') {
    const raw = keepTemplateRaw ? `,raw:${JSON.stringify(node.value.raw)}` : '';
    return `TemplateElement{tail:${node.tail === true},cooked:${JSON.stringify(node.value.cooked)}${raw}}`;
  }
  const shape = shapeOf(node);
  if (shape.identifier) return writeIdentifier(node, shape);
  return writeMembers(node, shape, keepTemplateRaw);
}

function writeMembers(node: AstNode, shape: Shape, keepTemplateRaw: boolean): string {
  const keys = shape.keys;
  let out = shape.open;
  let first = true;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    const value = node[key];
    if (value === false || value === null || value === undefined) continue;
    out += first ? shape.first[index]! : shape.later[index]!;
    first = false;
    const keepRaw =
      (node.type === 'TaggedTemplateExpression' && key === 'quasi') ||
      (node.type === 'TemplateLiteral' && key === 'quasis' && keepTemplateRaw);
    out += write(value, keepRaw);
  }
  return out + '}';
}

/**
 * An identifier whose members are its `name` and `binding` only: the most frequent node, whose
 * text is kept by name and binding (a handful of names per class: `$0`, `$dep0`, `Math`…), so writing it
 * again allocates nothing. Written as any node the first time.
 */
function writeIdentifier(node: AstNode, shape: Shape): string {
  const name: unknown = node.name;
  const binding: unknown = node.binding;
  if (typeof name !== 'string' || (binding !== undefined && typeof binding !== 'string')) return writeMembers(node, shape, false);
  const byName = (shape.identifier ??= new Map());
  let byBinding = byName.get(name);
  if (!byBinding) {
    if (byName.size >= 50_000) byName.clear();
    byName.set(name, (byBinding = new Map()));
  }
  let text = byBinding.get(binding as string | undefined);
  if (text === undefined) byBinding.set(binding as string | undefined, (text = writeMembers(node, shape, false)));
  return text;
}

function writeLiteral(node: AstNode): string {
  if (node.regex) return `Literal{regex:${JSON.stringify([node.regex.pattern, node.regex.flags])}}`;
  if (node.bigint !== undefined) return `Literal{bigint:${JSON.stringify(node.bigint)}}`;
  return `Literal{value:${typeof node.value === 'string' ? JSON.stringify(node.value) : Object.is(node.value, -0) ? '-0' : String(node.value)}}`;
}

function writePlain(object: Record<string, unknown>): string {
  let out = '{';
  Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort()
    .forEach((key, index) => {
      out += index > 0 ? `,${JSON.stringify(key)}:` : `${JSON.stringify(key)}:`;
      out += write(object[key], false);
    });
  return `${out}}`;
}
