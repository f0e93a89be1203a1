import type { AstNode } from './ast.js';

const statements = new WeakMap<AstNode, AstNode[]>();

/**
 * The statements a module runs at its top level: its own and, in an esbuild bundle, those of each
 * module it loads lazily. esbuild wraps a module that is also imported with `import()` in an
 * initialiser (`var init_x = __esm({ "src/x.ts"() { … } })`): its constants become `var X;` at the
 * top, assigned in the initialiser, where its other top-level statements go too.
 * @example moduleLevelStatements(parsed.program).filter((s) => s.type === 'ExpressionStatement');
 */
export function moduleLevelStatements(program: AstNode): AstNode[] {
  let found = statements.get(program);
  if (!found) {
    found = [];
    for (const statement of program.body as AstNode[]) {
      found.push(statement);
      for (const body of lazyInitBodies(statement)) found.push(...body);
    }
    statements.set(program, found);
  }
  return found;
}

/** The bodies of `var init_x = __esm({ "path"() { … } })`'s initialisers. */
function lazyInitBodies(statement: AstNode): AstNode[][] {
  if (statement.type !== 'VariableDeclaration') return [];
  const bodies: AstNode[][] = [];
  for (const declarator of statement.declarations as AstNode[]) {
    const init = declarator.init as AstNode | null;
    if (init?.type !== 'CallExpression' || init.callee.type !== 'Identifier' || !/^__esm\d*$/.test(init.callee.name as string)) continue;
    const wrapped = (init.arguments as AstNode[])[0];
    if (wrapped?.type !== 'ObjectExpression') continue;
    for (const property of wrapped.properties as AstNode[]) {
      const value = property.value as AstNode | undefined;
      if ((value?.type === 'FunctionExpression' || value?.type === 'ArrowFunctionExpression') && value.body.type === 'BlockStatement') bodies.push(value.body.body as AstNode[]);
    }
  }
  return bodies;
}

/**
 * In a bundle, the value a top-level `var X;` without one gets from its lazy initialiser's single
 * `X = value` (see {@link moduleLevelStatements}); undefined when it gets none or several.
 */
export function lazilyAssignedValue(program: AstNode, name: string): AstNode | undefined {
  const assigned = moduleLevelStatements(program).flatMap((statement) => {
    const expression = statement.type === 'ExpressionStatement' ? (statement.expression as AstNode) : undefined;
    return expression?.type === 'AssignmentExpression' && expression.operator === '=' && expression.left.type === 'Identifier' && expression.left.name === name ? [expression.right as AstNode] : [];
  });
  return assigned.length === 1 ? assigned[0] : undefined;
}
