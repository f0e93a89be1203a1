import { FingerprintError } from '../errors.js';
import { type AstNode, cloneNode, identifier, isCallOf, isReferencePosition, rewriteTree, thisAssignment, undefinedValue, walkTree } from './ast.js';

/**
 * Undoes how compilers lower class features, so a class hashes the same whatever its target and
 * decorator mode:
 *
 * - the names a compiler gives the class inside itself (`X_1` and `_a` of tsc's legacy
 *   decorators, `_X` of esbuild and Rolldown, `_classThis`, a `static { alias = this; }` block)
 *   are the class itself;
 * - private fields lowered to WeakMaps and helpers (tsc's `__classPrivateFieldGet(this, _X_p,
 *   "f")`, esbuild's `__privateGet(this, _p)`, `__privateAdd`, `__privateWrapper`, `__privateIn`)
 *   are `this.#p` again;
 * - the static part of the class is not read from its text: target ES2020, legacy decorators and
 *   `useDefineForClassFields: false` move static field initialisers and static blocks out of it
 *   (`X.THRESHOLD = 5` after the class). Static fields and blocks are removed here, and the class's
 *   own static values are hashed from the live class instead (see `staticValues`);
 * - instance field initialisers are statements at the start of the constructor, where
 *   `useDefineForClassFields: false` and legacy decorators put them (`this.a = 1`,
 *   `__publicField(this, "a", 1)`); a parameter property's assignment comes first, as tsc writes
 *   it, when moving it there changes nothing the initialisers could see;
 * - the machinery of TC39 member decorators (`__runInitializers`) is removed: decorators are
 *   applied outside the class text in every toolchain, so they are not part of it.
 *
 * Private methods and accessors lowered out of the class (their code is a function outside it,
 * which no fingerprint can read) are a `FingerprintError` naming the method.
 */
export function undoClassLowering(root: AstNode, options: { selfNames: ReadonlySet<string>; label: string }): LoweringResult {
  const selfNames = new Set(options.selfNames);
  const selfName = [...options.selfNames][0] ?? '$self';
  collectStaticAliases(root, selfNames);
  const privateNames = new PrivateNames(selfNames);
  root = rewriteTree(root, (node, parent, key) => {
    const undone = undoExpression(node, parent, key, selfNames, selfName, privateNames, options.label);
    if (undone && FUNCTIONS.has(undone.type)) removeUnusedTemporaries(undone);
    return undone;
  });
  const privateState = new Set<string>();
  if (root.type === 'ClassExpression') removeStaticMembers(root, privateState);
  const privateMethods = new Set<string>();
  const privateUsed = new Set<string>();
  walkTree(root, (node) => {
    if (node.type === 'ClassExpression' || node.type === 'ClassDeclaration') moveFieldsIntoConstructor(node);
    else if (node.type === 'MethodDefinition' && node.key.type === 'PrivateIdentifier') privateMethods.add(node.key.name as string);
    else if (node.type === 'PrivateIdentifier') privateUsed.add(node.name as string);
  });
  // Private fields declared or used (`this.#count`, `#count in x`); methods are code, hashed.
  for (const name of privateUsed) if (!privateMethods.has(name)) privateState.add(`#${name}`);
  return { root, privateState: [...privateState].sort() };
}

export interface LoweringResult {
  root: AstNode;
  /** Private fields (`#count`) the class holds or uses: state no fingerprint can read. */
  privateState: string[];
}

const SELF_ALIAS_SUFFIX = /_\d+$/;

/** `static { X_1 = this; }` (tsc legacy decorators), `static { _X = this; }` (Rolldown): aliases of the class. */
function collectStaticAliases(root: AstNode, selfNames: Set<string>): void {
  if (root.type !== 'ClassExpression') return;
  for (const member of root.body.body as AstNode[]) {
    if (member.type !== 'StaticBlock') continue;
    for (const statement of member.body as AstNode[]) {
      const expression = statement.type === 'ExpressionStatement' ? (statement.expression as AstNode) : undefined;
      if (expression?.type === 'AssignmentExpression' && expression.right.type === 'ThisExpression' && expression.left.type === 'Identifier') {
        selfNames.add(expression.left.name as string);
      }
    }
  }
  selfNames.add('_classThis');
}

