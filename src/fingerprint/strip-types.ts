import { type AstNode, forEachChild } from './ast.js';

// Type-only syntax, blanked whole: annotations, type parameters and arguments, `implements`.
const TYPE_ONLY = new Set([
  'TSTypeAnnotation',
  'TSTypeParameterDeclaration',
  'TSTypeParameterInstantiation',
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSDeclareFunction',
  'TSDeclareMethod',
  'TSIndexSignature',
]);

/**
 * The JavaScript text of a TypeScript declaration: the text of `node` with what is only types
 * replaced by spaces (annotations, generics, `as T`, `satisfies T`, `!`, optional `?`,
 * `implements`, `declare` fields, accessibility modifiers, decorators), the way Node's type
 * stripping reads a file; parameter properties become the assignments compilers write. An
 * `enum` compiles to code of its own and is hashed by its TypeScript text instead (see
 * `dependencies.ts`). A JavaScript module's text is returned as it is.
 *
 * @example
 * strippedText(text, fn); // 'function scale(value        , factor         )         { … }'
 */
export function strippedText(text: string, node: AstNode, typescript: boolean): string {
  const start = node.start as number;
  const end = node.end as number;
  if (!typescript) return text.slice(start, end);
  const blanks: Array<[number, number]> = [];
  const inserts: Array<[number, string]> = [];
  collect(node, text, blanks, inserts);
  const chars = text.slice(start, end).split('');
  for (const [from, to] of blanks) for (let i = Math.max(from, start); i < Math.min(to, end); i++) if (chars[i - start] !== '\n') chars[i - start] = ' ';
  for (const [at, code] of inserts.sort(([a], [b]) => b - a)) chars.splice(at - start, 0, code);
  return chars.join('');
}

/**
 * A constructor's parameter properties (`constructor(readonly path: string)`) as the compiled
 * class has them: the plain parameter, and `this.path = path;` first in the body (after
 * `super(…)`), which is what tsc and esbuild write.
 */
function parameterProperties(method: AstNode, text: string, blanks: Array<[number, number]>, inserts: Array<[number, string]>): void {
  const fn = method.value as AstNode;
  const names: string[] = [];
  for (const param of fn.params as AstNode[]) {
    if (param.type !== 'TSParameterProperty') continue;
    const inner = param.parameter as AstNode;
    blanks.push([param.start as number, inner.start as number]);
    const id = inner.type === 'AssignmentPattern' ? (inner.left as AstNode) : inner;
    if (id.type === 'Identifier') names.push(id.name as string);
  }
  if (names.length === 0 || !fn.body) return;
  const body = fn.body.body as AstNode[];
  const first = body[0];
  const superCall = first?.type === 'ExpressionStatement' && first.expression.type === 'CallExpression' && first.expression.callee.type === 'Super';
  const at = superCall ? (first!.end as number) : (fn.body.start as number) + 1;
  inserts.push([at, names.map((name) => ` this.${name} = ${name};`).join('')]);
}

function collect(node: AstNode, text: string, blanks: Array<[number, number]>, inserts: Array<[number, string]>): void {
  if (TYPE_ONLY.has(node.type)) {
    blanks.push([node.start as number, node.end as number]);
    return;
  }
  switch (node.type) {
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
      blanks.push([node.expression.end as number, node.end as number]);
      break;
    case 'TSNonNullExpression':
      blanks.push([(node.end as number) - 1, node.end as number]);
      break;
    case 'TSTypeAssertion':
      blanks.push([node.start as number, node.expression.start as number]);
      break;
    case 'Identifier':
      // `factor?: number`: the annotation is blanked as a child; the `?` follows the name.
      if (node.optional) blanks.push(questionMark(text, node.start as number, node.end as number));
      break;
    case 'VariableDeclarator':
      if (node.definite) blanks.push(exclamationMark(text, (node.id.start as number) + String(node.id.name).length));
      break;
    case 'PropertyDefinition':
    case 'MethodDefinition':
      if (node.declare || node.abstract || (node.type === 'MethodDefinition' && !node.value?.body)) {
        blanks.push([node.start as number, node.end as number]);
        return;
      }
      for (const decorator of (node.decorators ?? []) as AstNode[]) blanks.push([decorator.start as number, decorator.end as number]);
      blanks.push(...modifiers(text, node.start as number, node.key.start as number));
      if (node.kind === 'constructor') parameterProperties(node, text, blanks, inserts);
      break;
    case 'ClassDeclaration':
    case 'ClassExpression':
      for (const decorator of (node.decorators ?? []) as AstNode[]) blanks.push([decorator.start as number, decorator.end as number]);
      if (node.implements?.length) blanks.push([implementsStart(text, node), node.body.start as number]);
      break;
  }
  forEachChild(node, (child) => {
    if (child.type !== 'Decorator') collect(child, text, blanks, inserts);
  });
}

/**
 * Member modifiers (`private`, `readonly`, `override`, `public`) sit between the member's start
 * and its key; `static`, `async`, `get`, `set` and `*` are JavaScript and must stay.
 */
function modifiers(text: string, from: number, to: number): Array<[number, number]> {
  const blanks: Array<[number, number]> = [];
  const pattern = /\b(?:private|protected|public|readonly|override|accessor)\b/g;
  for (const match of text.slice(from, to).matchAll(pattern)) blanks.push([from + match.index!, from + match.index! + match[0].length]);
  return blanks;
}

function questionMark(text: string, from: number, to: number): [number, number] {
  const at = text.indexOf('?', from);
  return at !== -1 && at < to ? [at, at + 1] : [from, from];
}

function exclamationMark(text: string, from: number): [number, number] {
  const at = text.indexOf('!', from);
  return at !== -1 ? [at, at + 1] : [from, from];
}

function implementsStart(text: string, node: AstNode): number {
  const first = (node.implements as AstNode[])[0]!;
  return text.lastIndexOf('implements', first.start as number);
}
