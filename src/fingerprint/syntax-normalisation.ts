import { type AstNode, cloneNode, declaredNamesIn, rewriteTree, walkTree } from './ast.js';
import { type NodeRewrite, foldNode, shadowedValueNames, valueOf } from './constant-folding.js';
import { inlineSingleUse } from './single-use-inlining.js';

/**
 * Undoes what minifiers do to statements, so code hashes the same through Vite's build without
 * minification (Rolldown still removes dead code and inlines, `minify: 'dce-only'`) and, as far
 * as it goes, through esbuild's `--minify-syntax`. Constants are folded in the same pass (see
 * `foldNode`), since inlining and dead-code removal feed each other, after `substitute` (values
 * read into the code, see `usesSubstitution`). `declared`: the names the code declares
 * (`declaredNamesIn`), if known already.
 *
 * - a sequence as a statement is one statement per expression (`a(), b();`), and `return a, b`
 *   is `a; return b;`; `void x` whose value is unused is `x`;
 * - `let a = 1, b = 2;` is two declarations; `for (; x;)` is `while (x)`;
 * - an expression statement `a && b()` is `if (a) { b(); }`, `a || b()` is `if (!a) { b(); }`,
 *   `a ? b() : c()` is an `if … else`;
 * - dead code goes: an `if` on a literal keeps the branch taken, statements after `return`,
 *   `throw`, `break` or `continue` go (functions and `var`s, which are hoisted, stay), a nested
 *   block without declarations of its own is spliced into its parent, and so is the single block
 *   of a `case`; a last `default: break;` goes;
 * - `{ ...{ a: 1 } }` is `{ a: 1 }`; `Number.NaN` and the infinities are their values;
 * - a `const` (or `let` never assigned) used once, in the next statement, is inlined there when
 *   nothing that runs before the use could see the difference (see `inlineSingleUse`);
 * - `const` is `let` (esbuild writes `let`); `return a ? b : c` is `if (a) { return b; } return c;`
 *   (esbuild merges `if` and `return` chains), an `else` after a branch that returns, throws,
 *   breaks or continues is the code after the `if`, and `if ((a, b))` is `a; if (b)`;
 * - an arrow function whose body only returns a value is `() => value`.
 */
export function normaliseSyntax(root: AstNode, options: { declared?: ReadonlySet<string>; substitute?: NodeRewrite | undefined } = {}): AstNode {
  const declared = options.declared ?? declaredNamesIn(root);
  const substitute = options.substitute;
  const numberShadowed = declared.has('Number');
  const shadowed = shadowedValueNames(declared);
  const changes = { inlinedConstants: 0 };
  // One bottom-up pass folds constants and normalises each node after its children, so a block
  // is spliced into its parent once it lost its declarations. A second pass, when a constant was
  // inlined, takes what folding it exposed (`if (true)`, `1 + 2`).
  for (let round = 0; round < 2; round++) {
    const before = changes.inlinedConstants;
    root = rewriteTree(root, (node, parent, key) => {
      const substituted = round === 0 && substitute ? substitute(node, parent, key) : node;
      const folded = foldNode(substituted, parent, key, shadowed) ?? substituted;
      const normalised = normaliseNode(folded, parent, key, numberShadowed);
      if (normalised.type === 'BlockStatement' || normalised.type === 'StaticBlock') {
        normalised.body = normaliseStatements(normalised.body as AstNode[], FUNCTIONS.has(parent?.type ?? ''), changes);
      } else if (normalised.type === 'SwitchCase') {
        normalised.consequent = normaliseStatements(normalised.consequent as AstNode[], false, changes);
      } else if (normalised.type === 'ArrowFunctionExpression') {
        concise(normalised);
      }
      return normalised;
    });
    if (changes.inlinedConstants === before) break;
  }
  return root;
}

const NUMBER_CONSTANTS: Record<string, number> = { NaN: NaN, POSITIVE_INFINITY: Infinity, NEGATIVE_INFINITY: -Infinity };

