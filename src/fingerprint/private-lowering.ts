import { FingerprintError } from '../errors.js';
import { type AstNode, cloneNode, identifier, isCallOf, undefinedValue } from './ast.js';

/**
 * Private fields lowered to WeakMaps and helpers, read as private fields again: tsc's
 * `__classPrivateFieldGet(this, _X_p, "f")`, `__classPrivateFieldSet`, `__classPrivateFieldIn`,
 * `_X_p.set(this, v)`; esbuild's `__privateGet(this, _p)`, `__privateSet`, `__privateAdd`,
 * `__privateWrapper(this, _p)._`, `__privateIn`. Also esbuild's `__publicField(this, "a", v)`
 * (a field defined in the constructor) as `this.a = v`, and the decorators' `__runInitializers`.
 * A lowered private method or accessor is a `FingerprintError`: its code is outside the class.
 *
 * Returns the replacement of one call (its arguments already undone), `REMOVED` for a call that
 * only brands an instance or runs decorators, or the call itself.
 */
export function undoLoweredCall(node: AstNode, parent: AstNode | undefined, names: PrivateNames, label: string): AstNode {
  if (node.callee.type === 'MemberExpression') return undoWeakMapCall(node, names);
  if (node.callee.type !== 'Identifier') return node;
  return undoHelperCall(node, parent, names, label);
}

/** esbuild's `__privateWrapper(this, _p)._` (in `this.#p++` and destructuring targets) is `this.#p`. */
export function undoPrivateWrapper(node: AstNode, names: PrivateNames): AstNode {
  if (node.computed || node.property.type !== 'Identifier' || node.property.name !== '_' || !isCallOf(node.object as AstNode, '__privateWrapper')) return node;
  const [object, state] = node.object.arguments as AstNode[];
  const name = state && names.fromVariable(state);
  return object && name ? privateMember(object, name) : node;
}

/** What replaces a lowered call that does nothing the canonical form keeps; removed with its statement. */
export const REMOVED: AstNode = Object.freeze({ type: 'RemovedByLowering' }) as AstNode;

/** Tells private names from the WeakMap variables compilers lower them to. */
export class PrivateNames {
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

/**
 * `this.#p += 2` is `this.#p = this.#p + 2`, which is what esbuild and tsc lower it to: a private
 * field has no getter to call twice, and `this` (or a name) reads the same both times.
 */
export function expandPrivateCompoundAssignment(node: AstNode): AstNode {
  const left = node.left as AstNode;
  const operator = node.operator as string;
  if (operator === '=' || /^(\?\?|\|\||&&)=$/.test(operator) || left.type !== 'MemberExpression' || left.property.type !== 'PrivateIdentifier') return node;
  if (left.object.type !== 'ThisExpression' && left.object.type !== 'Identifier') return node;
  return { ...node, operator: '=', right: { type: 'BinaryExpression', operator: operator.slice(0, -1), left: cloneNode(left), right: node.right } };
}

/** `__runInitializers(this, _x_extraInitializers)` (tsc) or `__runInitializers(_init, 5, this)` (esbuild), without a value. */
export function isDecoratorInitializerRun(node: AstNode): boolean {
  if (!isCallOf(node, '__runInitializers')) return false;
  const args = node.arguments as AstNode[];
  return args[1]?.type === 'Literal' ? args.length === 3 : args.length === 2;
}

function undoHelperCall(node: AstNode, parent: AstNode | undefined, privateNames: PrivateNames, label: string): AstNode {
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
      if (!object || !name || /_instances$/.test(state!.name as string)) return REMOVED;
      return { type: 'AssignmentExpression', operator: '=', left: privateMember(object, name), right: value ?? undefinedValue() };
    }
    case '__publicField': {
      const [object, fieldKey, value] = args;
      if (!object || !fieldKey) return node;
      if (!value && parent?.type === 'ExpressionStatement') return REMOVED;
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
  if (callee.property.name === 'add' && args.length === 1 && name === 'instances') return REMOVED;
  if (callee.property.name === 'set' && args.length === 2) {
    return { type: 'AssignmentExpression', operator: '=', left: privateMember(args[0]!, name), right: args[1]! };
  }
  return node;
}