function isSelfAlias(name: string, selfNames: ReadonlySet<string>): boolean {
  if (selfNames.has(name)) return true;
  // tsc's legacy decorators write `X_1`, Rolldown and esbuild `_X`.
  const base = name.replace(SELF_ALIAS_SUFFIX, '');
  if (base !== name && selfNames.has(base)) return true;
  return name.startsWith('_') && selfNames.has(name.slice(1));
}

/** Tells private names from the WeakMap variables compilers lower them to. */
class PrivateNames {
  constructor(private readonly selfNames: ReadonlySet<string>) {}

  /** tsc: `_Sample_count` (or the descriptor `_Sample_count` of a static field); esbuild: `_count`. */
  fromVariable(node: AstNode): string | undefined {
    if (node.type !== 'Identifier') return undefined;
    const name = node.name as string;
    for (const self of this.selfNames) {
      const prefix = `_${self}_`;
      if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length);
    }
    return name.startsWith('_') && name.length > 1 ? name.slice(1).replace(/\d+$/, '') : undefined;
  }

  /** Only tsc's spelling (`_Sample_count`), where a user's own `_cache.set(this, v)` could be meant. */
  fromCompilerVariable(node: AstNode): string | undefined {
    const name = node.name as string;
    for (const self of this.selfNames) {
      const prefix = `_${self}_`;
      if (name.startsWith(prefix) && name.length > prefix.length) return name.slice(prefix.length);
    }
    return undefined;
  }

  /** tsc: `_Sample_double` (a method's function); esbuild: `double_fn`, `value_get`. */
  methodFromVariable(node: AstNode): string {
    const name = node.type === 'Identifier' ? (node.name as string) : '?';
    return this.fromVariable(node) ?? name.replace(/_(fn|get|set)\d*$/, '');
  }
}

function privateMember(object: AstNode, name: string): AstNode {
  return { type: 'MemberExpression', object, property: { type: 'PrivateIdentifier', name }, computed: false, optional: false };
}

function loweredMethod(label: string, name: string, kind: string): never {
  throw new FingerprintError(
    `Cannot fingerprint ${label}: its private ${kind} #${name} was compiled into a function outside the class ` +
      '(legacy decorators or a target below ES2022 lower private methods), where no fingerprint can read its code, ' +
      `so an edit of #${name} would not change the hash. Make it a TypeScript \`private ${name}()\` method, or compile ` +
      'with TC39 decorators and target ES2022 or later.',
  );
}

function undoExpression(
  node: AstNode,
  parent: AstNode | undefined,
  key: string | undefined,
  selfNames: ReadonlySet<string>,
  selfName: string,
  privateNames: PrivateNames,
  label: string,
): AstNode | null {
  switch (node.type) {
    case 'Identifier':
      if (node.name !== selfName && isReferencePosition(parent, key) && isSelfAlias(node.name as string, selfNames)) return identifier(selfName);
      return node;
    case 'CallExpression':
      return undoCall(node, parent, privateNames, label);
    case 'MemberExpression':
      // esbuild's `__privateWrapper(this, _p)._++` for `this.#p++` and destructuring targets.
      if (!node.computed && node.property.type === 'Identifier' && node.property.name === '_' && isCallOf(node.object as AstNode, '__privateWrapper')) {
        const [object, state] = node.object.arguments as AstNode[];
        const name = state && privateNames.fromVariable(state);
        if (object && name) return privateMember(object, name);
      }
      return node;
    case 'ExpressionStatement':
      return isDecoratorInitializerRun(node.expression as AstNode) || node.expression.lowered === 'brand' ? null : node;
    case 'SequenceExpression': {
      // In a statement the last value is unused too.
      const statement = parent?.type === 'ExpressionStatement';
      const kept = (node.expressions as AstNode[]).filter((expression, index, all) => (index === all.length - 1 && !statement) || !isDecoratorInitializerRun(expression));
      if (kept.length === 0) return { type: 'Literal', value: null, lowered: 'brand' };
      return kept.length === 1 ? kept[0]! : { ...node, expressions: kept };
    }
    case 'AssignmentExpression':
      return expandPrivateCompoundAssignment(node);
    default:
      return node;
  }
}