function normaliseNode(node: AstNode, parent: AstNode | undefined, key: string | undefined, numberShadowed: boolean): AstNode {
  switch (node.type) {
    case 'MemberExpression': {
      const name = !node.computed && node.object.type === 'Identifier' && node.object.name === 'Number' ? (node.property.name as string) : undefined;
      if (!numberShadowed && name !== undefined && name in NUMBER_CONSTANTS && !(parent?.type === 'AssignmentExpression' && key === 'left')) {
        return { type: 'Literal', value: NUMBER_CONSTANTS[name] };
      }
      return node;
    }
    case 'ObjectExpression':
      node.properties = (node.properties as AstNode[]).flatMap((property) =>
        property.type === 'SpreadElement' && property.argument.type === 'ObjectExpression' && isPlainLiteral(property.argument as AstNode)
          ? (property.argument.properties as AstNode[])
          : [property],
      );
      return node;
    case 'SequenceExpression':
      node.expressions = (node.expressions as AstNode[]).map((expression, index, all) =>
        index < all.length - 1 && expression.type === 'UnaryExpression' && expression.operator === 'void' ? (expression.argument as AstNode) : expression,
      );
      return node;
    case 'ForStatement':
      if (node.init === null && node.update === null && node.test !== null) return { type: 'WhileStatement', test: node.test, body: node.body };
      return node;
    case 'AssignmentExpression':
      return expandLogicalAssignment(node);
    case 'VariableDeclaration':
      // esbuild's `--minify-syntax` writes every `const` as `let`; they differ only in whether assigning throws.
      if (node.kind === 'const') node.kind = 'let';
      return node;
    default:
      return node;
  }
}

/** `() => { return x; }` is `() => x`, as minifiers write it. */
function concise(arrow: AstNode): void {
  const body = arrow.body as AstNode;
  const only = body.type === 'BlockStatement' && body.body.length === 1 ? (body.body[0] as AstNode) : undefined;
  if (only?.type === 'ReturnStatement' && only.argument) {
    arrow.body = only.argument;
    arrow.expression = true;
  }
}

/**
 * `a ??= b` is `a ?? (a = b)`, which is how target ES2020 lowers it: the same when reading the
 * target twice reads the same thing (a name, or a property of `this` or of a name).
 */
function expandLogicalAssignment(node: AstNode): AstNode {
  const operator = node.operator as string;
  if (operator !== '??=' && operator !== '||=' && operator !== '&&=') return node;
  const left = node.left as AstNode;
  const simple =
    left.type === 'Identifier' ||
    (left.type === 'MemberExpression' &&
      !left.optional &&
      (left.object.type === 'ThisExpression' || left.object.type === 'Identifier') &&
      (!left.computed || left.property.type === 'Literal'));
  if (!simple) return node;
  return {
    type: 'LogicalExpression',
    operator: operator.slice(0, -1),
    left: cloneNode(left),
    right: { type: 'AssignmentExpression', operator: '=', left, right: node.right },
  };
}

/** Properties a spread copies exactly: `key: value`, not getters, methods or `__proto__`. */
function isPlainLiteral(object: AstNode): boolean {
  return (object.properties as AstNode[]).every(
    (property) =>
      property.type === 'Property' &&
      property.kind === 'init' &&
      !property.method &&
      (property.computed || (property.key.type === 'Identifier' ? property.key.name : property.key.value) !== '__proto__'),
  );
}

const FUNCTIONS = new Set(['FunctionExpression', 'FunctionDeclaration', 'ArrowFunctionExpression']);

/** `functionBody`: the list is a function's body, where every use of its `var`s is. */
function normaliseStatements(statements: AstNode[], functionBody: boolean, changes: { inlinedConstants: number }): AstNode[] {
  let out: AstNode[] = [];
  for (const statement of statements) out.push(...expandStatement(statement));
  out = removeUnreachable(out);
  out = inlineSingleUse(out, functionBody, changes, expandStatement);
  // `return;` or `return undefined;` last in a function is its end (expanding `return a ? b : undefined` leaves one).
  const last = out.at(-1);
  if (functionBody && last?.type === 'ReturnStatement' && (last.argument === null || (last.argument.type === 'Literal' && last.argument.value === undefined && !last.argument.regex))) out.pop();
  return out;
}

