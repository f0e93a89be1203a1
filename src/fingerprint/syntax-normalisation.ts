import { type AstNode, cloneNode, declaredNamesIn, isReferencePosition, mentionsAny, patternNames, rewriteTree, walkTree } from './ast.js';
import { foldNode, shadowedValueNames, valueOf } from './constant-folding.js';

/**
 * Undoes what minifiers do to statements, so code hashes the same through Vite's build without
 * minification (Rolldown still removes dead code and inlines, `minify: 'dce-only'`) and, as far
 * as it goes, through esbuild's `--minify-syntax`:
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
 *   nothing that runs before the use could see the difference (see `inlineSingleUse`).
 *
 * - `const` is `let` (esbuild writes `let`); `return a ? b : c` is `if (a) { return b; } return c;`
 *   (esbuild merges `if` and `return` chains), an `else` after a branch that returns, throws,
 *   breaks or continues is the code after the `if`, and `if ((a, b))` is `a; if (b)`;
 * - an arrow function whose body only returns a value is `() => value`.
 */
export function normaliseSyntax(root: AstNode): AstNode {
  const declared = declaredNamesIn(root);
  const numberShadowed = declared.has('Number');
  const shadowed = shadowedValueNames(declared);
  const changes = { inlinedConstants: 0 };
  // One bottom-up pass folds constants and normalises each node after its children, so a block
  // is spliced into its parent once it lost its declarations. A second pass, when a constant was
  // inlined, takes what folding it exposed (`if (true)`, `1 + 2`).
  for (let round = 0; round < 2; round++) {
    const before = changes.inlinedConstants;
    root = rewriteTree(root, (node, parent, key) => {
      const folded = foldNode(node, parent, key, shadowed) ?? node;
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
  out = inlineSingleUse(out, functionBody, changes);
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

/**
 * Inlines `const x = value;` (or a `let` never assigned) into the next statement when `x` is used
 * there once and nowhere else, as Rolldown and esbuild do, where the result cannot differ: a
 * constant value (literals and operators on them) anywhere in that statement's expression; a value
 * that only reads (names, `this`, properties) where nothing with side effects runs before the
 * use; any other value only there and not in a conditional part (`a && x`, `c ? x : y`). Property
 * reads count as free of side effects, as both minifiers assume. A use inside a function or a
 * loop, which runs at another time or more than once, is never inlined.
 */
function inlineSingleUse(statements: AstNode[], functionBody: boolean, changes: { inlinedConstants: number }): AstNode[] {
  for (let index = statements.length - 2; index >= 0; index--) {
    const declaration = statements[index]!;
    if (declaration.type !== 'VariableDeclaration' || (declaration.kind === 'var' && !functionBody) || declaration.declarations.length !== 1) continue;
    const declarator = declaration.declarations[0] as AstNode;
    if (declarator.id.type !== 'Identifier' || !declarator.init) continue;
    const name = declarator.id.name as string;
    // Most declarations are not used in the next statement: a cheap look first.
    if (!mentionsAny(statements[index + 1]!, new Set([name]))) continue;
    const kind = classify(declarator.init as AstNode);
    const target = findUse(statements[index + 1]!, name, kind);
    if (!target || uses(statements.slice(index + 1), name) !== 1) continue;
    target.parent[target.key] = declarator.init;
    // The statement may now be one that expands (`return t` became `return a ? b : c`).
    statements.splice(index, 2, ...expandStatement(statements[index + 1]!));
    if (kind === 'constant') changes.inlinedConstants++;
  }
  return statements;
}

/**
 * How often the statements read the binding `name` declared before them: not where a nested
 * function, block or catch clause declares its own `name`. An assignment counts as many.
 */
function uses(statements: AstNode[], name: string): number {
  let count = 0;
  const visit = (node: AstNode, parent: AstNode | undefined, key: string | undefined): void => {
    if (count > 1) return;
    if (node.type === 'Identifier') {
      if (node.name !== name || !isReferencePosition(parent, key)) return;
      const written = (parent?.type === 'AssignmentExpression' && key === 'left') || parent?.type === 'UpdateExpression';
      count += written ? 2 : 1;
      return;
    }
    if (redeclares(node, name)) return;
    for (const childKey of Object.keys(node)) {
      const value = node[childKey];
      if (Array.isArray(value)) {
        for (const item of value) if (item && typeof item === 'object' && typeof item.type === 'string') visit(item as AstNode, node, childKey);
      } else if (value && typeof value === 'object' && typeof value.type === 'string') {
        visit(value as AstNode, node, childKey);
      }
    }
  };
  for (const statement of statements) visit(statement, undefined, undefined);
  return count;
}

/** Whether `node` opens a scope of its own that declares `name` (so uses below it are another binding). */
function redeclares(node: AstNode, name: string): boolean {
  switch (node.type) {
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return (
        patternNames(node.id as AstNode | null).includes(name) ||
        (node.params as AstNode[]).some((param) => patternNames(param).includes(name)) ||
        declaredNamesIn(node.body as AstNode).has(name)
      );
    case 'BlockStatement':
    case 'StaticBlock':
      return (node.body as AstNode[]).some((statement) => declaresAtTop(statement, name));
    case 'CatchClause':
      return patternNames(node.param as AstNode | null).includes(name);
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement': {
      const head = (node.type === 'ForStatement' ? node.init : node.left) as AstNode | null;
      return head?.type === 'VariableDeclaration' && head.kind !== 'var' && (head.declarations as AstNode[]).some((d) => patternNames(d.id as AstNode).includes(name));
    }
    case 'ClassExpression':
    case 'ClassDeclaration':
      return node.id?.name === name;
    default:
      return false;
  }
}

function declaresAtTop(statement: AstNode, name: string): boolean {
  if (statement.type === 'VariableDeclaration' && statement.kind !== 'var') return (statement.declarations as AstNode[]).some((d) => patternNames(d.id as AstNode).includes(name));
  return (statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id?.name === name;
}

interface Use {
  parent: AstNode;
  key: string | number;
}

/**
 * Where `statement` reads `name`, if inlining there is safe: in its head expression, or in the
 * branches of an `if` (conditionally), statement by statement.
 */
function findUse(statement: AstNode, name: string, kind: ValueKind): Use | undefined {
  const state: InlineState = { effects: false, conditional: false, found: undefined, blocked: false };
  findInStatement(statement, name, kind, state);
  return state.blocked ? undefined : state.found;
}

interface InlineState {
  effects: boolean;
  conditional: boolean;
  found: Use | undefined;
  blocked: boolean;
}

function findInStatement(statement: AstNode, name: string, kind: ValueKind, state: InlineState): void {
  const visit = (parent: AstNode, key: string) => {
    if (!state.found && !state.blocked && parent[key]) visitInOrder(parent[key] as AstNode, parent, key, name, kind, state);
  };
  switch (statement.type) {
    case 'ExpressionStatement':
      return visit(statement, 'expression');
    case 'ReturnStatement':
    case 'ThrowStatement':
      return visit(statement, 'argument');
    case 'VariableDeclaration':
      for (const declarator of statement.declarations as AstNode[]) visit(declarator, 'init');
      return;
    case 'SwitchStatement':
      return visit(statement, 'discriminant');
    case 'ForOfStatement':
    case 'ForInStatement':
      return visit(statement, 'right');
    case 'IfStatement': {
      visit(statement, 'test');
      const { effects, conditional } = state;
      state.conditional = true;
      for (const branch of [statement.consequent, statement.alternate] as (AstNode | null)[]) {
        if (!branch || state.found || state.blocked) continue;
        state.effects = effects;
        findInStatement(branch, name, kind, state);
      }
      state.conditional = conditional;
      return;
    }
    case 'BlockStatement':
      // A block with its own `name` hides the one being inlined.
      if (redeclares(statement, name)) {
        state.blocked = true;
        return;
      }
      for (const inner of statement.body as AstNode[]) {
        if (state.found || state.blocked) return;
        findInStatement(inner, name, kind, state);
      }
      return;
    default:
      // A loop or another statement: a use there is never inlined, and it may have effects.
      walkTree(statement, (node) => {
        if (node.type === 'Identifier' && node.name === name) state.blocked = true;
      });
      state.effects = true;
  }
}

const EFFECTS = new Set(['CallExpression', 'NewExpression', 'AssignmentExpression', 'UpdateExpression', 'AwaitExpression', 'YieldExpression', 'TaggedTemplateExpression', 'ImportExpression']);
const SCOPES = new Set(['FunctionExpression', 'ArrowFunctionExpression', 'ClassExpression']);

function visitInOrder(
  node: AstNode,
  parent: AstNode,
  key: string | number,
  name: string,
  kind: ValueKind,
  state: InlineState,
): void {
  if (state.found || state.blocked) return;
  if (node.type === 'Identifier' && node.name === name && isReferencePosition(parent, String(key))) {
    if ((kind !== 'constant' && state.effects) || (kind === 'effects' && state.conditional)) state.blocked = true;
    else state.found = { parent, key };
    return;
  }
  if (SCOPES.has(node.type)) {
    // A use inside a function or class runs at another time: never inline there.
    walkTree(node, (child) => {
      if (child.type === 'Identifier' && child.name === name) state.blocked = true;
    });
    return;
  }
  if (node.type === 'UnaryExpression' && node.operator === 'delete') state.effects = true;
  const conditionalKeys = CONDITIONAL_CHILDREN[node.type];
  for (const childKey of Object.keys(node)) {
    const value = node[childKey];
    const wasConditional = state.conditional;
    if (conditionalKeys?.includes(childKey) || (node.type === 'MemberExpression' && node.optional) || (node.type === 'CallExpression' && node.optional)) state.conditional = true;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (item && typeof item === 'object' && typeof item.type === 'string') visitInOrder(item as AstNode, value as unknown as AstNode, index, name, kind, state);
      });
    } else if (value && typeof value === 'object' && typeof value.type === 'string') {
      visitInOrder(value as AstNode, node, childKey, name, kind, state);
    }
    state.conditional = wasConditional;
    if (state.found || state.blocked) return;
  }
  // The operation itself happens after its operands.
  if (EFFECTS.has(node.type)) state.effects = true;
}

const CONDITIONAL_CHILDREN: Record<string, string[]> = {
  LogicalExpression: ['right'],
  ConditionalExpression: ['consequent', 'alternate'],
};

type ValueKind = 'constant' | 'reads' | 'effects';

/** `constant`: literals and operators on them; `reads`: also names, `this` and property reads. */
function classify(node: AstNode): ValueKind {
  let kind: ValueKind = 'constant';
  walkTree(node, (child) => {
    if (EFFECTS.has(child.type) || (child.type === 'UnaryExpression' && child.operator === 'delete') || SCOPES.has(child.type)) kind = 'effects';
    else if (kind === 'constant' && (child.type === 'Identifier' || child.type === 'ThisExpression' || child.type === 'MemberExpression' || child.type === 'Super')) kind = 'reads';
  });
  return kind;
}

function expressionStatement(expression: AstNode): AstNode {
  return { type: 'ExpressionStatement', expression };
}

function block(body: AstNode[]): AstNode {
  return { type: 'BlockStatement', body };
}

function negate(test: AstNode): AstNode {
  if (test.type === 'UnaryExpression' && test.operator === '!' && test.argument.type === 'UnaryExpression' && test.argument.operator === '!') return test.argument;
  return { type: 'UnaryExpression', operator: '!', prefix: true, argument: test };
}