/**
 * `this.#p += 2` is `this.#p = this.#p + 2`, which is what esbuild and tsc lower it to: a private
 * field has no getter to call twice, and `this` (or a name) reads the same both times.
 */
function expandPrivateCompoundAssignment(node: AstNode): AstNode {
  const left = node.left as AstNode;
  const operator = node.operator as string;
  if (operator === '=' || /^(\?\?|\|\||&&)=$/.test(operator) || left.type !== 'MemberExpression' || left.property.type !== 'PrivateIdentifier') return node;
  if (left.object.type !== 'ThisExpression' && left.object.type !== 'Identifier') return node;
  return { ...node, operator: '=', right: { type: 'BinaryExpression', operator: operator.slice(0, -1), left: cloneNode(left), right: node.right } };
}

/** `__runInitializers(this, _x_extraInitializers)` (tsc) or `__runInitializers(_init, 5, this)` (esbuild), without a value. */
function isDecoratorInitializerRun(node: AstNode): boolean {
  if (!isCallOf(node, '__runInitializers')) return false;
  const args = node.arguments as AstNode[];
  return args[1]?.type === 'Literal' ? args.length === 3 : args.length === 2;
}

function undoCall(node: AstNode, parent: AstNode | undefined, privateNames: PrivateNames, label: string): AstNode {
  if (node.callee.type === 'MemberExpression') return undoWeakMapCall(node, privateNames);
  if (node.callee.type !== 'Identifier') return node;
  const args = node.arguments as AstNode[];
  switch (node.callee.name) {
    // A decorated field's initial value, passed through the decorators' initializers.
    case '__runInitializers':
      if (args[1]?.type === 'Literal' && args.length === 4) return args[3]!;
      if (args[1]?.type === 'Identifier' && args.length === 3) return args[2]!;
      return node;
    case '__classPrivateFieldGet': {
      const [object, state, kind, descriptor] = args;
      if (kind?.value === 'm' || kind?.value === 'a') loweredMethod(label, privateNames.methodFromVariable(descriptor ?? state!), kind.value === 'm' ? 'method' : 'accessor');
      const name = privateNames.fromVariable(descriptor ?? state!);
      return object && name ? privateMember(object, name) : node;
    }
    case '__classPrivateFieldSet': {
      const [object, state, value, kind, descriptor] = args;
      if (kind?.value === 'a') loweredMethod(label, privateNames.methodFromVariable(descriptor ?? state!), 'accessor');
      const name = privateNames.fromVariable(descriptor ?? state!);
      if (!object || !value || !name) return node;
      const target = privateMember(object, name);
      // tsc's `this.#p++`: `__classPrivateFieldSet(this, _p, (_a = get, _a++, _a), "f")`.
      if (value.type === 'SequenceExpression' && value.expressions.length === 3 && value.expressions[1].type === 'UpdateExpression') {
        return { type: 'UpdateExpression', operator: value.expressions[1].operator, prefix: false, argument: target };
      }
      return { type: 'AssignmentExpression', operator: '=', left: target, right: value };
    }
    case '__classPrivateFieldIn':
    case '__privateIn': {
      const [state, object] = args;
      const name = state && privateNames.fromVariable(state);
      return object && name ? { type: 'BinaryExpression', operator: 'in', left: { type: 'PrivateIdentifier', name }, right: object } : node;
    }
    case '__privateGet': {
      const [object, state, getter] = args;
      if (getter) loweredMethod(label, privateNames.methodFromVariable(getter), 'accessor');
      const name = state && privateNames.fromVariable(state);
      return object && name ? privateMember(object, name) : node;
    }
    case '__privateSet': {
      const [object, state, value, setter] = args;
      if (setter) loweredMethod(label, privateNames.methodFromVariable(setter), 'accessor');
      const name = state && privateNames.fromVariable(state);
      return object && name && value ? { type: 'AssignmentExpression', operator: '=', left: privateMember(object, name), right: value } : node;
    }
    case '__privateMethod':
      return loweredMethod(label, privateNames.methodFromVariable(args[2] ?? args[1]!), 'method');
    case '__privateAdd': {
      // `__privateAdd(this, _X_instances)` brands the instance for lowered private methods.
      const [object, state, value] = args;
      const name = state && privateNames.fromVariable(state);
      if (!object || !name || /_instances$/.test(state!.name as string)) return { type: 'Literal', value: null, lowered: 'brand' };
      return { type: 'AssignmentExpression', operator: '=', left: privateMember(object, name), right: value ?? undefinedValue() };
    }
    case '__publicField': {
      const [object, fieldKey, value] = args;
      if (!object || !fieldKey) return node;
      if (!value && parent?.type === 'ExpressionStatement') return { type: 'Literal', value: null, lowered: 'brand' };
      const computed = !(fieldKey.type === 'Literal' && typeof fieldKey.value === 'string' && /^[A-Za-z_$][\w$]*$/.test(fieldKey.value));
      const property = computed ? fieldKey : identifier(fieldKey.value as string);
      return { type: 'AssignmentExpression', operator: '=', left: { type: 'MemberExpression', object, property, computed, optional: false }, right: value ?? undefinedValue() };
    }
    default:
      return node;
  }
}

