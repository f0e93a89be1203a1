import { type AstNode, identifier, thisAssignment, walkTree } from './ast.js';

/**
 * Moves instance field initialisers into the constructor, after `super(…)`, and normalises the
 * constructor's opening assignments (see `undoClassLowering`).
 */
export function moveFieldsIntoConstructor(cls: AstNode): void {
  const members = cls.body.body as AstNode[];
  const fieldStatements: AstNode[] = [];
  const kept: AstNode[] = [];
  for (const member of members) {
    if (member.type === 'PropertyDefinition' && !member.static) {
      // `x;` declares what a parameter property or a later assignment sets; `#x;` starts undefined.
      if (member.value) fieldStatements.push(thisAssignment(member.key as AstNode, member.value as AstNode, member.computed === true));
    } else {
      kept.push(member);
    }
  }
  let constructor = kept.find((member) => member.type === 'MethodDefinition' && member.kind === 'constructor');
  if (!constructor && fieldStatements.length === 0) {
    cls.body.body = kept;
    return;
  }
  const derived = cls.superClass !== null && cls.superClass !== undefined;
  if (!constructor) {
    constructor = {
      type: 'MethodDefinition',
      kind: 'constructor',
      static: false,
      computed: false,
      key: identifier('constructor'),
      value: { type: 'FunctionExpression', id: null, params: [], body: { type: 'BlockStatement', body: derived ? [superCallWithArguments()] : [] } },
    };
    kept.unshift(constructor);
  }
  const fn = constructor.value as AstNode;
  normaliseDefaultConstructor(fn);
  const body = fn.body.body as AstNode[];
  const superIndex = derived ? body.findIndex(isSuperCallStatement) : -1;
  const head = body.slice(0, superIndex + 1);
  const rest = body.slice(superIndex + 1);
  let prologueEnd = 0;
  while (prologueEnd < rest.length && isInitialiserStatement(rest[prologueEnd]!)) prologueEnd++;
  const prologue = orderPrologue(withoutSupersededDefaults([...fieldStatements, ...rest.slice(0, prologueEnd)]), parameterNames(fn));
  fn.body.body = [...head, ...prologue, ...rest.slice(prologueEnd)];
  if (isEmptyConstructor(fn, derived)) kept.splice(kept.indexOf(constructor), 1);
  cls.body.body = kept;
}

function superCallWithArguments(): AstNode {
  return {
    type: 'ExpressionStatement',
    expression: { type: 'CallExpression', callee: { type: 'Super' }, arguments: [{ type: 'SpreadElement', argument: identifier('arguments') }], optional: false },
  };
}

function isSuperCallStatement(statement: AstNode): boolean {
  return statement.type === 'ExpressionStatement' && statement.expression.type === 'CallExpression' && statement.expression.callee.type === 'Super';
}

/** esbuild's `constructor(...args) { super(...args); … }` is tsc's `constructor() { super(...arguments); … }`. */
function normaliseDefaultConstructor(fn: AstNode): void {
  const params = fn.params as AstNode[];
  const first = (fn.body.body as AstNode[])[0];
  if (params.length !== 1 || params[0]!.type !== 'RestElement' || params[0]!.argument.type !== 'Identifier' || !first || !isSuperCallStatement(first)) return;
  const rest = params[0]!.argument.name as string;
  const args = first.expression.arguments as AstNode[];
  if (args.length !== 1 || args[0]!.type !== 'SpreadElement' || args[0]!.argument.type !== 'Identifier' || args[0]!.argument.name !== rest) return;
  let uses = 0;
  walkTree(fn.body as AstNode, (node) => {
    if (node.type === 'Identifier' && node.name === rest) uses++;
  });
  if (uses !== 1) return;
  fn.params = [];
  (fn.body.body as AstNode[])[0] = superCallWithArguments();
}

function isEmptyConstructor(fn: AstNode, derived: boolean): boolean {
  const body = fn.body.body as AstNode[];
  if ((fn.params as AstNode[]).length > 0) return false;
  if (!derived) return body.length === 0;
  const args = body[0]?.expression?.arguments as AstNode[] | undefined;
  return (
    body.length === 1 &&
    isSuperCallStatement(body[0]!) &&
    args?.length === 1 &&
    args[0]!.type === 'SpreadElement' &&
    args[0]!.argument.type === 'Identifier' &&
    args[0]!.argument.name === 'arguments'
  );
}

