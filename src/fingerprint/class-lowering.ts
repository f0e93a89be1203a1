import { type AstNode, identifier, isReferencePosition, namesDeclaredBy, rewriteTree, walkTree } from './ast.js';
import { moveFieldsIntoConstructor } from './class-fields.js';
import { PrivateNames, REMOVED, expandPrivateCompoundAssignment, isDecoratorInitializerRun, undoLoweredCall, undoPrivateWrapper } from './private-lowering.js';

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
export function undoClassLowering(root: AstNode, options: { selfNames: ReadonlySet<string>; label: string; keepStatics?: boolean }): LoweringResult {
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
  if (root.type === 'ClassExpression') removeStaticMembers(root, privateState, options.keepStatics === true);
  const privateMethods = new Set<string>();
  const privateUsed = new Set<string>();
  const declared: string[] = [];
  // The last walk of this pass, parents first: each node is seen as it is in the result (a class
  // is changed before its members are walked), so it also collects what `declaredNamesIn` would.
  walkTree(root, (node) => {
    if (node.type === 'ClassExpression' || node.type === 'ClassDeclaration') moveFieldsIntoConstructor(node);
    else if (node.type === 'MethodDefinition' && node.key.type === 'PrivateIdentifier') privateMethods.add(node.key.name as string);
    else if (node.type === 'PrivateIdentifier') privateUsed.add(node.name as string);
    namesDeclaredBy(node, declared);
  });
  // Private fields declared or used (`this.#count`, `#count in x`); methods are code, hashed.
  for (const name of privateUsed) if (!privateMethods.has(name)) privateState.add(`#${name}`);
  return { root, privateState: [...privateState].sort(), declared: new Set(declared) };
}

export interface LoweringResult {
  root: AstNode;
  /** Private fields (`#count`) the class holds or uses: state no fingerprint can read. */
  privateState: string[];
  /** Every name declared in the result: `declaredNamesIn(root)`, collected on the way. */
  declared: Set<string>;
}

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
  // tsc's legacy decorators write `X_1`, Rolldown and esbuild `_X`. The suffix (`/_\d+$/`) is
  // found without a regular expression: this runs for every name in the code.
  let digits = name.length;
  while (digits > 0 && isDigit(name.charCodeAt(digits - 1))) digits--;
  if (digits < name.length && digits > 0 && name.charCodeAt(digits - 1) === UNDERSCORE && selfNames.has(name.slice(0, digits - 1))) return true;
  return name.charCodeAt(0) === UNDERSCORE && selfNames.has(name.slice(1));
}

const UNDERSCORE = 0x5f;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
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
      return undoLoweredCall(node, parent, privateNames, label);
    case 'MemberExpression':
      return undoPrivateWrapper(node, privateNames);
    case 'ExpressionStatement':
      return isDecoratorInitializerRun(node.expression as AstNode) || node.expression === REMOVED ? null : node;
    case 'SequenceExpression': {
      // In a statement the last value is unused too.
      const statement = parent?.type === 'ExpressionStatement';
      const kept = (node.expressions as AstNode[]).filter(
        (expression, index, all) => expression !== REMOVED && ((index === all.length - 1 && !statement) || !isDecoratorInitializerRun(expression)),
      );
      if (kept.length === 0) return REMOVED;
      return kept.length === 1 ? kept[0]! : { ...node, expressions: kept };
    }
    case 'AssignmentExpression':
      return expandPrivateCompoundAssignment(node);
    default:
      return node;
  }
}

/**
 * Static fields, static blocks and `static uses` leave the text; static private fields are state.
 * With `keepStatics` (a class with no live object to read its values from), public static fields
 * and static blocks stay: their text is all there is of them.
 */
function removeStaticMembers(root: AstNode, privateState: Set<string>, keepStatics: boolean): void {
  root.body.body = (root.body.body as AstNode[]).filter((member) => {
    if (member.type === 'StaticBlock') return keepStatics;
    if (member.type !== 'PropertyDefinition' || !member.static) return true;
    if (member.key.type === 'PrivateIdentifier') {
      privateState.add(`#${member.key.name as string}`);
      return false;
    }
    return keepStatics && !(!member.computed && keyName(member.key as AstNode) === 'uses');
  });
}

function keyName(key: AstNode): string | undefined {
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal') return String(key.value);
  return undefined;
}

const FUNCTIONS = new Set(['FunctionExpression', 'ArrowFunctionExpression', 'FunctionDeclaration']);

/**
 * tsc declares the temporaries of its lowering at the top of a function (`var _a, _b;`); once the
 * lowering is undone they are unused. A declaration without a value of a `_a`-style name that
 * nothing else in the function mentions goes.
 */
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

