import { type AstNode, declaredNamesIn, isReferencePosition, mentionsAny, patternNames, walkTree } from './ast.js';

/**
 * Inlines `const x = value;` (or a `let` never assigned) into the next statement when `x` is used
 * there once and nowhere else, as Rolldown and esbuild do, where the result cannot differ: a
 * constant value (literals and operators on them) anywhere in that statement's expression; a value
 * that only reads (names, `this`, properties) where nothing with side effects runs before the
 * use; any other value only there and not in a conditional part (`a && x`, `c ? x : y`). Property
 * reads count as free of side effects, as both minifiers assume. A use inside a function or a
 * loop, which runs at another time or more than once, is never inlined.
 *
 * `functionBody`: the list is a function's body, where every use of its `var`s is. `expand`
 * re-normalises the statement a value went into; `changes` counts inlined constants, after which
 * folding may find more to do.
 */
export function inlineSingleUse(
  statements: AstNode[],
  functionBody: boolean,
  changes: { inlinedConstants: number },
  expand: (statement: AstNode) => AstNode[],
): AstNode[] {
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
    // Counted in the whole list: a closure (or a hoisted `var` read) before the declaration reads it too.
    if (!target || uses([...statements.slice(0, index), ...statements.slice(index + 1)], name) !== 1) continue;
    target.parent[target.key] = declarator.init;
    // The statement may now be one that expands (`return t` became `return a ? b : c`).
    statements.splice(index, 2, ...expand(statements[index + 1]!));
    if (kind === 'constant') changes.inlinedConstants++;
  }
  return statements;
}

/**
 * How often the statements read the binding `name` declared among them: not where a nested
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