/** `this.name = value;` or `this.#name = value;`. */
function isInitialiserStatement(statement: AstNode): boolean {
  if (statement.type !== 'ExpressionStatement') return false;
  const expression = statement.expression as AstNode;
  return (
    expression.type === 'AssignmentExpression' &&
    expression.operator === '=' &&
    expression.left.type === 'MemberExpression' &&
    expression.left.object.type === 'ThisExpression'
  );
}

function parameterNames(fn: AstNode): Set<string> {
  const names = new Set<string>();
  for (const param of fn.params as AstNode[]) {
    const target = param.type === 'AssignmentPattern' ? (param.left as AstNode) : param;
    if (target.type === 'Identifier') names.add(target.name as string);
  }
  return names;
}

/**
 * Parameter-property assignments (`this.width = width`) first, in their order; the others keep
 * theirs. tsc (ES2020, legacy decorators) writes parameter properties before field initialisers,
 * native class fields run before the constructor's body. An assignment moves only past
 * initialisers that cannot see the difference: none reads `this` or the parameter.
 */
function orderPrologue(statements: AstNode[], params: ReadonlySet<string>): AstNode[] {
  const ordered = [...statements];
  for (let index = 1; index < ordered.length; index++) {
    const statement = ordered[index]!;
    const name = parameterPropertyName(statement, params);
    if (name === undefined) continue;
    const parameter = statement.expression.right.name as string;
    let target = index;
    while (
      target > 0 &&
      parameterPropertyName(ordered[target - 1]!, params) === undefined &&
      !seesThisOr(ordered[target - 1]!.expression.right as AstNode, name) &&
      !seesThisOr(ordered[target - 1]!.expression.right as AstNode, parameter)
    ) {
      target--;
    }
    if (target !== index) {
      ordered.splice(index, 1);
      ordered.splice(target, 0, statement);
    }
  }
  return ordered;
}

/**
 * `this.width = width` where `width` is a constructor parameter: a parameter property (also with
 * the parameter renamed, as a minifier does, or a hand-written one). Returns the property name.
 */
function parameterPropertyName(statement: AstNode, params: ReadonlySet<string>): string | undefined {
  const expression = statement.expression as AstNode;
  const property = expression.left.property as AstNode;
  if (expression.left.computed || property.type !== 'Identifier' || expression.right.type !== 'Identifier') return undefined;
  return params.has(expression.right.name as string) ? (property.name as string) : undefined;
}

/**
 * Whether an initialiser could see whether `this.name` is set yet: it reads `this.name`, uses
 * `this` other than to read a named property, calls a method, or uses `super` or the parameter.
 */
function seesThisOr(node: AstNode, name: string): boolean {
  let sees = false;
  walkTree(node, (child, parent, key) => {
    if (child.type === 'Super' || (child.type === 'Identifier' && child.name === name)) sees = true;
    if (child.type !== 'ThisExpression') return;
    const readsOtherProperty =
      parent?.type === 'MemberExpression' && key === 'object' && !parent.computed && parent.property.name !== name;
    if (!readsOtherProperty) sees = true;
  });
  walkTree(node, (child) => {
    if (child.type === 'CallExpression' && child.callee.type === 'MemberExpression' && child.callee.object.type === 'ThisExpression') sees = true;
  });
  return sees;
}

/**
 * `this.#p = undefined` before anything else in the prologue set `#p`: a private field starts as
 * undefined anyway, and it is written in several ways (`#p;` in the class, tsc's
 * `_X_p.set(this, void 0)`, esbuild's `__privateAdd(this, _p)`, or not at all when the compiler
 * declares the field in the class and assigns it in the constructor).
 */
function withoutSupersededDefaults(statements: AstNode[]): AstNode[] {
  const assigned = new Set<string>();
  return statements.filter((statement) => {
    const { left, right } = statement.expression as AstNode;
    if (left.property.type !== 'PrivateIdentifier') return true;
    const name = left.property.name as string;
    if (isUndefined(right as AstNode) && !assigned.has(name)) return false;
    assigned.add(name);
    return true;
  });
}

function isUndefined(node: AstNode): boolean {
  if (node.type === 'Literal') return node.value === undefined && !node.regex;
  if (node.type === 'Identifier') return node.name === 'undefined';
  return node.type === 'UnaryExpression' && node.operator === 'void' && node.argument.type === 'Literal';
}