/** tsc's `_Sample_p.set(this, 2)` (a field's initial value) and `_Sample_instances.add(this)` (a brand). */
function undoWeakMapCall(node: AstNode, privateNames: PrivateNames): AstNode {
  const callee = node.callee as AstNode;
  const args = node.arguments as AstNode[];
  if (callee.computed || callee.object.type !== 'Identifier' || callee.property.type !== 'Identifier' || args[0]?.type !== 'ThisExpression') return node;
  const name = privateNames.fromCompilerVariable(callee.object as AstNode);
  if (name === undefined) return node;
  if (callee.property.name === 'add' && args.length === 1 && name === 'instances') return { type: 'Literal', value: null, lowered: 'brand' };
  if (callee.property.name === 'set' && args.length === 2) {
    return { type: 'AssignmentExpression', operator: '=', left: privateMember(args[0]!, name), right: args[1]! };
  }
  return node;
}

/** Static fields, static blocks and `static uses` leave the text; static private fields are state. */
function removeStaticMembers(root: AstNode, privateState: Set<string>): void {
  root.body.body = (root.body.body as AstNode[]).filter((member) => {
    if (member.type === 'StaticBlock') return false;
    if (member.type !== 'PropertyDefinition' || !member.static) return true;
    if (member.key.type === 'PrivateIdentifier') privateState.add(`#${member.key.name as string}`);
    return false;
  });
}

/**
 * Moves instance field initialisers into the constructor, after `super(…)`, and normalises the
 * constructor's opening assignments (see `undoClassLowering`).
 */
function moveFieldsIntoConstructor(cls: AstNode): void {
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

/**
 * tsc declares the temporaries of its lowering at the top of a function (`var _a, _b;`); once the
 * lowering is undone they are unused. A declaration without a value of a `_a`-style name that
 * nothing else in the function mentions goes.
 */
const FUNCTIONS = new Set(['FunctionExpression', 'ArrowFunctionExpression', 'FunctionDeclaration']);

function removeUnusedTemporaries(fn: AstNode): void {
  if (fn.body.type !== 'BlockStatement') return;
  const body = fn.body.body as AstNode[];
  const first = body[0];
  if (first?.type !== 'VariableDeclaration' || first.kind !== 'var') return;
  const temporaries = (first.declarations as AstNode[]).filter(
    (declarator) => declarator.init === null && declarator.id.type === 'Identifier' && /^_[a-z]\d*$/.test(declarator.id.name as string),
  );
  if (temporaries.length === 0) return;
  const mentions = new Map<string, number>();
  walkTree(fn.body as AstNode, (child) => {
    if (child.type === 'Identifier') mentions.set(child.name as string, (mentions.get(child.name as string) ?? 0) + 1);
  });
  first.declarations = (first.declarations as AstNode[]).filter((declarator) => !temporaries.includes(declarator) || mentions.get(declarator.id.name as string) !== 1);
  if (first.declarations.length === 0) body.shift();
}

function isUndefined(node: AstNode): boolean {
  if (node.type === 'Literal') return node.value === undefined && !node.regex;
  if (node.type === 'Identifier') return node.name === 'undefined';
  return node.type === 'UnaryExpression' && node.operator === 'void' && node.argument.type === 'Literal';
}