/** One statement as the statements it stands for. */
function expandStatement(statement: AstNode): AstNode[] {
  switch (statement.type) {
    case 'ExpressionStatement': {
      const expression = statement.expression as AstNode;
      if (expression.type === 'SequenceExpression') return (expression.expressions as AstNode[]).flatMap((e) => expandStatement(expressionStatement(e)));
      if (expression.type === 'UnaryExpression' && expression.operator === 'void') return expandStatement(expressionStatement(expression.argument as AstNode));
      if (expression.type === 'LogicalExpression' && expression.operator !== '??') {
        const test = expression.operator === '&&' ? (expression.left as AstNode) : negate(expression.left as AstNode);
        return expandStatement({ type: 'IfStatement', test, consequent: block([expressionStatement(expression.right as AstNode)]), alternate: null });
      }
      if (expression.type === 'ConditionalExpression') {
        return expandStatement({
          type: 'IfStatement',
          test: expression.test,
          consequent: block([expressionStatement(expression.consequent as AstNode)]),
          alternate: block([expressionStatement(expression.alternate as AstNode)]),
        });
      }
      return [statement];
    }
    case 'ReturnStatement':
    case 'ThrowStatement': {
      const argument = statement.argument as AstNode | null;
      if (argument?.type === 'SequenceExpression') {
        const expressions = argument.expressions as AstNode[];
        return [...expressions.slice(0, -1).flatMap((e) => expandStatement(expressionStatement(e))), ...expandStatement({ ...statement, argument: expressions.at(-1) })];
      }
      // `return a ? b : c` is `if (a) { return b; } return c;` (esbuild merges the second into the first).
      if (statement.type === 'ReturnStatement' && argument?.type === 'ConditionalExpression') {
        return [
          ...expandStatement({ type: 'IfStatement', test: argument.test, consequent: block([{ ...statement, argument: argument.consequent }]), alternate: null }),
          ...expandStatement({ ...statement, argument: argument.alternate }),
        ];
      }
      return [statement];
    }
    case 'VariableDeclaration':
      return (statement.declarations as AstNode[]).map((declarator) => ({ ...statement, declarations: [declarator] }));
    case 'IfStatement': {
      if (statement.test.type === 'SequenceExpression') {
        const expressions = statement.test.expressions as AstNode[];
        return [...expressions.slice(0, -1).flatMap((e) => expandStatement(expressionStatement(e))), ...expandStatement({ ...statement, test: expressions.at(-1) })];
      }
      const test = valueOf(statement.test as AstNode);
      if (!test) return withoutElseAfterExit(statement);
      const taken = (test.value ? statement.consequent : statement.alternate) as AstNode | null;
      const dropped = (test.value ? statement.alternate : statement.consequent) as AstNode | null;
      if (dropped && hoists(dropped)) return [statement];
      return taken ? expandStatement(taken) : [];
    }
    case 'BlockStatement':
      return declaresLexically(statement.body as AstNode[]) ? [statement] : (statement.body as AstNode[]).flatMap(expandStatement);
    case 'SwitchStatement': {
      const cases = statement.cases as AstNode[];
      for (const switchCase of cases) {
        const only = switchCase.consequent.length === 1 ? (switchCase.consequent[0] as AstNode) : undefined;
        if (only?.type === 'BlockStatement' && !declaresLexically(only.body as AstNode[])) switchCase.consequent = only.body;
      }
      const last = cases.at(-1);
      const breaksOnly = last?.consequent.length === 0 || (last?.consequent.length === 1 && last.consequent[0].type === 'BreakStatement' && !last.consequent[0].label);
      if (last && last.test === null && breaksOnly) statement.cases = cases.slice(0, -1);
      return [statement];
    }
    case 'EmptyStatement':
      return [];
    default:
      return [statement];
  }
}

/** `if (a) { …; return x; } else { y(); }` is `if (a) { …; return x; } y();`: the else cannot follow an exit. */
function withoutElseAfterExit(statement: AstNode): AstNode[] {
  const alternate = statement.alternate as AstNode | null;
  if (!alternate || !exits(statement.consequent as AstNode)) return [statement];
  return [{ ...statement, alternate: null }, ...expandStatement(alternate)];
}

function exits(statement: AstNode): boolean {
  const last = statement.type === 'BlockStatement' ? (statement.body as AstNode[]).at(-1) : statement;
  return last !== undefined && EXITS.has(last.type);
}

const EXITS = new Set(['ReturnStatement', 'ThrowStatement', 'BreakStatement', 'ContinueStatement']);

function removeUnreachable(statements: AstNode[]): AstNode[] {
  const end = statements.findIndex((s) => EXITS.has(s.type));
  if (end === -1 || end === statements.length - 1) return statements;
  const after = statements.slice(end + 1);
  if (after.some(hoists)) return statements;
  return statements.slice(0, end + 1);
}

/** Whether a statement declares something hoisted out of it: a function or a `var`. */
function hoists(statement: AstNode): boolean {
  let found = false;
  walkTree(statement, (node) => {
    if (node.type === 'FunctionDeclaration' || (node.type === 'VariableDeclaration' && node.kind === 'var')) found = true;
  });
  return found;
}

function declaresLexically(statements: AstNode[]): boolean {
  return statements.some(
    (s) => (s.type === 'VariableDeclaration' && s.kind !== 'var') || s.type === 'ClassDeclaration' || s.type === 'FunctionDeclaration',
  );
}

function expressionStatement(expression: AstNode): AstNode {
  return { type: 'ExpressionStatement', expression };
}

function block(body: AstNode[]): AstNode {
  return { type: 'BlockStatement', body };
}

/** The negation of an `if` test, where only truthiness counts: `!a` negated is `a`. */
function negate(test: AstNode): AstNode {
  if (test.type === 'UnaryExpression' && test.operator === '!') return test.argument as AstNode;
  return { type: 'UnaryExpression', operator: '!', prefix: true, argument: test };
}


